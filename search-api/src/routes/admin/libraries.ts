import { z } from "zod";
import { createLibrary, deleteLibrary, findLibraryByCode, findLibraryById, listLibraries, openingHoursOf, updateLibrary, type Library } from "@interlend/db";
import { withdrawRecords } from "@interlend/harvester/ingest/withdraw";
import type { AppDeps } from "../../app.ts";
import { problem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { idParams } from "../../http/validate.ts";

const timezone = z.string().trim().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "an IANA time zone such as Europe/Berlin");

/** Hours in which a lender's response window runs; closed weekdays and dates (holidays) do not count. */
const openingHours = z
  .strictObject({
    open: z.number().int().min(0).max(23),
    close: z.number().int().min(1).max(24),
    closedDays: z.array(z.number().int().min(0).max(6)).max(7).default([]),
    closedDates: z.array(z.iso.date()).max(400).default([]),
  })
  .refine((h) => h.open < h.close, { message: "open must be before close", path: ["close"] })
  .refine((h) => new Set(h.closedDays).size < 7, { message: "at least one weekday must be open", path: ["closedDays"] });

const libraryFields = {
  name: z.string().trim().min(1).max(200),
  timezone: timezone.optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  contactEmail: z.email().max(320).nullable().optional(),
  suspendedUntil: z.iso.date().nullable().optional(),
  /** null = the pod's default week (Mon–Fri 09–17). */
  openingHours: openingHours.nullable().optional(),
};
const createBody = z.strictObject({ code: z.string().trim().regex(/^[A-Z0-9_-]{2,32}$/, "2–32 capitals, digits, _ or -"), ...libraryFields });
const updateBody = z.strictObject({ ...libraryFields, name: libraryFields.name.optional() });

export function presentLibrary(library: Library) {
  return {
    id: library.id,
    code: library.code,
    name: library.name,
    timezone: library.timezone,
    latitude: library.latitude,
    longitude: library.longitude,
    contactEmail: library.contact_email,
    suspendedUntil: library.suspended_until,
    openingHours: openingHoursOf(library) ?? null,
    createdAt: library.created_at,
  };
}

async function libraryOr404(deps: AppDeps, id: number): Promise<Library> {
  const library = await findLibraryById(deps.db, id);
  if (!library) throw problem(404, "not-found", "Library not found", `No member library with id ${id}`);
  return library;
}

export function adminLibraryRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add({ method: "get", path: "/v1/admin/libraries", summary: "List member libraries", tag: "admin", access: ["admin"] }, async (c) =>
    c.json({ libraries: (await listLibraries(deps.db)).map(presentLibrary) }),
  );

  routes.add(
    { method: "post", path: "/v1/admin/libraries", summary: "Add a member library", tag: "admin", access: ["admin"], body: createBody, status: 201 },
    async (c, { body }) => {
      if (await findLibraryByCode(deps.db, body.code)) {
        throw problem(409, "conflict", "Code in use", `A member with code ${body.code} exists already`);
      }
      const library = await createLibrary(deps.db, body);
      return c.json(presentLibrary(library), 201);
    },
  );

  routes.add(
    { method: "patch", path: "/v1/admin/libraries/:id", summary: "Change a member library", tag: "admin", access: ["admin"], params: idParams, body: updateBody },
    async (c, { params, body }) => {
      await libraryOr404(deps, params.id);
      return c.json(presentLibrary((await updateLibrary(deps.db, params.id, body))!));
    },
  );

  routes.add(
    { method: "delete", path: "/v1/admin/libraries/:id", summary: "Remove a member and its records", tag: "admin", access: ["admin"], params: idParams },
    async (c, { params }) => {
      const library = await libraryOr404(deps, params.id);
      const requests = await deps.db
        .selectFrom("requests")
        .select("id")
        .where((eb) => eb.or([eb("borrower_library_id", "=", library.id), eb("lender_library_id", "=", library.id)]))
        .limit(1)
        .execute();
      if (requests.length > 0) {
        throw problem(409, "conflict", "Member has requests", `${library.code} has requests on record; suspend it instead of removing it`);
      }
      const withdrawn = await withdrawRecords(deps.db, { libraryId: library.id });
      await deleteLibrary(deps.db, library.id);
      await deps.harvests?.reload();
      return c.json({ deleted: library.code, recordsWithdrawn: withdrawn });
    },
  );
}

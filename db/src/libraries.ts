import type { Kysely } from "kysely";
import type { Database, Library } from "./schema.ts";
import { nowIso } from "./time.ts";

/** When a member answers requests: local hours, closed weekdays (0 = Sunday) and closed dates (YYYY-MM-DD, local). */
export interface OpeningHours {
  open: number;
  close: number;
  closedDays: readonly number[];
  closedDates?: readonly string[];
}

/** The member's own opening hours, or undefined for the pod's default week (also when the stored JSON is unreadable). */
export function openingHoursOf(library: { opening_hours: string | null }): OpeningHours | undefined {
  if (!library.opening_hours) return undefined;
  try {
    return JSON.parse(library.opening_hours) as OpeningHours;
  } catch {
    return undefined;
  }
}

const storedOpeningHours = (hours: OpeningHours | null | undefined) => (hours ? JSON.stringify(hours) : null);

export interface LibraryInput {
  code: string;
  name: string;
  timezone?: string;
  latitude?: number | null;
  longitude?: number | null;
  contactEmail?: string | null;
  suspendedUntil?: string | null;
  openingHours?: OpeningHours | null;
}

export async function listLibraries(db: Kysely<Database>): Promise<Library[]> {
  return db.selectFrom("libraries").selectAll().orderBy("code").execute();
}

export async function findLibraryByCode(db: Kysely<Database>, code: string): Promise<Library | undefined> {
  return db.selectFrom("libraries").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function findLibraryById(db: Kysely<Database>, id: number): Promise<Library | undefined> {
  return db.selectFrom("libraries").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function createLibrary(db: Kysely<Database>, input: LibraryInput): Promise<Library> {
  return db
    .insertInto("libraries")
    .values({
      code: input.code,
      name: input.name,
      timezone: input.timezone ?? "UTC",
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      contact_email: input.contactEmail ?? null,
      suspended_until: input.suspendedUntil ?? null,
      opening_hours: storedOpeningHours(input.openingHours),
      created_at: nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Creates the library, or returns the existing one with that code unchanged. */
export async function ensureLibrary(db: Kysely<Database>, input: LibraryInput): Promise<Library> {
  return (await findLibraryByCode(db, input.code)) ?? createLibrary(db, input);
}

export async function updateLibrary(
  db: Kysely<Database>,
  id: number,
  input: Partial<LibraryInput>,
): Promise<Library | undefined> {
  return db
    .updateTable("libraries")
    .set({
      ...(input.code !== undefined && { code: input.code }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.timezone !== undefined && { timezone: input.timezone }),
      ...(input.latitude !== undefined && { latitude: input.latitude }),
      ...(input.longitude !== undefined && { longitude: input.longitude }),
      ...(input.contactEmail !== undefined && { contact_email: input.contactEmail }),
      ...(input.suspendedUntil !== undefined && { suspended_until: input.suspendedUntil }),
      ...(input.openingHours !== undefined && { opening_hours: storedOpeningHours(input.openingHours) }),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteLibrary(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom("libraries").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

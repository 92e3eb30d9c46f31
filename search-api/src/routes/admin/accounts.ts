import { z } from "zod";
import { createApiClient, createUser, findLibraryByCode, findLibraryById, importPatronsCsv, listApiClients, listLibraries, revokeApiClient } from "@interlend/db";
import type { AppDeps } from "../../app.ts";
import { problem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { idParams } from "../../http/validate.ts";

const memberCode = z.string().trim().min(1).max(32);
const scope = z.string().regex(/^[a-z][a-z0-9:._-]{0,63}$/, "a lower-case word such as requests or lending");

async function libraryByCode(deps: AppDeps, code: string) {
  const library = await findLibraryByCode(deps.db, code);
  if (!library) throw problem(400, "invalid-parameters", "Unknown library", `No member with code ${code}`, { errors: [{ path: "library", message: "unknown member code" }] });
  return library;
}

/** Accounts a consortium admin manages: members' patrons (CSV from their ILS), staff and admins, API clients. */
export function adminAccountRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: "post",
      path: "/v1/admin/libraries/:id/patrons/import",
      summary: "Load or update a member's patrons from a CSV export of its ILS (card, name, email, status, expiry[, pin]); per-row results",
      tag: "admin",
      access: ["admin"],
      params: idParams,
      body: z.strictObject({ csv: z.string().min(1) }),
    },
    async (c, { params, body }) => {
      const library = await findLibraryById(deps.db, params.id);
      if (!library) throw problem(404, "not-found", "Library not found", `No member library with id ${params.id}`);
      const result = await importPatronsCsv(deps.db, library.id, body.csv);
      if (result.error) throw problem(400, "invalid-csv", "Cannot read the CSV", result.error);
      return c.json(result);
    },
  );

  routes.add(
    {
      method: "post",
      path: "/v1/admin/users",
      summary: "Add a staff member (of a member library) or a consortium admin",
      tag: "admin",
      access: ["admin"],
      status: 201,
      body: z.strictObject({
        email: z.string().trim().max(320),
        name: z.string().trim().min(1).max(200),
        password: z.string().max(1024),
        role: z.enum(["staff", "admin"]),
        library: memberCode.optional(),
      }),
    },
    async (c, { body }) => {
      const library = body.library ? await libraryByCode(deps, body.library) : undefined;
      const user = await createUser(deps.db, { email: body.email, name: body.name, password: body.password, role: body.role, libraryId: library?.id ?? null });
      return c.json({ id: user.id, email: user.email, name: user.name, role: user.role, library: library?.code ?? null }, 201);
    },
  );

  routes.add({ method: "get", path: "/v1/admin/users", summary: "Staff and admins", tag: "admin", access: ["admin"] }, async (c) => {
    const codes = new Map((await listLibraries(deps.db)).map((l) => [l.id, l.code]));
    const users = await deps.db.selectFrom("users").select(["id", "email", "name", "role", "library_id", "created_at"]).orderBy("id").execute();
    return c.json({ users: users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, library: u.library_id === null ? null : (codes.get(u.library_id) ?? null), createdAt: u.created_at })) });
  });

  routes.add(
    {
      method: "post",
      path: "/v1/admin/api-clients",
      summary: "Issue an API token for a member's own system (the token is shown once)",
      tag: "admin",
      access: ["admin"],
      status: 201,
      body: z.strictObject({ library: memberCode, name: z.string().trim().min(1).max(100), scopes: z.array(scope).max(20).default([]) }),
    },
    async (c, { body }) => {
      const library = await libraryByCode(deps, body.library);
      const { client, token } = await createApiClient(deps.db, { libraryId: library.id, name: body.name, scopes: body.scopes });
      return c.json({ ...client, library: library.code, token }, 201);
    },
  );

  routes.add({ method: "get", path: "/v1/admin/api-clients", summary: "API clients (never their tokens)", tag: "admin", access: ["admin"] }, async (c) =>
    c.json({ clients: await listApiClients(deps.db) }),
  );

  routes.add(
    { method: "delete", path: "/v1/admin/api-clients/:id", summary: "Revoke an API token", tag: "admin", access: ["admin"], params: idParams },
    async (c, { params }) => {
      if (!(await revokeApiClient(deps.db, params.id))) throw problem(404, "not-found", "No such active client", `No unrevoked API client with id ${params.id}`);
      return c.json({ revoked: params.id });
    },
  );
}

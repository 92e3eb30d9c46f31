import { createSource, deleteSource, findLibraryByCode, findSource, findSourceByName, listLibraries, listSources, updateSource, type Source } from "@interlend/db";
import { withdrawRecords } from "@interlend/harvester/ingest/withdraw";
import type { AppDeps } from "../../app.ts";
import { problem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { checkEndpoint, checkSchedule, createSourceBody, resolveHoldingsMapping, updateSourceBody } from "../../services/source-input.ts";
import { idParams } from "../../http/validate.ts";


function presentSource(source: Source, codes: Map<number, string>) {
  return {
    id: source.id,
    library: codes.get(source.library_id) ?? null,
    name: source.name,
    protocol: source.protocol,
    endpoint: source.endpoint,
    options: JSON.parse(source.options) as unknown,
    holdingsMapping: source.holdings_mapping ? (JSON.parse(source.holdings_mapping) as unknown) : null,
    schedule: source.schedule,
    timezone: source.timezone,
    enabled: source.enabled === 1,
    createdAt: source.created_at,
    updatedAt: source.updated_at,
  };
}

async function libraryCodes(deps: AppDeps) {
  return new Map((await listLibraries(deps.db)).map((l) => [l.id, l.code]));
}

async function sourceOr404(deps: AppDeps, id: number): Promise<Source> {
  const source = await findSource(deps.db, id);
  if (!source) throw problem(404, "not-found", "Source not found", `No source with id ${id}`);
  return source;
}

async function assertNameFree(deps: AppDeps, name: string, except?: number) {
  const other = await findSourceByName(deps.db, name);
  if (other && other.id !== except) throw problem(409, "conflict", "Name in use", `A source named ${name} exists already`);
}

export function adminSourceRoutes(routes: RouteTable, deps: AppDeps): void {
  const fileRoots = deps.fileRoots ?? [];

  routes.add({ method: "get", path: "/v1/admin/sources", summary: "List harvest sources", tag: "admin", access: ["admin"] }, async (c) => {
    const codes = await libraryCodes(deps);
    const schedule = new Map((deps.harvests?.scheduled() ?? []).map((s) => [s.sourceId, s.nextRun]));
    const sources = (await listSources(deps.db)).map((s) => ({ ...presentSource(s, codes), nextRun: schedule.get(s.id) ?? null }));
    return c.json({ sources });
  });

  routes.add(
    { method: "post", path: "/v1/admin/sources", summary: "Add a harvest source", tag: "admin", access: ["admin"], body: createSourceBody, status: 201 },
    async (c, { body }) => {
      const library = await findLibraryByCode(deps.db, body.library);
      if (!library) throw problem(400, "invalid-parameters", "Unknown library", `No member with code ${body.library}`, { errors: [{ path: "library", message: "unknown member code" }] });
      await assertNameFree(deps, body.name);
      const timezone = body.timezone ?? library.timezone;
      checkSchedule(body.schedule, timezone);
      const source = await createSource(deps.db, {
        libraryId: library.id,
        name: body.name,
        protocol: body.protocol,
        endpoint: checkEndpoint(body.protocol, body.endpoint, fileRoots),
        options: body.options,
        holdingsMapping: resolveHoldingsMapping(body.holdingsMapping) ?? undefined,
        schedule: body.schedule ?? null,
        timezone,
        enabled: body.enabled,
      });
      await deps.harvests?.reload();
      return c.json(presentSource(source, await libraryCodes(deps)), 201);
    },
  );

  routes.add(
    { method: "patch", path: "/v1/admin/sources/:id", summary: "Change a harvest source (schedule, enable, endpoint…)", tag: "admin", access: ["admin"], params: idParams, body: updateSourceBody },
    async (c, { params, body }) => {
      const current = await sourceOr404(deps, params.id);
      if (body.name) await assertNameFree(deps, body.name, current.id);
      const protocol = body.protocol ?? current.protocol;
      const endpoint = body.endpoint ?? (body.protocol ? current.endpoint : undefined);
      checkSchedule(body.schedule === undefined ? current.schedule : body.schedule, body.timezone ?? current.timezone);
      const source = await updateSource(deps.db, current.id, {
        ...body,
        ...(endpoint !== undefined && { endpoint: checkEndpoint(protocol, endpoint, fileRoots) }),
        holdingsMapping: body.holdingsMapping === undefined ? undefined : resolveHoldingsMapping(body.holdingsMapping),
      });
      await deps.harvests?.reload();
      return c.json(presentSource(source!, await libraryCodes(deps)));
    },
  );

  routes.add(
    { method: "delete", path: "/v1/admin/sources/:id", summary: "Remove a source and the records it brought", tag: "admin", access: ["admin"], params: idParams },
    async (c, { params }) => {
      const source = await sourceOr404(deps, params.id);
      const withdrawn = await withdrawRecords(deps.db, { sourceId: source.id });
      await deleteSource(deps.db, source.id);
      await deps.harvests?.reload();
      return c.json({ deleted: source.name, recordsWithdrawn: withdrawn });
    },
  );

  routes.add(
    { method: "post", path: "/v1/admin/sources/:id/harvest", summary: "Harvest a source now", tag: "admin", access: ["admin"], params: idParams, status: 202 },
    async (c, { params }) => {
      const source = await sourceOr404(deps, params.id);
      if (!deps.harvests) throw problem(503, "harvester-unavailable", "No harvester", "This API instance runs no harvester.");
      const result = await deps.harvests.harvestNow(source.id);
      if (!result.accepted) throw problem(409, "harvest-running", "Already harvesting", result.reason);
      return c.json({ accepted: true, source: source.name }, 202);
    },
  );
}

import type { Kysely } from "kysely";
import type { Database, Source, SourceProtocol } from "./schema.ts";
import { nowIso } from "./time.ts";

export interface SourceInput {
  libraryId: number;
  name: string;
  protocol: SourceProtocol;
  endpoint: string;
  options?: Record<string, unknown>;
  holdingsMapping?: unknown;
  schedule?: string | null;
  timezone?: string;
  enabled?: boolean;
}

export async function createSource(db: Kysely<Database>, input: SourceInput): Promise<Source> {
  const now = nowIso();
  return db
    .insertInto("sources")
    .values({
      library_id: input.libraryId,
      name: input.name,
      protocol: input.protocol,
      endpoint: input.endpoint,
      options: JSON.stringify(input.options ?? {}),
      holdings_mapping: input.holdingsMapping === undefined ? null : JSON.stringify(input.holdingsMapping),
      schedule: input.schedule ?? null,
      timezone: input.timezone ?? "UTC",
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSource(db: Kysely<Database>, id: number): Promise<Source | undefined> {
  return db.selectFrom("sources").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findSourceByName(db: Kysely<Database>, name: string): Promise<Source | undefined> {
  return db.selectFrom("sources").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function listSources(db: Kysely<Database>): Promise<Source[]> {
  return db.selectFrom("sources").selectAll().orderBy("id").execute();
}

export async function updateSource(
  db: Kysely<Database>,
  id: number,
  input: Partial<Omit<SourceInput, "libraryId">>,
): Promise<Source | undefined> {
  return db
    .updateTable("sources")
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.protocol !== undefined && { protocol: input.protocol }),
      ...(input.endpoint !== undefined && { endpoint: input.endpoint }),
      ...(input.options !== undefined && { options: JSON.stringify(input.options) }),
      ...(input.holdingsMapping !== undefined && { holdings_mapping: JSON.stringify(input.holdingsMapping) }),
      ...(input.schedule !== undefined && { schedule: input.schedule }),
      ...(input.timezone !== undefined && { timezone: input.timezone }),
      ...(input.enabled !== undefined && { enabled: input.enabled ? 1 : 0 }),
      updated_at: nowIso(),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSource(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom("sources").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

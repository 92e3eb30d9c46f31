import type { Kysely } from "kysely";
import type { BibRecordRow, Database, ItemRow, Library } from "@interlend/db";

export interface UnionRecordRows {
  bibs: Array<Pick<BibRecordRow, "id" | "library_id" | "local_id" | "data" | "marc" | "updated_at"> & Pick<Library, "code" | "name">>;
  items: Array<Pick<ItemRow, "bib_id" | "library_id" | "barcode" | "call_number" | "location" | "status" | "due_date" | "lendable" | "loan_type">>;
}

/** Every member record of a cluster with its library, and every copy under them. */
export async function loadUnionRecord(db: Kysely<Database>, clusterId: number): Promise<UnionRecordRows | undefined> {
  const bibs = await db
    .selectFrom("bib_records")
    .innerJoin("libraries", "libraries.id", "bib_records.library_id")
    .select([
      "bib_records.id", "bib_records.library_id", "bib_records.local_id", "bib_records.data",
      "bib_records.marc", "bib_records.updated_at", "libraries.code", "libraries.name",
    ])
    .where("bib_records.cluster_id", "=", clusterId)
    .orderBy("libraries.code")
    .execute();
  if (bibs.length === 0) return undefined;
  const items = await db
    .selectFrom("items")
    .select(["bib_id", "library_id", "barcode", "call_number", "location", "status", "due_date", "lendable", "loan_type"])
    .where("bib_id", "in", bibs.map((b) => b.id))
    .orderBy("id")
    .execute();
  return { bibs, items };
}

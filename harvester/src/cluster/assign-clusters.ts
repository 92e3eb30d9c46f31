import type { Transaction } from "kysely";
import { nowIso, type Database } from "@interlend/db";
import { chunk } from "../ingest/chunk.ts";
import type { SqliteFastStatements } from "../ingest/sqlite/fast-statements.ts";
import { UnionFind } from "./union-find.ts";

type Trx = Transaction<Database>;

/** What clustering needs to know of one incoming record. */
export interface ClusterCandidate {
  localId: string;
  /** Identifier keys: sharing one means the same work. */
  strongKeys: string[];
  /** Title/author/year/format key; used only when the record has no strong key. */
  workKey?: string;
}

const LOOKUP_CHUNK = 500;

/** Existing clusters per key, among records already stored. */
async function clustersOfKeys(trx: Trx, keys: string[], fast?: SqliteFastStatements): Promise<Map<string, number[]>> {
  if (fast) return fast.clustersOfKeys(keys);
  const byKey = new Map<string, number[]>();
  for (const part of chunk(keys, LOOKUP_CHUNK)) {
    const rows = await trx
      .selectFrom("match_keys")
      .innerJoin("bib_records", "bib_records.id", "match_keys.bib_id")
      .select(["match_keys.key", "bib_records.cluster_id"])
      .where("match_keys.key", "in", part)
      .where("bib_records.cluster_id", "is not", null)
      .distinct()
      .execute();
    for (const row of rows) {
      const list = byKey.get(row.key) ?? [];
      list.push(row.cluster_id!);
      byKey.set(row.key, list);
    }
  }
  return byKey;
}

export async function createClusters(trx: Trx, count: number, fast?: SqliteFastStatements): Promise<number[]> {
  const now = nowIso();
  if (fast) return fast.createClusters(count, now);
  const ids: number[] = [];
  for (const part of chunk(Array.from({ length: count }), 500)) {
    const rows = await trx
      .insertInto("clusters")
      .values(part.map(() => ({ created_at: now, updated_at: now })))
      .returning("id")
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * Links each candidate to the existing clusters it belongs with. Strong keys link freely (and a
 * record reaching two clusters bridges them). A record with no strong key follows its work key,
 * but only when that leads to exactly one place: a weak key alone never merges two clusters.
 */
async function linkCandidates(trx: Trx, candidates: ClusterCandidate[], sets: UnionFind, fast?: SqliteFastStatements): Promise<Set<number>> {
  const strong = [...new Set(candidates.flatMap((c) => c.strongKeys))];
  const weak = [...new Set(candidates.flatMap((c) => (c.strongKeys.length === 0 && c.workKey ? [c.workKey] : [])))];
  const existing = await clustersOfKeys(trx, [...strong, ...weak], fast);
  const reached = new Set<number>();
  candidates.forEach((candidate, i) => {
    sets.find(`r:${i}`);
    for (const key of candidate.strongKeys) {
      sets.union(`r:${i}`, `k:${key}`);
      for (const clusterId of existing.get(key) ?? []) {
        sets.union(`k:${key}`, `c:${clusterId}`);
        reached.add(clusterId);
      }
    }
  });
  // Identified records of this page, by work key, so an unidentified one can follow them too.
  const identifiedByWork = new Map<string, Set<string>>();
  candidates.forEach((candidate, i) => {
    if (candidate.strongKeys.length > 0 && candidate.workKey) {
      const roots = identifiedByWork.get(candidate.workKey) ?? new Set<string>();
      roots.add(`r:${i}`);
      identifiedByWork.set(candidate.workKey, roots);
    }
  });
  candidates.forEach((candidate, i) => {
    if (candidate.strongKeys.length > 0 || !candidate.workKey) return;
    sets.union(`r:${i}`, `w:${candidate.workKey}`);
  });
  for (const key of weak) {
    const targets = new Set<string>();
    for (const clusterId of existing.get(key) ?? []) targets.add(sets.find(`c:${clusterId}`));
    for (const node of identifiedByWork.get(key) ?? []) targets.add(sets.find(node));
    if (targets.size !== 1) continue;
    const [target] = targets;
    sets.union(`w:${key}`, target!);
    for (const clusterId of existing.get(key) ?? []) reached.add(clusterId);
  }
  return reached;
}

/**
 * Decides each candidate's cluster: the existing cluster it links to, the oldest of several
 * (merging the others into it), or a new one. Every cluster whose content changes is added to
 * `touched` so the index rebuilds it; the new ones (holding only candidates) also to `created`.
 */
export async function assignClusters(
  trx: Trx,
  candidates: ClusterCandidate[],
  touched: Set<number>,
  created?: Set<number>,
  /** SQLite's prepared statements, when on SQLite. */
  fast?: SqliteFastStatements,
): Promise<Map<string, number>> {
  const sets = new UnionFind();
  const reached = await linkCandidates(trx, candidates, sets, fast);
  const clustersByRoot = new Map<string, Set<number>>();
  for (const clusterId of reached) {
    const root = sets.find(`c:${clusterId}`);
    const set = clustersByRoot.get(root) ?? new Set<number>();
    set.add(clusterId);
    clustersByRoot.set(root, set);
  }
  const roots = candidates.map((_, i) => sets.find(`r:${i}`));
  const rootsNeedingCluster = [...new Set(roots.filter((root) => !clustersByRoot.has(root)))];
  const fresh = await createClusters(trx, rootsNeedingCluster.length, fast);
  const targetByRoot = new Map<string, number>();
  rootsNeedingCluster.forEach((root, i) => targetByRoot.set(root, fresh[i]!));
  if (created) for (const id of fresh) created.add(id);
  for (const [root, clusterIds] of clustersByRoot) {
    const [target, ...merged] = [...clusterIds].sort((a, b) => a - b);
    targetByRoot.set(root, target!);
    touched.add(target!);
    if (merged.length > 0) {
      await trx.updateTable("bib_records").set({ cluster_id: target! }).where("cluster_id", "in", merged).execute();
      await trx.deleteFrom("clusters").where("id", "in", merged).execute();
      for (const id of merged) touched.add(id);
    }
  }
  const clusterOf = new Map<string, number>();
  candidates.forEach((candidate, i) => {
    const target = targetByRoot.get(roots[i]!)!;
    clusterOf.set(candidate.localId, target);
    touched.add(target);
  });
  return clusterOf;
}

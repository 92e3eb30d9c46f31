/**
 * A small pod for the request tests: members, patrons, staff and titles with copies loaded through
 * the real ingest path, and the API on a real port. One factory for every request test.
 */
import { createPatron, createSource, createUser, ensureLibrary, hashSecret, type Library } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import type { RequestRouteDeps } from "@interlend/search-api/routes/requests";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";
import { bibRecord, memorySource } from "../support/marc-factory.ts";
import type { Dialect } from "@interlend/db";

export type CopyStatus = "available" | "on_loan" | "reference";

export interface PodSpec {
  libraries: Array<{ code: string; timezone?: string; contactEmail?: string; suspendedUntil?: string }>;
  /** Card numbers are unique across the pod in these tests. */
  patrons: Array<{ library: string; card: string; email?: string; status?: "active" | "blocked" | "expired"; expiresAt?: string }>;
  /** Title key → member code → its copies' statuses. */
  titles: Record<string, Record<string, CopyStatus[]>>;
}

export const PIN = "1234";
export const STAFF_PASSWORD = "staff password 1";
export const ADMIN = { email: "admin@pod.test", password: "correct horse battery" };

export interface Pod {
  database: TestDatabase;
  api: RunningServer;
  libraries: Record<string, Library>;
  /** Title key → union record (cluster) id. */
  records: Record<string, number>;
  patronIds: Record<string, number>;
  patron(card: string): Promise<HttpSession>;
  /** Staff of a member (email staff-CODE@pod.test). */
  staff(code: string): Promise<HttpSession>;
  admin(): Promise<HttpSession>;
  close(): Promise<void>;
}

let keyCounter = 0;
/** A fresh Idempotency-Key. */
export function newKey(): string {
  return `key-${process.pid}-${Date.now()}-${keyCounter++}`;
}

export async function startPod(dialect: Dialect, spec: PodSpec, deps: Partial<RequestRouteDeps> = {}): Promise<Pod> {
  const database = await createTestDatabase(dialect);
  const db = database.db;
  const libraries: Record<string, Library> = {};
  for (const l of spec.libraries) {
    libraries[l.code] = await ensureLibrary(db, {
      code: l.code,
      name: `${l.code} Library`,
      timezone: l.timezone ?? "UTC",
      contactEmail: l.contactEmail ?? `ill@${l.code.toLowerCase()}.test`,
      suspendedUntil: l.suspendedUntil ?? null,
    });
  }

  // Titles: the same OCLC number at every holder, so each title is one union record.
  const titleKeys = Object.keys(spec.titles);
  const perLibrary = new Map<string, ReturnType<typeof bibRecord>[]>();
  titleKeys.forEach((key, index) => {
    for (const [code, copies] of Object.entries(spec.titles[key]!)) {
      const list = perLibrary.get(code) ?? [];
      list.push(
        bibRecord({
          id: `${code}-${key}`,
          title: `Title ${key}`,
          author: "Writer, Ann",
          year: 2001,
          oclc: String(70_000 + index),
          items: copies.map((status, n) => [`${code}-${key}-${n}`, status]),
        }),
      );
      perLibrary.set(code, list);
    }
  });
  for (const [code, records] of perLibrary) {
    const source = await createSource(db, { libraryId: libraries[code]!.id, name: `${code}-mem`, protocol: "file", endpoint: "memory" });
    const run = await runHarvest({ db, source, adapter: memorySource([records]) });
    if (run.error) throw new Error(`harvest for ${code} failed: ${run.error}`);
  }
  const records: Record<string, number> = {};
  const rows = await db.selectFrom("bib_records").select(["local_id", "cluster_id"]).execute();
  for (const key of titleKeys) {
    const holders = Object.keys(spec.titles[key]!);
    const row = rows.find((r) => holders.some((code) => r.local_id === `${code}-${key}`));
    if (!row?.cluster_id) throw new Error(`title ${key} has no union record`);
    records[key] = row.cluster_id;
  }

  // Cheap hashes: these tests sign in often.
  const pinHash = await hashSecret(PIN, { N: 1024, r: 8, p: 1 });
  const patronIds: Record<string, number> = {};
  for (const p of spec.patrons) {
    const row = await createPatron(
      db,
      { libraryId: libraries[p.library]!.id, cardNumber: p.card, name: `Patron ${p.card}`, email: p.email ?? `${p.card.toLowerCase()}@readers.test`, status: p.status, expiresAt: p.expiresAt },
      pinHash,
    );
    patronIds[p.card] = row.id;
  }
  await createUser(db, { ...ADMIN, name: "Admin", role: "admin" });
  for (const l of spec.libraries) {
    await createUser(db, { email: `staff-${l.code.toLowerCase()}@pod.test`, password: STAFF_PASSWORD, name: `${l.code} staff`, role: "staff", libraryId: libraries[l.code]!.id });
  }

  const api = await startApiServer(
    {
      db,
      search: { search: async () => ({ hits: [] }), healthy: async () => true },
      libraryNames: cachedLibraryNames(db),
      ...deps,
    } as RequestRouteDeps,
    "127.0.0.1",
    0,
  );
  const libraryOfCard = new Map(spec.patrons.map((p) => [p.card, p.library]));
  return {
    database,
    api,
    libraries,
    records,
    patronIds,
    patron: (card) => HttpSession.patron(api.url, libraryOfCard.get(card)!, card, PIN),
    staff: (code) => HttpSession.staff(api.url, `staff-${code.toLowerCase()}@pod.test`, STAFF_PASSWORD),
    admin: () => HttpSession.staff(api.url, ADMIN.email, ADMIN.password),
    async close() {
      await api.close();
      await database.dispose();
    },
  };
}

/** The shape of a request as the API returns it (what the tests look at). */
export interface RequestBody {
  id: number;
  state: string;
  iso18626Status: string;
  serviceType: string;
  recordId: number;
  title: string;
  borrower: { code: string } | null;
  lender: { code: string } | null;
  patron?: { id: number; name: string };
  dueDate: string | null;
  rotaPosition: number;
  rota: Array<{ rank: number; library: string; tier: string; promised: boolean; reason: string; callNumber: string | null; location: string | null }>;
  events: Array<{ at: string; actor: string; from: string | null; to: string; lender: string | null; reason: string | null }>;
  allowedActions: string[];
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [key: string]: unknown;
}

/** Places a request as a patron session with a fresh (or given) key. */
export function place(session: HttpSession, recordId: number, extra: Record<string, unknown> = {}, key = newKey()) {
  return session.post<RequestBody & ProblemBody>("/v1/requests", { recordId, ...extra }, { "idempotency-key": key });
}

export function act(session: HttpSession, id: number, action: string, extra: Record<string, unknown> = {}) {
  return session.post<RequestBody & ProblemBody>(`/v1/requests/${id}/actions`, { action, ...extra });
}

/** A date `days` from today (YYYY-MM-DD). */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

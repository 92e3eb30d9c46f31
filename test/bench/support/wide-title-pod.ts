/**
 * A small pod for the copies figure the issue names: one title held by 50 members, 100,000 past
 * request events behind the lender figures (test/ranking/wide-title.ts), in SQLite under
 * data/bench/wide-title, built once and kept.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "@interlend/core";
import { migrateToLatest, openDatabase } from "@interlend/db";
import { seedWideTitle } from "../../ranking/wide-title.ts";

export interface WideTitlePod {
  sqlitePath: string;
  title: number;
  holders: number;
  events: number;
  /** A member that holds no copy: the borrower. */
  borrower: string;
}

export async function openWideTitlePod(log: (line: string) => void): Promise<WideTitlePod> {
  const dir = path.join(REPO_ROOT, "data", "bench", "wide-title");
  const sqlitePath = path.join(dir, "pod.sqlite");
  const marker = path.join(dir, "ready.json");
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, "utf8")) as WideTitlePod;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log("Building the wide-title pod (50 holders, 100,000 request events; once)…");
  const database = openDatabase({ sqlitePath });
  try {
    await migrateToLatest(database);
    const wide = await seedWideTitle(database.db, { holders: 50, events: 100_000 });
    const pod: WideTitlePod = { sqlitePath, title: wide.title, holders: wide.holders, events: wide.events, borrower: wide.members[0]!.library.code };
    writeFileSync(marker, JSON.stringify(pod));
    return pod;
  } finally {
    await database.close();
  }
}

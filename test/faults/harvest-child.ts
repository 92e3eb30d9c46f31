/** A harvest in its own process, for the crash test: `tsx harvest-child.ts <sourceId>` with SQLITE_PATH set. */
import { findSource, openDatabase } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";

const database = openDatabase({ sqlitePath: process.env.SQLITE_PATH });
const source = await findSource(database.db, Number(process.argv[2]));
if (!source) throw new Error("no source");
const run = await runHarvest({
  db: database.db,
  source,
  onProgress: (progress) => console.log(`PAGE ${progress.pages} ${progress.counts.seen}`),
});
console.log(`DONE ${run.status} ${run.seen} ${run.added} ${run.updated}`);
await database.close();

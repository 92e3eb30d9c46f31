/**
 * npm run demo:generate -- --records 1000000 --out data/bench --format marcxml --seed 1
 * Writes a deterministic demo consortium (one MARC file per member, ground truth, manifest).
 */
import { parseArgs } from "node:util";
import { writeDemoConsortium } from "./write-files.ts";

const USAGE =
  "usage: npm run demo:generate -- [--records N] [--out DIR] [--format marcxml|iso2709] [--seed N]";

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "6000" },
    out: { type: "string", default: "data/demo" },
    format: { type: "string", default: "marcxml" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const records = Number(values.records);
const seed = Number(values.seed);
if (!Number.isInteger(records) || records < 1)
  fail(`--records must be a positive integer, not ${values.records}`);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, not ${values.seed}`);
if (values.format !== "marcxml" && values.format !== "iso2709")
  fail(`--format must be marcxml or iso2709, not ${values.format}`);

const started = Date.now();
const result = await writeDemoConsortium({
  records,
  seed,
  format: values.format,
  outDir: values.out,
  onProgress(written, total) {
    const seconds = (Date.now() - started) / 1000;
    const rate = Math.round(written / Math.max(seconds, 0.001));
    process.stderr.write(
      `\r${written.toLocaleString("en")} / ${total.toLocaleString("en")} records (${Math.round((100 * written) / total)}%, ${rate.toLocaleString("en")}/s)`,
    );
  },
});
process.stderr.write("\n");
if (!result.written)
  process.stdout.write(
    `Up to date: ${values.out} already holds ${records} records (seed ${seed}, ${values.format}).\n`,
  );
for (const library of result.libraries)
  process.stdout.write(`${library.code.padEnd(6)} ${result.files[library.code]}\n`);
process.stdout.write(`ground truth ${result.groundTruth}\n`);

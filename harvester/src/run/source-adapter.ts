import type { Source } from "@interlend/db";
import { FileSource } from "../sources/file/file-source.ts";
import { OaiPmhSource } from "../sources/oai/index.ts";
import { SruSource, sruSourceOptions } from "../sources/sru/index.ts";
import { Z3950Source, z3950SourceOptions } from "../sources/z3950/index.ts";
import type { HarvestSource } from "../sources/types.ts";

type Options = Record<string, unknown>;

const text = (options: Options, key: string): string | undefined => (typeof options[key] === "string" ? (options[key] as string) : undefined);
const number = (options: Options, key: string): number | undefined => (typeof options[key] === "number" ? (options[key] as number) : undefined);

/** The adapter for a source row's protocol; `options` is the row's JSON protocol options. */
export function createSourceAdapter(source: Source): HarvestSource {
  const options = JSON.parse(source.options) as Options;
  switch (source.protocol) {
    case "file":
      return new FileSource({ path: source.endpoint, pageSize: number(options, "pageSize") });
    case "oai-pmh":
      return new OaiPmhSource({ baseUrl: source.endpoint, metadataPrefix: text(options, "metadataPrefix"), set: text(options, "set") ?? null });
    case "sru":
      return new SruSource(sruSourceOptions(source.endpoint, options));
    case "z39.50":
      return new Z3950Source(z3950SourceOptions(source.endpoint, options));
  }
}

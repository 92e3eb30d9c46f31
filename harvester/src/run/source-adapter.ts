import type { Source } from "@interlend/db";
import { FileSource } from "../sources/file/file-source.ts";
import type { HarvestSource } from "../sources/types.ts";

export class UnsupportedSourceError extends Error {}

/** The adapter for a source row's protocol. */
export function createSourceAdapter(source: Source): HarvestSource {
  const options = JSON.parse(source.options) as Record<string, unknown>;
  switch (source.protocol) {
    case "file":
      return new FileSource({ path: source.endpoint, pageSize: typeof options.pageSize === "number" ? options.pageSize : undefined });
    case "oai-pmh":
    case "z39.50":
    case "sru":
      throw new UnsupportedSourceError(`protocol ${source.protocol} is not supported yet`);
  }
}

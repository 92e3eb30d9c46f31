import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { findSource } from "@interlend/db";
import type { AppDeps } from "../../app.ts";
import { problem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { idParams } from "../../http/validate.ts";

export const UPLOAD_PATH = /^\/v1\/admin\/sources\/\d+\/upload$/;
const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
const MARC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(mrc|marc|iso|iso2709|dat|xml|marcxml)$/i;

const query = z.strictObject({ filename: z.string().regex(MARC_NAME, "a plain file name ending in .mrc, .xml, .iso, …") });

class TooLarge extends Error {}

function byteCap(limit: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? new TooLarge() : null, chunk);
    },
  });
}

/**
 * A member's MARC file uploaded into its file source's folder (streamed to disk, never held in
 * memory), then harvested. Only folder sources take uploads; the name is checked, never a path.
 */
export function adminUploadRoutes(routes: RouteTable, deps: AppDeps): void {
  const limit = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  routes.add(
    { method: "post", path: "/v1/admin/sources/:id/upload", summary: "Upload a MARC file (ISO 2709 or MARCXML) into a folder source and harvest it", tag: "admin", access: ["admin"], params: idParams, query, status: 202 },
    async (c, { params, query }) => {
      const source = await findSource(deps.db, params.id);
      if (!source) throw problem(404, "not-found", "Source not found", `No source with id ${params.id}`);
      const folder = source.protocol === "file" ? await stat(source.endpoint).catch(() => undefined) : undefined;
      if (!folder?.isDirectory()) throw problem(409, "not-a-folder-source", "Source takes no uploads", "Uploads go to file sources whose endpoint is a folder.");
      const body = c.req.raw.body;
      if (!body) throw problem(400, "empty-body", "No file", "Send the file as the request body.");
      const target = path.join(source.endpoint, `${Date.now()}-${query.filename}`);
      const partial = `${target}.partial`;
      try {
        await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), byteCap(limit), createWriteStream(partial, { flags: "wx" }));
      } catch (error) {
        await rm(partial, { force: true });
        if (error instanceof TooLarge) throw problem(413, "upload-too-large", "File too large", `The limit is ${limit} bytes.`);
        throw error;
      }
      await rename(partial, target);
      const { size } = await stat(target);
      const harvest = deps.harvests ? await deps.harvests.harvestNow(source.id) : { accepted: false, reason: "no harvester in this process" };
      return c.json({ file: path.basename(target), bytes: size, harvest }, 202);
    },
  );
}

import { error } from "@sveltejs/kit";
import { toBibtex, toRis } from "$lib/citation";
import { t } from "$lib/i18n";
import { getRecord } from "$lib/server/api";
import { toPageError } from "$lib/server/page-errors";
import type { RequestHandler } from "./$types";

const FORMATS = {
  ris: { type: "application/x-research-info-systems; charset=utf-8", write: toRis },
  bib: { type: "application/x-bibtex; charset=utf-8", write: toBibtex },
} as const;

/** /records/:id/cite.ris and /records/:id/cite.bib: the citation as a download. */
export const GET: RequestHandler = async ({ params, fetch, url }) => {
  const format = params.format === "ris" || params.format === "bib" ? FORMATS[params.format] : undefined;
  if (!format) error(404, { message: t("error.notFoundTitle"), kind: "not-found" });
  let record;
  try {
    record = await getRecord(fetch, params.id);
  } catch (e) {
    toPageError(e, { notFoundStatuses: [400, 404] });
  }
  const permalink = new URL(`/records/${encodeURIComponent(record.id)}`, url).href;
  const safeId = record.id.replace(/[^A-Za-z0-9_-]/g, "_");
  return new Response(format.write(record, permalink), {
    headers: {
      "content-type": format.type,
      "content-disposition": `attachment; filename="interlend-${safeId}.${params.format}"`,
      "cache-control": "public, max-age=300",
    },
  });
};

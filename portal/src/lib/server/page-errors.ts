import { error } from "@sveltejs/kit";
import { t } from "$lib/i18n";
import { ApiProblemError, ApiUnavailableError } from "./api";

/**
 * Turns an API client failure into the page error SvelteKit renders with +error.svelte.
 * Anything that is not an API answer is rethrown for handleError (logged, generic message).
 */
export function toPageError(e: unknown, options: { notFoundStatuses?: number[] } = {}): never {
  if (e instanceof ApiUnavailableError) {
    error(503, { message: t("error.unavailableTitle"), kind: "unavailable" });
  }
  if (e instanceof ApiProblemError) {
    if ((options.notFoundStatuses ?? [404]).includes(e.status)) {
      error(404, { message: t("error.notFoundTitle"), kind: "not-found" });
    }
    if (e.status >= 400 && e.status < 500) {
      error(e.status === 400 ? 400 : e.status, {
        message: t("error.badRequestTitle"),
        kind: "bad-request",
        ...(e.problem.detail !== undefined && { detail: e.problem.detail }),
      });
    }
  }
  throw e;
}

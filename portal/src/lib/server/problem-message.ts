import { t } from "$lib/i18n";
import { ApiProblemError, ApiUnavailableError } from "./api";

/** A sentence to show in a form for an API failure: the API's own words when it sent some. */
export function problemMessage(e: unknown): string {
  if (e instanceof ApiUnavailableError) return t("error.unavailableBody");
  if (e instanceof ApiProblemError) {
    const detail = e.problem.detail;
    const field = e.problem.errors?.map((x) => `${x.path}: ${x.message}`).join("; ");
    if (detail && field && !detail.includes(field)) return `${detail} (${field})`;
    return detail ?? (field ? `${e.problem.title} (${field})` : e.problem.title);
  }
  throw e;
}

/** Whether the API route is missing (not built yet, or an older API): pages then say so. */
export function isMissingRoute(e: unknown): boolean {
  return e instanceof ApiProblemError && e.status === 404 && /No route for/.test(e.problem.detail ?? "");
}

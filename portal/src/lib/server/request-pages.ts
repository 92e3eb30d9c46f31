import { fail } from "@sveltejs/kit";
import type { LoanRequest } from "$lib/api-types";
import { t } from "$lib/i18n";
import { formText as text } from "./admin";
import { ApiResponseError, listRequests, requestAction } from "./api";
import { isMissingRoute, problemMessage } from "./problem-message";

type Fetch = typeof fetch;

/** A request list for a page; a missing or failing API route becomes a message, not an error page. */
export async function loadRequestList(
  fetchFn: Fetch,
  path: string,
  query: URLSearchParams,
  auth: NonNullable<App.Locals["auth"]>,
): Promise<{ requests: LoanRequest[]; message?: string }> {
  try {
    return { requests: await listRequests(fetchFn, path, query, auth) };
  } catch (e) {
    if (e instanceof ApiResponseError) {
      console.warn(`[portal] ${e.message}`, e.cause);
      return { requests: [], message: t("requests.unreadable") };
    }
    return { requests: [], message: isMissingRoute(e) ? t("requests.notAvailable") : problemMessage(e) };
  }
}

export const UNFILL_REASONS = ["not_on_shelf", "damaged", "in_use", "policy", "other"] as const;
const ACTIONS = new Set(["ship", "unfill", "deliver", "receive", "return", "complete", "cancel"]);

/**
 * The form action shared by every request page: `id`, `action` and, for some actions, `reason`
 * or `dueDate`. Answers {done} or a failure naming the request, for the page to show beside it.
 */
export async function runRequestAction(fetchFn: Fetch, request: Request, auth: App.Locals["auth"]) {
  const data = await request.formData();
  const id = text(data, "id");
  const action = text(data, "action");
  if (!auth) return fail(401, { id, error: t("request.signInFirst") });
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id) || !ACTIONS.has(action)) return fail(400, { id, error: t("request.reload") });
  const reason = text(data, "reason");
  const dueDate = text(data, "dueDate");
  if (action === "unfill" && !(UNFILL_REASONS as readonly string[]).includes(reason)) {
    return fail(400, { id, error: t("staff.chooseReason") });
  }
  if (action === "ship" && dueDate !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) {
    return fail(400, { id, error: t("staff.badDueDate") });
  }
  try {
    await requestAction(fetchFn, id, {
      action,
      ...(reason !== "" && { reason }),
      ...(dueDate !== "" && { dueDate }),
    }, auth);
  } catch (e) {
    return fail(400, { id, error: isMissingRoute(e) ? t("requests.notAvailable") : problemMessage(e) });
  }
  return { id, done: action };
}

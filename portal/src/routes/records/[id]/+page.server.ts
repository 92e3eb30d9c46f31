import { fail } from "@sveltejs/kit";
import type { RankedCopies } from "$lib/api-types";
import { t } from "$lib/i18n";
import { formText as text } from "$lib/server/admin";
import { apiRequest, getCopies, getRecord } from "$lib/server/api";
import { toPageError } from "$lib/server/page-errors";
import { isMissingRoute, problemMessage } from "$lib/server/problem-message";
import type { Actions, PageServerLoad } from "./$types";

const IDEMPOTENCY_KEY = /^[A-Za-z0-9-]{16,64}$/;

export const load: PageServerLoad = async ({ params, fetch, locals, url }) => {
  let record;
  try {
    record = await getRecord(fetch, params.id);
  } catch (e) {
    // The API answers 400 to an id it cannot parse: for a visitor that is a missing record too.
    toPageError(e, { notFoundStatuses: [400, 404] });
  }
  const user = locals.user;
  const isStaff = user?.role === "staff" || user?.role === "admin";
  // The MARC view is for staff; patrons and visitors get the members without their MARC.
  const members = record.members.map((m) => (isStaff ? m : { ...m, marc: undefined }));

  let copies: RankedCopies | undefined;
  let copiesMessage: string | undefined;
  const borrower = user?.library?.code;
  if (borrower) {
    try {
      copies = await getCopies(fetch, params.id, borrower, "loan", locals.auth);
    } catch (e) {
      copiesMessage = isMissingRoute(e) ? t("copies.notAvailable") : problemMessage(e);
    }
  }
  return {
    record: { ...record, members },
    copies,
    copiesMessage,
    canRequest: user?.role === "patron",
    pickupDefault: user?.library?.name ?? "",
    // A fresh key each time the page renders: a double submit of this form places one request.
    idempotencyKey: crypto.randomUUID(),
    permalink: new URL(`/records/${encodeURIComponent(record.id)}`, url).href,
  };
};

export const actions: Actions = {
  request: async ({ request, params, locals, fetch }) => {
    if (!locals.auth || locals.user?.role !== "patron") {
      return fail(401, { requestError: t("request.signInFirst"), serviceType: "loan", pickupLocation: "" });
    }
    const data = await request.formData();
    const key = text(data, "idempotencyKey");
    const serviceType = text(data, "serviceType") === "copy" ? "copy" : "loan";
    const pickupLocation = text(data, "pickupLocation").slice(0, 200);
    if (!IDEMPOTENCY_KEY.test(key)) return fail(400, { requestError: t("request.reload"), serviceType, pickupLocation });
    const recordId = Number(params.id);
    try {
      const answer = await apiRequest(fetch, "/v1/requests", {
        method: "POST",
        auth: locals.auth,
        headers: { "idempotency-key": key },
        body: {
          recordId: Number.isInteger(recordId) ? recordId : params.id,
          serviceType,
          ...(pickupLocation !== "" && { pickupLocation }),
        },
      });
      const body = answer.body as { id?: unknown; state?: unknown } | undefined;
      return {
        requested: {
          id: body?.id !== undefined ? String(body.id) : "",
          state: typeof body?.state === "string" ? body.state : "submitted",
        },
      };
    } catch (e) {
      const message = isMissingRoute(e) ? t("request.notAvailable") : problemMessage(e);
      return fail(400, { requestError: message, serviceType, pickupLocation });
    }
  },
};

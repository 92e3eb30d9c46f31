import { fail, redirect } from "@sveltejs/kit";
import { t } from "$lib/i18n";
import { formText as field } from "$lib/server/admin";
import { ApiProblemError, listLibraryNames } from "$lib/server/api";
import { safeNext } from "$lib/server/guard";
import { problemMessage } from "$lib/server/problem-message";
import { signInAtApi, writeAuth, type SignIn } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ fetch, url, locals }) => {
  let libraries: Array<{ code: string; name: string }> = [];
  try {
    const names = await listLibraryNames(fetch);
    libraries = Object.entries(names)
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    // Without the list the patron types the library code instead.
  }
  return { libraries, next: safeNext(url.searchParams.get("next")), signedIn: locals.user !== undefined };
};

async function signIn(
  event: Parameters<Actions[string]>[0],
  form: "patron" | "staff",
  credentials: SignIn,
  values: Record<string, string>,
) {
  try {
    const { auth } = await signInAtApi(fetch, credentials);
    writeAuth(event.cookies, auth, event.url.protocol === "https:");
  } catch (e) {
    const status = e instanceof ApiProblemError && e.status < 500 ? e.status : 503;
    const message =
      e instanceof ApiProblemError && e.status === 401
        ? form === "patron"
          ? t("signin.wrongCard")
          : t("signin.wrongPassword")
        : problemMessage(e);
    return fail(status, { form, message, values });
  }
  redirect(303, safeNext(event.url.searchParams.get("next")));
}

export const actions: Actions = {
  patron: async (event) => {
    const data = await event.request.formData();
    const library = field(data, "library");
    const cardNumber = field(data, "cardNumber");
    const pin = typeof data.get("pin") === "string" ? String(data.get("pin")) : "";
    const values = { library, cardNumber };
    if (!library || !cardNumber || !pin) return fail(400, { form: "patron", message: t("signin.fillAll"), values });
    return signIn(event, "patron", { kind: "patron", library, cardNumber, pin }, values);
  },
  staff: async (event) => {
    const data = await event.request.formData();
    const email = field(data, "email");
    const password = typeof data.get("password") === "string" ? String(data.get("password")) : "";
    const values = { email };
    if (!email || !password) return fail(400, { form: "staff", message: t("signin.fillAll"), values });
    return signIn(event, "staff", { kind: "staff", email, password }, values);
  },
};

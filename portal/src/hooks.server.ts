import type { Handle, HandleServerError } from "@sveltejs/kit";
import { t } from "$lib/i18n";
import { ApiUnavailableError } from "$lib/server/api";
import { clearAuth, readAuth, whoAmI, writeAuth } from "$lib/server/session";

/**
 * Security headers for every response. The Content-Security-Policy itself comes from
 * `kit.csp` in svelte.config.js (self only, with a nonce for SvelteKit's inline script).
 */
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  // Search terms are in our URLs; keep them from leaking to other sites.
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
};

/** Resolves the portal cookie into `locals.user` by asking the API who the session belongs to. */
async function resolveUser(event: Parameters<Handle>[0]["event"]): Promise<void> {
  event.locals.auth = undefined;
  event.locals.user = undefined;
  const stored = readAuth(event.cookies);
  if (!stored) return;
  const secure = event.url.protocol === "https:";
  try {
    const current = await whoAmI(fetch, stored);
    if (!current) {
      clearAuth(event.cookies, secure);
      return;
    }
    event.locals.auth = current.auth;
    event.locals.user = current.user;
    if (current.auth.csrfToken !== stored.csrfToken) writeAuth(event.cookies, current.auth, secure);
  } catch (e) {
    // The API is down: keep the cookie (the session may well be fine) and render signed out.
    if (!(e instanceof ApiUnavailableError)) throw e;
  }
}

/** Endpoints that never depend on who is signed in: suggestions (one call per keystroke), citations. */
const ANONYMOUS_ENDPOINTS = /^\/(suggest$|records\/[^/]+\/cite\.)/;

export const handle: Handle = async ({ event, resolve }) => {
  if (ANONYMOUS_ENDPOINTS.test(event.url.pathname)) {
    event.locals.auth = undefined;
    event.locals.user = undefined;
  } else {
    await resolveUser(event);
  }
  const response = await resolve(event);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    try {
      if (!response.headers.has(name)) response.headers.set(name, value);
    } catch {
      // Some responses (e.g. passed-through fetches) have immutable headers; leave them be.
    }
  }
  return response;
};

/** Unexpected errors: log them with an id, show the visitor only a generic message and the id. */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status === 404) return { message: t("error.notFoundTitle"), kind: "not-found" };
  const errorId = crypto.randomUUID().slice(0, 8);
  console.error(
    `[portal] ${errorId} ${event.request.method} ${event.url.pathname} → ${status} ${message}`,
    error,
  );
  return { message: t("error.unexpectedTitle"), kind: "unexpected", errorId };
};

import type { Handle, HandleServerError } from "@sveltejs/kit";
import { t } from "$lib/i18n";

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

export const handle: Handle = async ({ event, resolve }) => {
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

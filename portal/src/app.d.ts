// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
      /** What went wrong, so the error page can say something useful. */
      kind?: "unavailable" | "not-found" | "bad-request" | "unexpected";
      /** A longer explanation safe to show to the user (e.g. the API problem's detail). */
      detail?: string;
      /** Correlates the page with the server log for unexpected errors. */
      errorId?: string;
    }
    interface Locals {
      /** The API session behind the portal cookie, when someone is signed in. */
      auth: import("$lib/server/api").ApiAuth | undefined;
      /** Who is signed in, as the API told us for this request. */
      user: import("$lib/server/session").SessionUser | undefined;
    }
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};

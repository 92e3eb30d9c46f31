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
    // interface Locals {}
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};

/** Search-as-you-type: how much to ask for, and what the box shows. */

/** Titles asked of the API per keystroke pause. */
export const SUGGEST_LIMIT = 6;
/** Shorter queries get no suggestions (too broad to help). */
export const SUGGEST_MIN_CHARS = 2;
/** Pause after the last keystroke before asking. */
export const SUGGEST_DEBOUNCE_MS = 200;

/** The hits' titles, each once (ignoring case and spacing), in rank order. */
export function suggestionTitles(hits: ReadonlyArray<{ title: string }>, limit = SUGGEST_LIMIT): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const hit of hits) {
    const title = hit.title.replace(/\s+/g, " ").trim();
    const key = title.toLocaleLowerCase();
    if (title === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(title);
    if (out.length === limit) break;
  }
  return out;
}

/** The next active option for an arrow key: wraps around; -1 means none (the text box itself). */
export function moveActive(active: number, count: number, key: "ArrowDown" | "ArrowUp"): number {
  if (count === 0) return -1;
  if (key === "ArrowDown") return active >= count - 1 ? 0 : active + 1;
  return active <= 0 ? count - 1 : active - 1;
}

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import adapter from "@sveltejs/adapter-node";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/**
 * SvelteKit's route announcer (the aria-live region that reads the new page title after a
 * client-side navigation) carries an inline style attribute, which `style-src 'self'` blocks.
 * Rather than allow every inline style, allow exactly that one by its hash, read from the
 * installed kit so an upgrade cannot silently make it stale. (app.css hides the announcer too,
 * so a mismatch costs a console message, never a visible glitch.)
 */
function announcerStyleHash() {
  const known = "S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=";
  try {
    const require = createRequire(import.meta.url);
    const kitDir = path.dirname(require.resolve("@sveltejs/kit/package.json"));
    const source = readFileSync(path.join(kitDir, "src/core/sync/write_root.js"), "utf8");
    const style = /id="svelte-announcer"[^>]*?style="([^"]*)"/.exec(source)?.[1];
    return style ? createHash("sha256").update(style).digest("base64") : known;
  } catch {
    return known;
  }
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
  },
  kit: {
    adapter: adapter({ out: "build" }),
    // A strict Content-Security-Policy. Mode "auto" gives server-rendered pages a nonce for
    // SvelteKit's own inline bootstrap script, so nothing else needs to be allowed.
    csp: {
      mode: "auto",
      directives: {
        "default-src": ["self"],
        "script-src": ["self"],
        "style-src": ["self"],
        "style-src-attr": ["unsafe-hashes", `sha256-${announcerStyleHash()}`],
        "img-src": ["self", "data:"],
        "font-src": ["self"],
        "connect-src": ["self"],
        "object-src": ["none"],
        "base-uri": ["self"],
        "form-action": ["self"],
        "frame-ancestors": ["none"],
      },
    },
  },
};

export default config;

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("gives working defaults: SQLite under data/, embedded Meilisearch, ports 3000/3001", () => {
    const config = loadConfig({});
    expect(config.dialect).toBe("sqlite");
    expect(config.sqlitePath).toMatch(/data[/\\]interlend\.sqlite$/);
    expect(config.MEILI_URL).toBeUndefined();
    expect([config.PORTAL_PORT, config.API_PORT]).toEqual([3000, 3001]);
    expect(config.apiUrl).toBe("http://127.0.0.1:3001");
  });

  it("names every bad setting at once", () => {
    let error: unknown;
    try {
      loadConfig({ API_PORT: "70000", DATABASE_URL: "mysql://x", SMTP_URL: "http://mail", MEILI_URL: "not a url" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["API_PORT", "DATABASE_URL", "SMTP_URL", "MEILI_URL"]) expect(message).toContain(name);
  });

  it("reads an optional JSON file, with the environment winning and empty values ignored", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "interlend-config-"));
    try {
      const file = path.join(dir, "interlend.json");
      writeFileSync(file, JSON.stringify({ API_PORT: 4001, PORTAL_PORT: 4000, DATABASE_URL: "postgres://u@h/db" }));
      const config = loadConfig({ INTERLEND_CONFIG: file, API_PORT: "5001", SMTP_URL: "" });
      expect([config.API_PORT, config.PORTAL_PORT, config.dialect]).toEqual([5001, 4000, "postgres"]);
      expect(config.SMTP_URL).toBeUndefined();
      expect(() => loadConfig({ INTERLEND_CONFIG: path.join(dir, "missing.json") })).toThrow(/INTERLEND_CONFIG/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

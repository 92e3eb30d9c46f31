import { describe, expect, it, vi } from "vitest";

const env = vi.hoisted(() => ({}) as Record<string, string | undefined>);
vi.mock("$env/dynamic/private", () => ({ env }));

import { sourceTestView, testSourceEndpoint, type SourceFormValues } from "./source-form";

const values: SourceFormValues = {
  library: "",
  name: "x",
  protocol: "oai-pmh",
  endpoint: "http://oai.test/oai",
  metadataPrefix: "marc21",
  set: "",
  holdingsMapping: "",
  schedule: "",
  timezone: "",
  enabled: true,
};
const auth = { token: "t", csrfToken: "c" };

describe("test connection", () => {
  it("flattens the API's answer for display", () => {
    expect(sourceTestView({ ok: true, summary: "fine", details: { files: ["a.mrc", "b.mrc"], hits: 3, missing: null } })).toEqual({
      ok: true,
      summary: "fine",
      details: [
        { name: "files", value: "a.mrc, b.mrc" },
        { name: "hits", value: "3" },
        { name: "missing", value: "–" },
      ],
    });
    expect(sourceTestView("nonsense")).toMatchObject({ ok: false, details: [] });
  });

  it("sends protocol, endpoint and options, and turns a refusal into a failed test", async () => {
    const sent: unknown[] = [];
    const ok = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify({ ok: false, summary: "refused", details: { error: "ECONNREFUSED" } }), { status: 200 });
    }) as unknown as typeof fetch;
    expect(await testSourceEndpoint(ok, auth, values)).toMatchObject({ ok: false, summary: "refused" });
    expect(sent[0]).toEqual({ protocol: "oai-pmh", endpoint: "http://oai.test/oai", options: { metadataPrefix: "marc21" } });

    const bad = vi.fn(async () =>
      new Response(JSON.stringify({ title: "Invalid request body", detail: "Check protocol", status: 400 }), { status: 400 }),
    ) as unknown as typeof fetch;
    expect((await testSourceEndpoint(bad, auth, values)).ok).toBe(false);
    expect((await testSourceEndpoint(ok, auth, { ...values, endpoint: "" })).summary).toMatch(/endpoint/i);
  });
});

import { describe, expect, it, vi } from "vitest";

vi.mock("$env/dynamic/private", () => ({ env: {} }));

import { safeNext } from "./guard";
import { decodeAuth, encodeAuth, parseSessionUser, sessionTokenFrom } from "./session";

describe("portal session cookie", () => {
  it("round-trips the API token and CSRF token, and ignores damaged values", () => {
    const auth = { token: "abc.def", csrfToken: "xyz" };
    expect(decodeAuth(encodeAuth(auth))).toEqual(auth);
    expect(decodeAuth("not base64 json")).toBeUndefined();
    expect(decodeAuth(undefined)).toBeUndefined();
  });

  it("finds the API session cookie among Set-Cookie headers", () => {
    const headers = new Headers();
    headers.append("set-cookie", "other=1; Path=/");
    headers.append("set-cookie", "interlend_session=tok123; Path=/; HttpOnly; SameSite=Lax");
    expect(sessionTokenFrom(headers)).toBe("tok123");
    expect(sessionTokenFrom(new Headers())).toBeUndefined();
  });

  it("reads who is signed in", () => {
    expect(parseSessionUser({ role: "patron", name: "Pat", library: { id: 1, code: "N", name: "North" }, csrfToken: "c" })).toEqual({
      role: "patron",
      name: "Pat",
      library: { id: 1, code: "N", name: "North" },
      csrfToken: "c",
    });
    expect(parseSessionUser({ role: "api", name: "x" })).toBeUndefined();
  });

  it("returns only to same-site paths after sign-in", () => {
    expect(safeNext("/records/1?x=2")).toBe("/records/1?x=2");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});

import { describe, expect, it } from "vitest";
import { navFor } from "./nav";

describe("navFor", () => {
  it("shows each role only what it can use", () => {
    expect(navFor(undefined, false).map((i) => i.path)).toEqual(["/"]);
    expect(navFor("patron", true).map((i) => i.path)).toEqual(["/", "/requests"]);
    expect(navFor("staff", true).map((i) => i.path)).toEqual(["/", "/staff/pull-list", "/staff/incoming", "/staff/returns", "/staff/overdue"]);
    expect(navFor("admin", false).map((i) => i.path)).toEqual(["/", "/admin", "/admin/members", "/admin/sources", "/admin/runs", "/admin/settings"]);
  });
});

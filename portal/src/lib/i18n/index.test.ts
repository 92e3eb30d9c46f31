import { describe, expect, it } from "vitest";
import { formatLabel, languageLabel, statusLabel, t } from "./index";

describe("t", () => {
  it("fills placeholders and formats numbers", () => {
    expect(t("search.countFor", { count: 1234, q: "hobbit" })).toBe("1,234 results for “hobbit”");
  });

  it("picks plural forms", () => {
    expect(t("result.heldBy", { count: 1 })).toBe("Held by 1 library");
    expect(t("result.heldBy", { count: 3 })).toBe("Held by 3 libraries");
    expect(t("result.onShelf", { count: 2 })).toBe("2 copies on shelf");
  });
});

describe("code labels", () => {
  it("names known codes and shows unknown ones as they are", () => {
    expect(formatLabel("ebook")).toBe("E-book");
    expect(formatLabel("zine")).toBe("zine");
    expect(languageLabel("ger")).toBe("German");
    expect(languageLabel("tlh")).toBe("tlh");
    expect(statusLabel("on_loan")).toBe("On loan");
    // Prototype keys are not messages.
    expect(formatLabel("constructor")).toBe("constructor");
  });
});

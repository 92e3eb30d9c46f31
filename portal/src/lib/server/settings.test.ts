import { describe, expect, it } from "vitest";
import { settingsAsValues, settingsPatch, type PodSettings } from "./settings";

const settings: PodSettings = {
  ranking: { turnaroundWeight: 1, loadBalanceWeight: 0.01, loadBalanceCapDays: 2, distanceWeight: 0, priorRequests: 10, windowDays: 90 },
  responseWindowHours: 48,
  requestLimits: { perPatron: 10, perMemberDaily: 500 },
  liveLookupTtlSeconds: 300,
  patronRetentionDays: 90,
};

describe("settings form", () => {
  it("round-trips the settings through the form", () => {
    const values = settingsAsValues(settings);
    expect(values.loadBalanceCapDays).toBe("2");
    expect(settingsPatch(values)).toEqual({
      ranking: settings.ranking,
      requestLimits: settings.requestLimits,
      responseWindowHours: 48,
      liveLookupTtlSeconds: 300,
      patronRetentionDays: 90,
    });
  });

  it("leaves empty fields out, reads a decimal comma, and sends nonsense as null for the API to name", () => {
    expect(settingsPatch({ loadBalanceWeight: "0,5", windowDays: "", responseWindowHours: "soon" })).toEqual({
      ranking: { loadBalanceWeight: 0.5 },
      responseWindowHours: null,
    });
  });
});

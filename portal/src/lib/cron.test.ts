import { describe, expect, it } from "vitest";
import { describeCron } from "./cron";

describe("describeCron", () => {
  it.each([
    ["0 2 * * *", "every day at 02:00"],
    ["30 2,14 * * *", "every day at 02:30 and 14:30"],
    ["* * * * *", "every minute"],
    ["*/15 * * * *", "every 15 minutes"],
    ["5 * * * *", "every hour at :05"],
    ["0 */6 * * *", "every 6 hours at :00"],
    ["0 3 * * 1", "every Monday at 03:00"],
    ["0 3 * * 1-5", "every weekday (Monday to Friday) at 03:00"],
    ["0 3 * * 6,0", "every Saturday and Sunday at 03:00"],
    ["0 3 * * 0,3,5", "every Wednesday, Friday and Sunday at 03:00"],
    ["0 3 * * 7", "every Sunday at 03:00"],
    ["15 4 1 * *", "on day 1 of every month at 04:15"],
    ["15 4 1,15 * *", "on day 1 and 15 of every month at 04:15"],
    ["0 0 1 1 *", "on day 1 of January at 00:00"],
    ["0 0 2 * * *", "every day at 02:00"],
  ])("reads %s as %s", (cron, words) => {
    expect(describeCron(cron)).toBe(words);
  });

  it.each([["every monday"], ["0 2 * *"], ["61 2 * * *"], ["0 25 * * *"], ["0 2 * * MON"], ["0 2 L * *"], ["0-5 2 * * *"], [""], [null]])(
    "gives no reading for %s",
    (cron) => {
      expect(describeCron(cron)).toBeUndefined();
    },
  );
});

import cron from "node-cron";

/** Why a schedule is not usable, in words an admin can act on; undefined when it is fine. */
export function scheduleProblem(expression: string, timezone: string): string | undefined {
  const detail = cron.validateDetailed(expression);
  if (!detail.valid) {
    const reasons = detail.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
    return `"${expression}" is not a valid cron expression (${reasons || "expected 5 or 6 fields"})`;
  }
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
  } catch {
    return `"${timezone}" is not a known IANA time zone (e.g. Europe/Berlin, America/Chicago)`;
  }
  return undefined;
}

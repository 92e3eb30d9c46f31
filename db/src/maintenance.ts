import type { Kysely } from "kysely";
import { purgePatronData } from "./retention.ts";
import type { Database } from "./schema.ts";
import { purgeExpiredSessions } from "./sessions.ts";
import { getPodSettings } from "./settings.ts";

/** Housekeeping run on a timer: expired sessions go, patron data past the pod's retention is removed. */
export async function runMaintenance(db: Kysely<Database>, now: Date = new Date()) {
  const settings = await getPodSettings(db);
  const sessionsPurged = await purgeExpiredSessions(db, now);
  const retention = await purgePatronData(db, settings.patronRetentionDays, now);
  return { sessionsPurged, ...retention };
}

/** Runs maintenance now and then every `intervalMs` (hourly by default); returns a stop function. */
export function startMaintenance(db: Kysely<Database>, log: (line: string) => void, intervalMs = 3_600_000): () => void {
  const tick = () =>
    runMaintenance(db).then(
      (r) => {
        if (r.sessionsPurged || r.requestsAnonymised || r.patronsDeleted) {
          log(`maintenance: ${r.sessionsPurged} sessions expired, ${r.requestsAnonymised} requests anonymised, ${r.patronsDeleted} patrons removed`);
        }
      },
      (error: unknown) => log(`maintenance failed: ${(error as Error).message}`),
    );
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

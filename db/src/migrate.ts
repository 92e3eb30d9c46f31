import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";
import type { DatabaseHandle, Dialect } from "./connect.ts";
import { initialMigration } from "./migrations/001-initial.ts";
import { accountsMigration } from "./migrations/002-accounts.ts";
import { lendingHistoryMigration } from "./migrations/003-lending-history.ts";
import { requestsMigration } from "./migrations/004-requests.ts";
import { requestPlacingMigration } from "./migrations/005-request-placing.ts";
import { openingHoursMigration } from "./migrations/006-opening-hours.ts";
import { lenderDailySendsMigration } from "./migrations/007-lender-daily-sends.ts";

/** Migrations in code (not files on disk) so they work the same from tsx, bundles and tests. */
class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return { "001-initial": initialMigration(this.dialect), "002-accounts": accountsMigration(this.dialect), "003-lending-history": lendingHistoryMigration(this.dialect), "004-requests": requestsMigration(this.dialect), "005-request-placing": requestPlacingMigration(), "006-opening-hours": openingHoursMigration(), "007-lender-daily-sends": lenderDailySendsMigration() };
  }
}

export class MigrationError extends Error {}

export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: handle.db,
    provider: new CodeMigrationProvider(handle.dialect),
    // Without a schema Kysely takes any schema's migration table as ours (several pods, or test
    // schemas, in one PostgreSQL database).
    ...(handle.schema && { migrationTableSchema: handle.schema }),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new MigrationError(`migration ${failed} failed: ${(result.error as Error).message ?? result.error}`, {
      cause: result.error,
    });
  }
  return result;
}

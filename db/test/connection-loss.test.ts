import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@interlend/db";
import { POSTGRES_URL, postgresAvailable } from "../../test/support/databases.ts";

describe("a PostgreSQL connection lost in the middle of a transaction", () => {
  let database: DatabaseHandle | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it("fails that transaction's next statement instead of crashing the process", async (ctx) => {
    if (!(await postgresAvailable())) return ctx.skip();
    database = openDatabase({ databaseUrl: POSTGRES_URL, poolSize: 2 });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    // Vitest reports uncaught errors itself; listening as well lets this test assert on them.
    process.on("uncaughtException", onUncaught);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const outcome = database.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // The server ends this backend while the transaction holds it between two statements.
        await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 1`.execute(trx);
      });
      await expect(outcome).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // The pool hands out a working connection afterwards.
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(rows[0]!.one).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
      await admin.end();
    }
  });
});

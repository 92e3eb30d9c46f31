/**
 * Whether an error means the database cannot be reached right now (server down, restarting,
 * connection cut), as opposed to a bug or a constraint: the API answers 503 for these.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // PostgreSQL: connection exceptions (08…), shutdowns and "starting up" (57P01–57P03).
  if (typeof code === "string" && (/^08/.test(code) || /^57P0[1-3]$/.test(code) || ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(code))) return true;
  // SQLite: another writer held the lock past busy_timeout.
  if (code === "SQLITE_BUSY") return true;
  return typeof message === "string" && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

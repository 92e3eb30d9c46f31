import type { Kysely } from "kysely";
import { countAdmins, createUser, findUserByEmail, randomToken, type Database } from "@interlend/db";

export interface BootstrapAdminInput {
  /** Defaults to admin@interlend.local when no admin exists yet. */
  email?: string;
  /** When absent, a random password is generated and returned (show it once). */
  password?: string;
  name?: string;
}

export interface BootstrapAdminResult {
  email: string;
  created: boolean;
  /** Set only when this call created the admin with a generated password. */
  generatedPassword?: string;
}

export const DEFAULT_ADMIN_EMAIL = "admin@interlend.local";

/**
 * Makes sure a consortium admin exists at start-up.
 * - With email and password: creates that admin unless a user with the email exists (an existing
 *   account's password and role are never changed here).
 * - Otherwise, when there is no admin at all: creates one (the given email or the default) with a
 *   generated password, returned in `generatedPassword` for the caller to print once.
 * - Otherwise: nothing to do (undefined).
 */
export async function ensureBootstrapAdmin(db: Kysely<Database>, input: BootstrapAdminInput = {}): Promise<BootstrapAdminResult | undefined> {
  const name = input.name ?? "Consortium admin";
  if (input.email && input.password) {
    const existing = await findUserByEmail(db, input.email);
    if (existing) return { email: existing.email, created: false };
    const user = await createUser(db, { email: input.email, password: input.password, name, role: "admin", libraryId: null });
    return { email: user.email, created: true };
  }
  if ((await countAdmins(db)) > 0) return undefined;
  const email = input.email ?? DEFAULT_ADMIN_EMAIL;
  const existing = await findUserByEmail(db, email);
  if (existing) return { email: existing.email, created: false };
  const generatedPassword = randomToken(18);
  const user = await createUser(db, { email, password: generatedPassword, name, role: "admin", libraryId: null });
  return { email: user.email, created: true, generatedPassword };
}

/**
 * Start-up wiring: reads INTERLEND_ADMIN_EMAIL / INTERLEND_ADMIN_PASSWORD and logs what happened;
 * a generated password is logged exactly once (it is not stored anywhere readable).
 */
export async function bootstrapAdminFromEnv(
  db: Kysely<Database>,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Promise<BootstrapAdminResult | undefined> {
  const result = await ensureBootstrapAdmin(db, {
    email: env.INTERLEND_ADMIN_EMAIL || undefined,
    password: env.INTERLEND_ADMIN_PASSWORD || undefined,
  });
  if (result?.generatedPassword) {
    log(`Created consortium admin ${result.email} with password: ${result.generatedPassword}`);
    log("This password is shown once; sign in and change it (or set INTERLEND_ADMIN_PASSWORD).");
  } else if (result?.created) {
    log(`Created consortium admin ${result.email}.`);
  }
  return result;
}

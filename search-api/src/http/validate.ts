import { z } from "zod";
import { problem } from "./problem.ts";

/** A database id in a path or body: a positive int4. */
export const dbId = z.coerce.number().int().positive().max(2_147_483_647);

/** `:id` path parameters. */
export const idParams = z.strictObject({ id: dbId });

/** Collects query parameters, keeping repeated ones (format=a&format=b) as arrays. */
export function queryParams(url: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  // Only the query string is parsed (a whole URL costs a search ~10 µs more); a #fragment never reaches a server.
  const at = url.indexOf("?");
  if (at < 0) return params;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    const previous = params[key];
    params[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return params;
}

/** Parses input with a zod schema or throws a 400 problem that names every bad parameter. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "(root)"),
    message: issue.message,
  }));
  const names = [...new Set(errors.map((e) => e.path))].join(", ");
  throw problem(400, "invalid-parameters", `Invalid ${what}`, `Check ${names}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, {
    errors,
  });
}

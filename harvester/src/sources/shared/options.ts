/** Reads an optional option of one JSON type from a source row's options, or throws naming the key. */
export function optionOf<T extends "string" | "number">(
  options: Record<string, unknown>,
  key: string,
  type: T,
  fail: (message: string) => Error,
): (T extends "string" ? string : number) | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type)
    throw fail(`source option ${key} must be a ${type}, got ${JSON.stringify(value)}`);
  return value as T extends "string" ? string : number;
}

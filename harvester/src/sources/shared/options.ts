type OptionType = "string" | "number";
type ValueOf<T extends OptionType> = T extends "string" ? string : number;

/** Reads an optional option of one JSON type from a source row's options, or throws naming the key. */
export function optionOf<T extends OptionType>(
  options: Record<string, unknown>,
  key: string,
  type: T,
  fail: (message: string) => Error,
): ValueOf<T> | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type)
    throw fail(`source option ${key} must be a ${type}, got ${JSON.stringify(value)}`);
  return value as ValueOf<T>;
}

/** The options named in `types` that a source row sets, each checked as optionOf does. */
export function pickOptions<S extends Record<string, OptionType>>(
  options: Record<string, unknown>,
  types: S,
  fail: (message: string) => Error,
): { [K in keyof S]?: ValueOf<S[K]> } {
  const picked: Record<string, string | number> = {};
  for (const [key, type] of Object.entries(types)) {
    const value = optionOf(options, key, type, fail);
    if (value !== undefined) picked[key] = value;
  }
  return picked as { [K in keyof S]?: ValueOf<S[K]> };
}

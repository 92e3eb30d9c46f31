export * from "./connect.ts";
export * from "./migrate.ts";
export * from "./schema.ts";
export * from "./time.ts";
export * from "./libraries.ts";
export * from "./sources.ts";
export * from "./harvest-runs.ts";

export * from "./errors.ts";
export * from "./transport.ts";
export * from "./managed.ts";
export * from "./connect.ts";
export * from "./union-index.ts";
export * from "./union-index-writer.ts";

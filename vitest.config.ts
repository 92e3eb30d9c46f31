import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{core,db,harvester,search-api,test}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "portal/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});

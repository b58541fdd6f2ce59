import { defineConfig } from "vitest/config";

// Backend unit + integration tests, and the client's plain modules (its store). Browser tests
// have their own config (vitest.e2e.config.ts).
export default defineConfig({
  test: {
    include: [
      "protocol/src/**/*.test.ts",
      "frontend/src/**/*.test.ts",
      "backend/src/**/*.test.ts",
      "backend/test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});

import { defineConfig } from "vitest/config";

// Browser tests: the built app started as the README says, driven by Debian's Chromium.
export default defineConfig({
  test: {
    include: ["frontend/e2e/**/*.e2e.ts"],
    globalSetup: ["frontend/e2e/global-setup.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

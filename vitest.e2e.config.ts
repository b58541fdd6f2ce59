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
    // A real browser on two shared cores has rare timing hiccups; one retry keeps CI honest
    // without hiding a real failure (a broken feature fails its retry too). Retries are
    // printed in the run's output.
    retry: process.env.CI ? 1 : 0,
  },
});

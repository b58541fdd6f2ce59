#!/usr/bin/env node
// Runs every suite, then prints the one closing line CI reads: "N passed, N failed, N skipped".
// Counts come from each runner's JSON report, never from parsing its console output.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const only = process.argv.slice(2);
mkdirSync("test-results", { recursive: true });

const suites = [
  { name: "backend", config: "vitest.config.ts" },
  { name: "e2e", config: "vitest.e2e.config.ts", before: ["npm", ["run", "build"]] },
].filter((s) => existsSync(s.config) && (only.length === 0 || only.includes(s.name)));

const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", env: process.env }).status ?? 1;

if (run("npm", ["run", "build", "-w", "protocol"]) !== 0) process.exit(1);

const total = { passed: 0, failed: 0, skipped: 0 };
let broken = false;
for (const suite of suites) {
  const report = `test-results/${suite.name}.json`;
  rmSync(report, { force: true });
  if (suite.before && run(...suite.before) !== 0) {
    console.error(`\n${suite.name}: build failed, suite not run`);
    broken = true;
    continue;
  }
  const args = [
    "vitest",
    "run",
    "--config",
    suite.config,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ];
  const status = run("npx", args);
  if (!existsSync(report)) {
    console.error(`\n${suite.name}: no report written (runner exit ${status})`);
    broken = true;
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  // A file that fails outside its tests (a beforeAll that throws, a file that does not
  // compile) has none failed, its tests only skipped: it counts as one failure itself.
  const failedFiles = r.testResults.filter(
    (f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"),
  ).length;
  const failed = r.numFailedTests + failedFiles;
  total.passed += r.numPassedTests;
  total.failed += failed;
  total.skipped += r.numPendingTests + r.numTodoTests;
  if (status !== 0 && failed === 0) broken = true;
}

console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken ? 1 : 0);

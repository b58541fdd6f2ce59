import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Where scripts import the backend's sources from. */
export const srcDir = path.resolve(import.meta.dirname, "../../src");

/**
 * Runs a TypeScript ES module in a fresh Node process that has nothing else to keep it
 * alive, as a CLI script or a stopping server would.
 */
export function runScript(code: string) {
  const file = path.join(tmpdir(), `chat-script-${randomUUID()}.mts`);
  writeFileSync(file, code);
  try {
    return spawnSync(process.execPath, ["--import", "tsx", file], {
      cwd: path.dirname(srcDir),
      encoding: "utf8",
      timeout: 30_000,
    });
  } finally {
    rmSync(file, { force: true });
  }
}

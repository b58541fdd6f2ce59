import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    wsEndpoint: string;
  }
}

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

/** Starts the built server as `npm start` runs it, on a free port with a fresh data dir, and one Chromium. */
export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, "../..");
  const dataDir = mkdtempSync(path.join(tmpdir(), "chat-e2e-"));
  const port = await freePort();
  let log = "";
  const child = spawn(process.execPath, ["--single-threaded-gc", "backend/dist/main.js"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      NODE_ENV: "production",
      JWT_SECRET: randomBytes(36).toString("base64url"), // 48 characters
      AUTH_RATE_LIMIT_PER_IP: "1000",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      // Small enough that the "too large" test stays quick.
      UPLOAD_MAX_BYTES: String(2 * 1024 * 1024),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    log += d;
  });
  child.stderr?.on("data", (d) => {
    log += d;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launchServer({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  try {
    await waitForHealth(baseUrl, child, () => log);
  } catch (err) {
    child.kill("SIGKILL");
    await browser.close();
    throw err;
  }
  project.provide("baseUrl", baseUrl);
  project.provide("wsEndpoint", browser.wsEndpoint());

  return async () => {
    await browser.close();
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) process.kill(child.pid, "SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}

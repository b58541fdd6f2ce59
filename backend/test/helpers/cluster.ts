import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** One server process, started as an operator would (`main.ts`), on a random loopback port. */
export interface NodeProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines the process printed, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A fresh PostgreSQL database, a Redis key prefix and a data dir that a test's nodes share. */
export interface ClusterStorage {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createClusterStorage(): Promise<ClusterStorage> {
  const id = randomBytes(6).toString("hex");
  const database = `cluster_${id}`;
  await adminQuery(`create database ${database}`);
  const dbUrl = new URL(PG_ADMIN_URL);
  dbUrl.pathname = `/${database}`;
  const prefix = `relay-test-${id}:`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "chat-cluster-"));
  return {
    env: { DATABASE_URL: dbUrl.toString(), REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir },
    async drop() {
      await adminQuery(`drop database if exists ${database} with (force)`);
      const redis = new Redis(TEST_REDIS_URL);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== "0");
      } finally {
        redis.disconnect();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Spawns `backend/src/main.ts` with `npm start`'s node flags and resolves once it logs its port. */
export function startNode(name: string, env: Record<string, string>, timeoutMs = 30_000): Promise<NodeProcess> {
  const child = spawn(process.execPath, ["--single-threaded-gc", "--import", "tsx", "backend/src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info",
      SERVE_FRONTEND: "false",
      JWT_SECRET: "cluster-secret-cluster-secret-cluster-secret",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const node: Omit<NodeProcess, "url"> = {
    name,
    child,
    output: () => lines.join("\n"),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${timeoutMs}ms:\n${node.output()}`));
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${node.output()}`));
    });
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      buffered += chunk.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) {
        try {
          const entry = JSON.parse(line) as { port?: number; msg?: string };
          if (typeof entry.port === "number" && entry.msg?.startsWith("listening")) {
            clearTimeout(timer);
            resolve({ ...node, url: `http://127.0.0.1:${entry.port}` });
          }
        } catch {
          // not a log line
        }
      }
    });
  });
}

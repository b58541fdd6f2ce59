// Starts the app or the baseline relay as a separate process on loopback, pins it to a
// core, reads its CPU time and memory from /proc, and stops it by its pid.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { inspectorUrl } from "./inspector.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CLK_TCK = 100;

export const serverCore = 1;
export const loadCore = 0;
/** Every core but the server's, as a taskset list: where load-generator processes may run. */
export const loadCores = () =>
  Array.from({ length: cpus().length }, (_, i) => i)
    .filter((c) => c !== serverCore)
    .join(",");

export function canPin() {
  try {
    execFileSync("taskset", ["-pc", String(process.pid)], { stdio: "ignore" });
    return (
      readFileSync("/proc/self/status", "utf8")
        .match(/Cpus_allowed_list:\s*(\S+)/)?.[1]
        ?.includes("1") ?? false
    );
  } catch {
    return false;
  }
}

/** Pins every thread of a process (libuv pool included) to one core. */
export function pin(pid, core) {
  execFileSync("taskset", ["-a", "-pc", String(core), String(pid)], { stdio: "ignore" });
}

const allCores = () => `0-${Math.max(1, availableParallelism() - 1)}`;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, child, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy in 30 s:\n${log()}`);
}

async function createPgDatabase() {
  const name = `bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** kind: "app" | "baseline". Returns a handle with url, pid, stats() and stop(). */
export async function startServer(kind, opts) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cleanups = [];
  const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" };
  // The inspector (loopback, random port) lets the harness force a GC before memory readings.
  const nodeArgs = ["--inspect=127.0.0.1:0"];
  let script;
  if (kind === "baseline") {
    script = path.join(root, "bench/baseline-server.mjs");
  } else {
    script = path.resolve(opts.appEntry ?? path.join(root, "backend/dist/main.js"));
    // As `npm start` and the Dockerfile run it (docs/performance.md, item 31).
    nodeArgs.push("--single-threaded-gc");
    if (!existsSync(script)) throw new Error("backend is not built: run npm run build -w protocol -w backend");
    const dataDir = mkdtempSync(path.join(tmpdir(), "chat-bench-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    Object.assign(env, {
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: "warn",
      SERVE_FRONTEND: "false",
      AUTH_RATE_LIMIT_PER_IP: "1000000",
      AUTH_RATE_LIMIT_PER_USERNAME: "1000",
      SOCKET_COMMANDS_PER_10S: "1000000",
      DATABASE_URL: "",
    });
    if (opts.db === "postgres") {
      const db = await createPgDatabase();
      cleanups.unshift(() => db.drop());
      env.DATABASE_URL = db.url;
    }
  }
  if (opts.cpuProf) {
    const dir = path.join(root, "bench/results/profiles");
    mkdirSync(dir, { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`);
  }
  // Set-up (argon2 registrations) may use every core; the load steps pin the server later.
  const command = opts.pin ? ["taskset", "-c", allCores(), process.execPath] : [process.execPath];
  const child = spawn(command[0], [...command.slice(1), ...nodeArgs, script], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    for (const c of cleanups) await c();
  };
  try {
    await waitHealthy(url, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind,
    url,
    pid: child.pid,
    output: () => output,
    inspector: () => inspectorUrl(output),
    alive: () => child.exitCode === null,
    /** CPU seconds used so far (all threads), current and peak RSS in bytes. */
    stats() {
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1] ?? 0) * 1024;
      return { cpu, rss: kb("VmRSS"), peakRss: kb("VmHWM") };
    },
    stop,
  };
}

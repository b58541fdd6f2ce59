import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// Runs in a worker thread with its own connection. Plain CommonJS so it needs no build step.
const source = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Copies the WAL back into the database file from a worker thread. A checkpoint writes and
 * fsyncs; run by SQLite's auto-checkpoint it does so on the event loop, inside the COMMIT
 * of whichever send crossed the threshold, and stalls every socket for the duration.
 * PASSIVE never blocks the writer. It cannot restart the WAL while writes keep coming, so
 * the main connection keeps a (raised) auto-checkpoint; it then finds the pages copied.
 */
export function startCheckpointer(file: string, intervalMs = 250) {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(source, { eval: true, workerData: { file, module, intervalMs } });
  worker.unref();
  worker.on("error", () => {});
  return {
    async stop() {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("stop");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
    },
  };
}

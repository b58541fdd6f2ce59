import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// Runs in a worker thread with its own connection. Plain CommonJS so it needs no build step.
const source = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try {
    const [{ log, checkpointed }] = db.pragma("wal_checkpoint(PASSIVE)");
    if (log >= workerData.restartFrames && log - checkpointed <= workerData.restartBacklog) {
      db.pragma("wal_checkpoint(RESTART)");
    }
  } catch {}
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
 * PASSIVE never blocks the writer, but the WAL only starts over once everything in it is
 * copied, which PASSIVE alone rarely achieves while writes keep coming. So once the WAL is
 * past `restartFrames` (16 MB) and a PASSIVE pass has left at most `restartBacklog` frames
 * behind, a RESTART copies that remainder and holds writers off for just that long; the
 * next write starts the WAL from the beginning.
 */
export function startCheckpointer(file: string, intervalMs = 100, restartFrames = 4096, restartBacklog = 256) {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(source, {
    eval: true,
    workerData: { file, module, intervalMs, restartFrames, restartBacklog },
  });
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

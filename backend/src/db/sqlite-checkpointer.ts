import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type SQLite from "better-sqlite3";

/** What a checkpoint pass reports: frames in the WAL when it began, and how many are copied. */
interface Progress {
  log: number;
  checkpointed: number;
}

/**
 * Passes again while that pays. A pass copies and syncs what was written during the pass
 * before it, so while the worker copies much faster than the event loop writes, each pass
 * is a fraction of the last, and so is what the main connection's finish (a copy and two
 * syncs on the event loop) has left to do. Stops once a pass copied at most `settleFrames`,
 * or more than half as much as the one before (`firstCopied` for the first): the writes then
 * keep pace, and more passes would only let the WAL grow before it can start over. Runs in
 * the worker, as source text.
 */
export function settle(
  pass: () => Progress,
  first: Progress,
  firstCopied: number,
  settleFrames: number,
  maxPasses: number,
): Progress {
  let last = first;
  let lastCopied = firstCopied;
  for (let i = 0; i < maxPasses; i++) {
    const next = pass();
    // A smaller WAL started over (the auto-checkpoint backstop ran): nothing to settle.
    if (next.log < last.log) return next;
    const copied = next.checkpointed - last.checkpointed;
    last = next;
    if (copied <= settleFrames || copied > lastCopied / 2) break;
    lastCopied = copied;
  }
  return last;
}

// Runs in a worker thread with its own connection. Plain CommonJS so it needs no build step.
const source = `
const { parentPort, workerData } = require("node:worker_threads");
// Linux keeps a nice value per thread; elsewhere this fails and changes nothing.
try {
  const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
  require("node:os").setPriority(tid, workerData.nice);
} catch {}
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 1000");
const settle = ${settle.toString()};
const pass = () => db.pragma("wal_checkpoint(PASSIVE)")[0];
let previous = { log: 0, checkpointed: 0 };
const timer = setInterval(() => {
  try {
    const first = pass();
    // Counted from where the last pass ended, or from the start of a WAL that started over.
    const copied = first.checkpointed - (first.log < previous.log ? 0 : previous.checkpointed);
    previous = first;
    if (first.log < workerData.finishFrames) return;
    previous = settle(pass, first, copied, workerData.settleFrames, workerData.maxPasses);
    parentPort.postMessage(previous);
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
 * PASSIVE never blocks the writer, but the WAL starts over only once a checkpoint has
 * copied all of it, which the worker rarely manages while writes keep coming. So once the
 * WAL is past `finishFrames` (64 MB), the worker passes again until a pass copies little
 * (`settle`), and the main connection then copies the remainder itself, between two
 * event-loop tasks (if the worker left at most `finishBacklog` frames behind); its next
 * write starts the WAL over. The copy takes a millisecond or two, but the syncs that go
 * with it wait for the disk, longer the more was written since the worker's last pass: 3 ms
 * on a quiet host, up to 90 ms on a busy shared one (docs/performance.md, items 20 and 29).
 * SQLite's own auto-checkpoint (kept as a backstop) would copy whatever piled up since the
 * worker's last pass as well, which took 10-20 ms under load.
 *
 * The worker's thread runs at `nice` 19, the lowest priority, so that its copying takes the
 * event loop's idle time instead of turns with it on a shared core: at 200 clients and 4,096
 * and 5,000 msg/s the median p99 went from 31 and 24 ms to 15 ms (docs/performance.md, item
 * 25). When the loop is busy most of the time the worker falls behind and the WAL grows,
 * up to the auto-checkpoint backstop. Lowering one's own priority needs no privilege.
 */
export function startCheckpointer(
  main: SQLite.Database,
  file: string,
  { intervalMs = 250, finishFrames = 16_384, settleFrames = 32, maxPasses = 8, finishBacklog = 512, nice = 19 } = {},
) {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(source, {
    eval: true,
    workerData: { file, module, intervalMs, finishFrames, settleFrames, maxPasses, nice },
  });
  worker.unref();
  worker.on("error", () => {});
  worker.on("message", ({ log, checkpointed }: { log: number; checkpointed: number }) => {
    if (log - checkpointed > finishBacklog) return;
    try {
      main.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // Busy or closing: the next pass tries again.
    }
  });
  return {
    async stop() {
      // Unref'd, the worker would not keep the process alive while it closes: a script with
      // nothing else to do would end here, its close() never settled (exit code 13).
      worker.ref();
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("stop");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
    },
  };
}

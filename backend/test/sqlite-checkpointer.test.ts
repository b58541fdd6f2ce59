import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { settle, startCheckpointer } from "../src/db/sqlite-checkpointer.js";
import { runScript, srcDir } from "./helpers/script.js";

// Under steady writes the WAL must still start over (stay bounded) without SQLite's own
// auto-checkpoint, which is turned off here so only the checkpointer can do it. The writes
// here never stop and other test files share the cores: at its usual lowest priority the
// checkpointer would get no turn at all (in the server the auto-checkpoint is the backstop
// for that, docs/performance.md item 25), so this one runs at the event loop's priority.
describe("sqlite checkpointer", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "chat-ckpt-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the WAL bounded while writes never stop", async () => {
    const file = path.join(dir, "wal.db");
    const db = new SQLite(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("wal_autocheckpoint = 0");
    db.exec("CREATE TABLE t (x BLOB)");
    const checkpointer = startCheckpointer(db, file, {
      intervalMs: 10,
      finishFrames: 200,
      finishBacklog: 100,
      nice: 0,
    });
    const insert = db.prepare("INSERT INTO t VALUES (randomblob(3000))");
    const walFrames = () => (db.pragma("wal_checkpoint(NOOP)") as Array<{ log: number }>)[0]?.log ?? -1;
    let written = 0;
    let startedOver = 0;
    try {
      const until = Date.now() + 1_500;
      let frames = 0;
      while (Date.now() < until) {
        insert.run();
        written++;
        const now = walFrames();
        if (now < frames) startedOver++;
        frames = now;
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await checkpointer.stop();
      db.close();
    }
    expect(written).toBeGreaterThan(2_000);
    // How far the WAL gets between two restarts depends on how fast this disk syncs (each
    // checkpoint pass ends with one); that it keeps starting over does not.
    expect(startedOver).toBeGreaterThanOrEqual(3);
  });

  // settle() decides how many passes the worker makes. A real WAL cannot be made to take
  // writes while a pass runs without racing it, so here a pass is played by a model that
  // keeps SQLite's bookkeeping: a pass copies the frames present when it began and reports
  // those; what the event loop writes meanwhile (a share of what the pass copied, as both
  // take time in proportion) lands after them, for the next pass.
  const wal = (frames: number, writesPerCopied: number) => {
    const state = { log: frames, checkpointed: 0, passes: 0, copied: 0 };
    const pass = () => {
      state.passes++;
      const progress = { log: state.log, checkpointed: state.log };
      state.copied = progress.log - state.checkpointed;
      state.log += Math.ceil(state.copied * writesPerCopied);
      state.checkpointed = progress.checkpointed;
      return progress;
    };
    /** The first pass, and settle() after it, as the worker runs them. */
    const run = (settleFrames = 32, maxPasses = 8) => {
      const first = pass();
      return settle(pass, first, state.copied, settleFrames, maxPasses);
    };
    return { state, pass, run };
  };

  describe("settling before the finish", () => {
    it("passes again until the finish has little left to copy", () => {
      const { state, run } = wal(600, 1 / 3);
      run();
      // Passes of 600, 200, 67 and 23 frames; one pass after the first would have left 67.
      expect(state.passes).toBe(4);
      expect(state.log - state.checkpointed).toBe(8);
    });

    it("stops as soon as a pass copies more than half as much as the one before", () => {
      const outpaced = wal(300, 2);
      outpaced.run();
      // 300, then 600 frames: the writes outpace the passes.
      expect(outpaced.state.passes).toBe(2);
      const keptUp = wal(1_000, 0.7);
      keptUp.run();
      // 1,000, then 700 frames: another pass would gain too little to be worth the WAL's growth.
      expect(keptUp.state.passes).toBe(2);
    });

    it("makes at most maxPasses more passes", () => {
      const { state, run } = wal(100_000_000, 0.4);
      run();
      expect(state.passes).toBe(9);
    });

    it("stops when the WAL started over", () => {
      const { state, pass } = wal(5_000, 1 / 3);
      const first = pass();
      state.log = 10; // the auto-checkpoint backstop ran and a write started the WAL over
      state.checkpointed = 0;
      expect(settle(pass, first, 5_000, 32, 8)).toEqual({ log: 10, checkpointed: 10 });
      expect(state.passes).toBe(2);
    });
  });

  // Nice values are per thread on Linux, read here from /proc. The search indexer keeps the
  // event loop's priority: searches wait for it to catch up.
  it.runIf(process.platform === "linux")("runs its thread, and only its, at the lowest priority", () => {
    const file = path.join(dir, "nice.db");
    const run = runScript(`
      import { readdirSync, readFileSync } from "node:fs";
      import { migrateToLatest, openDatabase } from "${srcDir}/db/database.ts";
      import { createLogger } from "${srcDir}/logger.ts";
      import { createSearchStore } from "${srcDir}/search/search.store.ts";

      const niceOf = (tid) => {
        const stat = readFileSync("/proc/self/task/" + tid + "/stat", "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      };
      const lowest = () => readdirSync("/proc/self/task").filter((tid) => niceOf(tid) === 19).length;
      const before = { threads: readdirSync("/proc/self/task").length, lowest: lowest() };
      const handle = openDatabase({ kind: "sqlite", file: ${JSON.stringify(file)} });
      await migrateToLatest(handle.db);
      const search = createSearchStore(handle, createLogger("silent"));
      const stop = search.startIndexing(50);
      await search.search({ userId: "nobody", terms: ["hello"], limit: 1 });
      for (let i = 0; i < 100 && lowest() === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const after = { threads: readdirSync("/proc/self/task").length, lowest: lowest() };
      const mainNice = niceOf(process.pid);
      await stop();
      await handle.close();
      console.log(JSON.stringify({ before, after, mainNice }));
    `);
    expect(run.stderr).toBe("");
    const { before, after, mainNice } = JSON.parse(run.stdout);
    expect(before.lowest).toBe(0);
    // Both workers have started: the checkpointer's thread and the indexer's.
    expect(after.threads).toBeGreaterThanOrEqual(before.threads + 2);
    expect(after.lowest).toBe(1);
    expect(mainNice).toBe(0);
  });

  it("lets a script with nothing else to do finish closing the database", () => {
    const file = path.join(dir, "script.db");
    const run = runScript(`
      import { openDatabase } from "${srcDir}/db/database.ts";
      const handle = openDatabase({ kind: "sqlite", file: ${JSON.stringify(file)} });
      await handle.close();
      console.log("closed");
    `);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("closed");
    expect(run.status).toBe(0);
  });
});

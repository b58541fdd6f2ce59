import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { startCheckpointer } from "../src/db/sqlite-checkpointer.js";
import { runScript, srcDir } from "./helpers/script.js";

// Under steady writes the WAL must still start over (stay bounded) without SQLite's own
// auto-checkpoint, which is turned off here so only the checkpointer can do it.
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
    const checkpointer = startCheckpointer(db, file, { intervalMs: 10, finishFrames: 200, finishBacklog: 100 });
    const insert = db.prepare("INSERT INTO t VALUES (randomblob(3000))");
    const walFrames = () => (db.pragma("wal_checkpoint(NOOP)") as Array<{ log: number }>)[0]?.log ?? -1;
    let largest = 0;
    let written = 0;
    try {
      const until = Date.now() + 1_500;
      while (Date.now() < until) {
        insert.run(); // about one WAL frame per row
        written++;
        largest = Math.max(largest, walFrames());
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await checkpointer.stop();
      db.close();
    }
    expect(written).toBeGreaterThan(2_000);
    expect(largest).toBeLessThan(written / 2);
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

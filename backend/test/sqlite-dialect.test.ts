import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cachedStatements, sqliteDialect } from "../src/db/sqlite-dialect.js";

describe("SQLite dialect", () => {
  let dir: string;
  let sqlite: SQLite.Database;
  let prepared: string[];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "stmt-cache-"));
    sqlite = new SQLite(path.join(dir, "t.db"));
    sqlite.exec("create table t (n integer)");
    sqlite.exec("insert into t values (1), (2), (3)");
    prepared = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof sqlite.prepare;
  });
  afterEach(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prepares each SQL text once and runs the cached statement again", () => {
    const db = cachedStatements(sqlite);
    const select = "select n from t where n > ? order by n";
    expect(db.prepare(select).all([1])).toEqual([{ n: 2 }, { n: 3 }]);
    db.prepare("insert into t values (?)").run([4]);
    expect(db.prepare(select).all([2])).toEqual([{ n: 3 }, { n: 4 }]);
    expect(prepared).toEqual([select, "insert into t values (?)"]);
  });

  it("gives a fresh statement while the cached one is being iterated", () => {
    const db = cachedStatements(sqlite);
    const select = "select n from t order by n";
    const outer = db.prepare(select).iterate([]);
    const inner: unknown[] = [];
    for (const row of outer) inner.push([row, db.prepare(select).all([]).length]);
    expect(inner).toEqual([
      [{ n: 1 }, 3],
      [{ n: 2 }, 3],
      [{ n: 3 }, 3],
    ]);
    // The busy one stays cached: once the loop ends it is reused.
    db.prepare(select).all([]);
    expect(prepared.length).toBe(4);
  });

  it("keeps at most max statements, dropping the oldest", () => {
    const db = cachedStatements(sqlite, 2);
    for (const sql of ["select 1", "select 2", "select 3", "select 3", "select 1"]) db.prepare(sql).all([]);
    expect(prepared).toEqual(["select 1", "select 2", "select 3", "select 1"]);
  });

  it("still sees schema changes made after a statement was cached", () => {
    const db = cachedStatements(sqlite);
    expect(db.prepare("select * from t limit 1").all([])).toEqual([{ n: 1 }]);
    sqlite.exec("alter table t add column m text default 'x'");
    expect(db.prepare("select * from t limit 1").all([])).toEqual([{ n: 1, m: "x" }]);
  });

  it("runs queries one at a time, in the order they were issued, a transaction's included", async () => {
    const db = new Kysely<{ t: { n: number } }>({ dialect: sqliteDialect(sqlite) });
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const trx = db.transaction().execute(async (tx) => {
      await tx.insertInto("t").values({ n: 10 }).execute();
      order.push("trx wrote");
      await held;
      await tx.insertInto("t").values({ n: 11 }).execute();
      order.push("trx done");
    });
    // Issued while the transaction holds the connection: each waits its turn, in order.
    const reads = Array.from({ length: 2000 }, (_, i) =>
      db
        .selectFrom("t")
        .select((eb) => eb.fn.countAll<number>().as("c"))
        .executeTakeFirstOrThrow()
        .then((row) => {
          if (i % 500 === 0) order.push(`read ${i}: ${row.c}`);
          return i;
        }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(["trx wrote"]);
    release();
    await trx;
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(order).toEqual(["trx wrote", "trx done", "read 0: 5", "read 500: 5", "read 1000: 5", "read 1500: 5"]);
    await db.destroy();
  });

  it("rolls back to a savepoint through the queue", async () => {
    const db = new Kysely<{ t: { n: number } }>({ dialect: sqliteDialect(sqlite) });
    const tx = await db.startTransaction().execute();
    await tx.insertInto("t").values({ n: 20 }).execute();
    const sp = await tx.savepoint("a").execute();
    await sp.insertInto("t").values({ n: 21 }).execute();
    await sp.rollbackToSavepoint("a").execute();
    await tx.commit().execute();
    const rows = await sql<{ n: number }>`select n from t order by n`.execute(db);
    expect(rows.rows.map((r) => r.n)).toEqual([1, 2, 3, 20]);
    await db.destroy();
  });
});

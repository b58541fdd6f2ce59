import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import pg from "pg";
import type { Config } from "../config.js";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema/index.js";
import { startCheckpointer } from "./sqlite-checkpointer.js";
import { sqliteDialect } from "./sqlite-dialect.js";

export type Db = Kysely<Database>;
export type DbConfig = Config["database"] & { schema?: string };

export interface DbHandle {
  db: Db;
  dialect: "sqlite" | "postgres";
  /** The raw better-sqlite3 handle, for measured hot paths only. */
  sqlite?: SQLite.Database;
  /** The SQLite database file (the search index lives beside it). */
  file?: string;
  pool?: pg.Pool;
  close(): Promise<void>;
}

// COUNT and BIGSERIAL come back from pg as strings; our numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export function openDatabase(config: DbConfig): DbHandle {
  if (config.kind === "sqlite") {
    mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    // A worker thread copies the WAL into the database file as it grows, and has this
    // connection finish the job when little is left (sqlite-checkpointer.ts). SQLite's own
    // auto-checkpoint stays on as a backstop, at ~160 MB instead of 4 MB.
    sqlite.pragma("wal_autocheckpoint = 40000");
    const checkpointer = startCheckpointer(sqlite, config.file);
    const db = new Kysely<Database>({ dialect: sqliteDialect(sqlite) });
    const close = async () => {
      await checkpointer.stop();
      await db.destroy();
    };
    return { db, dialect: "sqlite", sqlite, file: config.file, close };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    // A schema per test run keeps parallel suites apart.
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", pool, close: () => db.destroy() };
}

/**
 * `schema` names the PostgreSQL schema the database lives in when it is not the default: Kysely
 * looks for its bookkeeping tables in every schema otherwise, and parallel test schemas collide.
 */
export async function migrateToLatest(db: Db, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
  }
}

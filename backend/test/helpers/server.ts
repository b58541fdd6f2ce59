import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { type App, createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { type DbHandle, migrateToLatest, openDatabase } from "../../src/db/database.js";
import { createLogger } from "../../src/logger.js";

export type Dialect = "sqlite" | "postgres";

/** Both by default; TEST_DIALECTS=sqlite narrows a local run. */
export const dialects = (process.env.TEST_DIALECTS ?? "sqlite,postgres").split(",") as Dialect[];

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Where one test server keeps its data: a temp dir, plus a private schema on PostgreSQL. */
export interface TestStorage {
  dialect: Dialect;
  dataDir: string;
  schema?: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function withPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Kysely's migrator reads the catalog of every schema in the database, and a schema that
 * another test file drops meanwhile makes that read fail ("schema ... does not exist").
 * Migrations hold this advisory lock shared, drops hold it alone.
 */
const SCHEMA_DROP_LOCK = 5_318_008;

/** Runs migrations (fn) while no test file can drop its schema. */
export async function whileNoSchemaIsDropped<T>(storage: TestStorage, fn: () => Promise<T>): Promise<T> {
  if (storage.dialect !== "postgres") return fn();
  // The lock is the session's: it goes when the client ends.
  return withPg(async (c) => {
    await c.query("select pg_advisory_lock_shared($1)", [SCHEMA_DROP_LOCK]);
    return fn();
  });
}

export async function createStorage(dialect: Dialect): Promise<TestStorage> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "chat-test-"));
  if (dialect === "sqlite") {
    return { dialect, dataDir, env: {}, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  await withPg((c) => c.query(`create schema ${schema}`));
  return {
    dialect,
    dataDir,
    schema,
    env: { DATABASE_URL: PG_URL },
    drop: async () => {
      await withPg(async (c) => {
        await c.query("select pg_advisory_lock($1)", [SCHEMA_DROP_LOCK]);
        await c.query(`drop schema if exists ${schema} cascade`);
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openStorageDb(storage: TestStorage): Promise<DbHandle> {
  const config = parseConfig({ NODE_ENV: "test", DATA_DIR: storage.dataDir, ...storage.env });
  const handle = openDatabase({ ...config.database, schema: storage.schema });
  await whileNoSchemaIsDropped(storage, () => migrateToLatest(handle.db, storage.schema));
  return handle;
}

export interface TestServer {
  url: string;
  app: App;
  storage: TestStorage;
  /** Stops the server, keeping its data (for restart tests). */
  stop(): Promise<void>;
  /** Stops the server and deletes its data. */
  close(): Promise<void>;
}

export interface ServerOptions {
  storage?: TestStorage;
  env?: Record<string, string>;
  typingTtlMs?: number;
}

/** A real server on a random port, on real storage of the given dialect. */
export async function startServer(dialect: Dialect, options: ServerOptions = {}): Promise<TestServer> {
  const storage = options.storage ?? (await createStorage(dialect));
  const config = parseConfig({
    NODE_ENV: "test",
    DATA_DIR: storage.dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    JWT_SECRET: "test-secret-test-secret-test-secret-1234",
    AUTH_RATE_LIMIT_PER_IP: "100000",
    AUTH_RATE_LIMIT_PER_USERNAME: "1000",
    ...storage.env,
    ...options.env,
  });
  const database = await openStorageDb(storage);
  const app = createApp({
    config,
    logger: createLogger(config.logLevel),
    database,
    jwtSecret: config.jwtSecret ?? "",
    typingTtlMs: options.typingTtlMs,
  });
  const port = await app.listen(0, "127.0.0.1");
  const stop = () => app.close();
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    storage,
    stop,
    close: async () => {
      await stop();
      await storage.drop();
    },
  };
}

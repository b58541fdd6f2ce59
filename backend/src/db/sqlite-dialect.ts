import type SQLite from "better-sqlite3";
import {
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type SqliteDatabase,
  SqliteDialect,
  type TransactionSettings,
} from "kysely";

const MAX_STATEMENTS = 500;

/**
 * Kysely's SQLite dialect without two costs that surfaced when 2,000 sockets dropped at
 * once and each ran a few queries: preparing every query afresh, and the queue for the one
 * connection (see QueuedDriver).
 */
export function sqliteDialect(sqlite: SQLite.Database): SqliteDialect {
  return new (class extends SqliteDialect {
    override createDriver(): Driver {
      // Kysely's SQLite driver has every optional method (savepoints).
      return new QueuedDriver(super.createDriver() as Required<Driver>);
    }
  })({ database: cachedStatements(sqlite) });
}

/**
 * Hands Kysely the statement prepared last time for the same SQL text: compiling the SQL
 * cost as much as running it. A statement still being iterated (a streamed query) is busy
 * and cannot be reused, so that caller gets a fresh one.
 */
export function cachedStatements(sqlite: SQLite.Database, max = MAX_STATEMENTS): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (cached) return statement;
      // Oldest first: queries with IN lists of every length would otherwise grow it forever.
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
    close: () => sqlite.close(),
  };
}

/**
 * Kysely's driver lets one query (or transaction) at a time use the connection, and wakes
 * every waiter each time it is released: n queries waiting cost n^2 wake-ups, and 2,000 of
 * them held the event loop for a third of a second. Here waiters line up and the connection
 * passes to the first one only, so the inner driver's own lock is never contended.
 */
class QueuedDriver implements Driver {
  readonly #inner: Required<Driver>;
  #taken = false;
  readonly #waiting: Array<() => void> = [];

  constructor(inner: Required<Driver>) {
    this.#inner = inner;
  }

  init() {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#taken) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#taken = true;
    return this.#inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection) {
    await this.#inner.releaseConnection(connection);
    const next = this.#waiting.shift();
    if (next) next();
    else this.#taken = false;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.#inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection) {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection) {
    return this.#inner.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) {
    return this.#inner.savepoint(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) {
    return this.#inner.rollbackToSavepoint(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]) {
    return this.#inner.releaseSavepoint(connection, name, compile);
  }

  destroy() {
    return this.#inner.destroy();
  }
}

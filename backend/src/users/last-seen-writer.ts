import { sql } from "kysely";
import type { Db } from "../db/database.js";

/** Users per UPDATE: two parameters each, far below SQLite's limit of 32,766. */
const CHUNK = 500;

interface Pending {
  at: string;
  settle: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

/**
 * Stores users' lastSeenAt, many users per statement. When a network blip drops every
 * client at once, thousands of last sockets close within a few event-loop turns; with an
 * UPDATE and a commit each, 2,000 of them held the server's loop for over half a second.
 * Writes queue while one is running and go out together next, in arrival order, so a
 * user's later time is never overwritten by an earlier one. Each caller's promise settles
 * when its own row is stored.
 */
export function createLastSeenWriter(db: Db) {
  let pending = new Map<string, Pending>();
  let running = false;

  async function write(rows: Array<[string, Pending]>) {
    const values = sql.join(rows.map(([id, p]) => sql`(${id}, ${p.at})`));
    // VALUES columns are column1, column2 in both SQLite and PostgreSQL.
    await sql`update users set last_seen_at = v.column2 from (values ${values}) as v where users.id = v.column1`.execute(
      db,
    );
  }

  async function drain() {
    while (pending.size > 0) {
      const rows = [...pending];
      pending = new Map();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        const outcome = await write(chunk).then(
          () => undefined,
          (err: unknown) => ({ err }),
        );
        for (const [, p] of chunk) {
          for (const s of p.settle) {
            if (outcome) s.reject(outcome.err);
            else s.resolve();
          }
        }
      }
    }
    running = false;
  }

  return function setLastSeen(id: string, at: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = pending.get(id);
      if (entry) {
        entry.at = at;
        entry.settle.push({ resolve, reject });
      } else pending.set(id, { at, settle: [{ resolve, reject }] });
      if (!running) {
        running = true;
        setImmediate(drain);
      }
    });
  };
}

import { sql } from "kysely";
import type { Db } from "../db/database.js";

export type CheckResult = "ok" | "down" | "draining";

/**
 * What /readyz reports: the database answers `select 1`, Redis (when configured) answers PING,
 * and the node is not shutting down. A load balancer stops sending traffic on a 503.
 */
export function createReadiness(deps: { db: Db; pingRedis?: () => Promise<void>; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  let draining = false;

  async function within(work: Promise<unknown>): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"down">((resolve) => {
      timer = setTimeout(() => resolve("down"), timeoutMs);
    });
    try {
      return await Promise.race([work.then(() => "ok" as const), timeout]);
    } catch {
      return "down";
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    startDraining() {
      draining = true;
    },
    async check() {
      const checks: Record<string, CheckResult> = {
        database: await within(sql`select 1`.execute(deps.db)),
      };
      if (deps.pingRedis) checks.redis = await within(deps.pingRedis());
      if (draining) checks.shutdown = "draining";
      const ok = Object.values(checks).every((c) => c === "ok");
      return { ok, checks };
    },
  };
}

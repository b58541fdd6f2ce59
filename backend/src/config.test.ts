import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, resolveJwtSecret } from "./config.js";

describe("config", () => {
  it("has safe defaults: SQLite in ./data on port 3000", () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.database.kind).toBe("sqlite");
    expect(c.dataDir.endsWith("data")).toBe(true);
    expect(c.redisUrl).toBeUndefined();
  });

  it("picks PostgreSQL from DATABASE_URL", () => {
    const c = parseConfig({ DATABASE_URL: "postgres://u@h:5432/db", PG_POOL_SIZE: "7" });
    expect(c.database).toEqual({ kind: "postgres", url: "postgres://u@h:5432/db", poolSize: 7 });
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ REDIS_URL: "http://x" }, "REDIS_URL"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ TRUST_PROXY: "maybe" }, "TRUST_PROXY"],
  ])("stops on a bad value and names it: %j", (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(name);
  });

  it("requires JWT_SECRET in production", () => {
    expect(() => resolveJwtSecret(parseConfig({ NODE_ENV: "production" }))).toThrow("JWT_SECRET");
  });
});

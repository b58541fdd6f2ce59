import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { activeTypes, defaultUploadTypes } from "./files/file-types.js";

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL");
const redisUrl = z.string().refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL");
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const empty = (v: unknown) => (v === "" ? undefined : v);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.preprocess(empty, postgresUrl.optional()),
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  REDIS_URL: z.preprocess(empty, redisUrl.optional()),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{0,64}$/, "letters, digits, and _ : . - only")
    .default("relay:"),
  PRESENCE_TTL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  JWT_SECRET: z.preprocess(empty, z.string().min(32, "must be at least 32 characters").optional()),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ALLOWED_ORIGINS: z.string().default(""),
  TRUST_PROXY: z.preprocess(empty, bool.optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SERVE_FRONTEND: z.preprocess(empty, bool.optional()),
  FRONTEND_DEV: z.preprocess(empty, bool.optional()),
  AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(100),
  AUTH_RATE_LIMIT_PER_USERNAME: z.coerce.number().int().min(1).default(10),
  SOCKET_COMMANDS_PER_10S: z.coerce.number().int().min(1).default(300),
  JSON_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, "must look like 64kb")
    .default("64kb"),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(25 * 1024 * 1024),
  AVATAR_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5 * 1024 * 1024),
  UPLOAD_ALLOWED_TYPES: z
    .string()
    .default(defaultUploadTypes.join(","))
    .transform((v) =>
      v
        .split(",")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((types) => types.every((t) => /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(t)), "must be comma-separated MIME types")
    .refine(
      (types) => !types.some((t) => activeTypes.has(t)),
      "active content (HTML, SVG, scripts, executables) cannot be allowed",
    ),
  ORPHAN_UPLOAD_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  IMAGE_MAX_PIXELS: z.coerce.number().int().min(1).default(50_000_000),
});

export type Config = ReturnType<typeof parseConfig>;

export class ConfigError extends Error {}

/** Parses the environment once; a bad variable stops start-up with its name in the message. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    production: e.NODE_ENV === "production",
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? ({ kind: "postgres", url: e.DATABASE_URL, poolSize: e.PG_POOL_SIZE } as const)
      : ({ kind: "sqlite", file: path.join(dataDir, "chat.db") } as const),
    redisUrl: e.REDIS_URL,
    /** Prepended to every Redis key and Pub/Sub channel, so several deployments can share one Redis. */
    redisPrefix: e.REDIS_PREFIX,
    /** A socket whose node stops heartbeating is dropped from presence after this long. */
    presenceTtlMs: e.PRESENCE_TTL_MS,
    /** Graceful shutdown waits this long for in-flight work before exiting anyway. */
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    jwtSecret: e.JWT_SECRET,
    sessionTtlMs: e.SESSION_TTL_DAYS * 24 * 3600 * 1000,
    allowedOrigins: e.ALLOWED_ORIGINS.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: e.TRUST_PROXY ?? false,
    logLevel: e.LOG_LEVEL,
    serveFrontend: e.SERVE_FRONTEND ?? e.NODE_ENV !== "test",
    /** Next.js in dev mode (hot reload) instead of the production build. */
    frontendDev: e.FRONTEND_DEV ?? false,
    jsonBodyLimit: e.JSON_BODY_LIMIT,
    /** Login + register attempts per 15 minutes. */
    authRateLimit: { perIp: e.AUTH_RATE_LIMIT_PER_IP, perUsername: e.AUTH_RATE_LIMIT_PER_USERNAME },
    /** Socket commands one user may send per 10 seconds on one node (flood protection). */
    socketCommandsPer10s: e.SOCKET_COMMANDS_PER_10S,
    uploads: {
      /** Blobs, and in-flight uploads under tmp/. */
      dir: path.join(dataDir, "uploads"),
      maxBytes: e.UPLOAD_MAX_BYTES,
      avatarMaxBytes: e.AVATAR_MAX_BYTES,
      allowedTypes: new Set(e.UPLOAD_ALLOWED_TYPES) as ReadonlySet<string>,
      /** Uploads never attached to a message are deleted after this long. */
      orphanTtlMs: e.ORPHAN_UPLOAD_TTL_HOURS * 3600 * 1000,
      /** Larger images (width x height, all frames) are refused: decompression bombs. */
      imageMaxPixels: e.IMAGE_MAX_PIXELS,
    },
  };
}

/**
 * Production must set JWT_SECRET; elsewhere a random secret is kept in the data dir so
 * restarts keep people logged in.
 */
export function resolveJwtSecret(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  if (config.production) throw new ConfigError("Invalid environment:\n  JWT_SECRET: required in production");
  const file = path.join(config.dataDir, "jwt-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(48).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}

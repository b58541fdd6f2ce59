import "./gc-tuning.js";
import { createApp } from "./app.js";
import { ConfigError, parseConfig, resolveJwtSecret } from "./config.js";
import { migrateToLatest, openDatabase } from "./db/database.js";
import { loadFrontend } from "./frontend.js";
import { createLogger } from "./logger.js";

async function main() {
  const config = parseConfig();
  const logger = createLogger(config.logLevel);
  const jwtSecret = resolveJwtSecret(config);
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const frontend = config.serveFrontend ? await loadFrontend(config) : undefined;
  const app = createApp({ config, logger, database, jwtSecret, frontend });
  const port = await app.listen(config.port, config.host);
  logger.info(
    { port, database: database.dialect, redis: Boolean(config.redisUrl) },
    `listening on http://localhost:${port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // close() gives in-flight work SHUTDOWN_TIMEOUT_MS; this is the backstop if closing hangs.
    const force = setTimeout(() => {
      logger.error("shutdown timed out, exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000);
    force.unref();
    try {
      await app.close();
      logger.info("stopped");
    } catch (err) {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});

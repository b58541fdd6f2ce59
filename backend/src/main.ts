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
  logger.info({ port, database: database.dialect }, `listening on http://localhost:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
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

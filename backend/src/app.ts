import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import express from "express";
import helmet from "helmet";
import { requireAuth } from "./auth/auth.middleware.js";
import { authRoutes } from "./auth/auth.routes.js";
import { blocksRoutes } from "./blocks/blocks.routes.js";
import type { Config } from "./config.js";
import { chatRoutes } from "./conversations/conversations.routes.js";
import type { DbHandle } from "./db/database.js";
import { type BlobStore, createLocalBlobStore } from "./files/blob-store.js";
import { attachmentRoutes, avatarRoutes } from "./files/files.routes.js";
import { apiNotFound, errorHandler } from "./http/error-handler.js";
import { createReadiness } from "./http/readiness.js";
import { requestLog } from "./http/request-log.js";
import type { Logger } from "./logger.js";
import { messageEditsRoutes } from "./messages/message-edits.routes.js";
import { drainCommands } from "./realtime/command.js";
import { handleConnections } from "./realtime/connection.js";
import { createMemoryPresence, type PresenceStore } from "./realtime/presence.js";
import { relayPresenceChanges } from "./realtime/presence-relay.js";
import { createRealtime } from "./realtime/realtime.js";
import { createRedisClients } from "./realtime/redis-clients.js";
import { createRedisPresence } from "./realtime/redis-presence.js";
import { authenticateSockets, createSocketServer } from "./realtime/socket-server.js";
import { createTypingRelay } from "./realtime/typing.js";
import { searchRoutes } from "./search/search.routes.js";
import { createServices } from "./services.js";
import { usersRoutes } from "./users/users.routes.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: DbHandle;
  jwtSecret: string;
  /** Requests outside /api and /socket.io go here (the Next.js handler). */
  frontend?: (req: IncomingMessage, res: ServerResponse) => unknown;
  presence?: PresenceStore;
  /** Where uploads are kept; the local disk under DATA_DIR/uploads by default. */
  blobs?: BlobStore;
  /** Tests shorten the typing expiry. */
  typingTtlMs?: number;
}

/** Wires the features into one HTTP server + Socket.IO server. No side effects until listen. */
export function createApp(deps: AppDeps) {
  const { config, logger, database } = deps;
  const db = database.db;
  const app = express();
  const httpServer = createServer(app);
  const io = createSocketServer(httpServer, config.allowedOrigins);
  // With REDIS_URL: one command + one subscriber connection per node, shared by the Socket.IO
  // adapter, presence and rate limits. Without it nothing here touches Redis.
  const redis = config.redisUrl ? createRedisClients(config.redisUrl, logger.child({ feature: "redis" })) : undefined;
  if (redis) io.adapter(createAdapter(redis.commands, redis.subscriber, { key: `${config.redisPrefix}socket.io` }));
  const realtime = createRealtime(io, { clustered: Boolean(redis) });
  const presence =
    deps.presence ??
    (redis
      ? createRedisPresence({
          redis: redis.commands,
          prefix: config.redisPrefix,
          ttlMs: config.presenceTtlMs,
          logger: logger.child({ feature: "presence" }),
        })
      : createMemoryPresence());
  const readiness = createReadiness({ db, pingRedis: redis ? () => redis.ping() : undefined });

  const blobs = deps.blobs ?? createLocalBlobStore(config.uploads.dir);
  const services = createServices({
    config,
    logger,
    database,
    jwtSecret: deps.jwtSecret,
    realtime,
    presence,
    redis,
    blobs,
  });
  const { stores, auth, users, files, avatars, blocks, conversations, messages, edits, search } = services;
  const typing = createTypingRelay(realtime, deps.typingTtlMs);
  const stopOrphanSweep = files.startOrphanSweep();
  const stopSearchIndexing = stores.search.startIndexing();

  authenticateSockets(io, auth);
  handleConnections({
    io,
    realtime,
    presence,
    typing,
    conversations,
    conversationsStore: stores.conversations,
    messages,
    edits,
    blocks,
    users: stores.users,
    logger: logger.child({ feature: "realtime" }),
    commandsPer10s: config.socketCommandsPer10s,
  });
  relayPresenceChanges(
    presence,
    { realtime, conversationsStore: stores.conversations, users: stores.users, blocks },
    logger.child({ feature: "presence" }),
  );

  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(requestLog(logger.child({ feature: "http" })));
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/readyz", async (_req, res) => {
    const { ok, checks } = await readiness.check();
    res.status(ok ? 200 : 503).json({ ok, checks });
  });

  const api = express.Router();
  api.use(helmet());
  api.use(express.json({ limit: config.jsonBodyLimit }));
  const { open, authed } = authRoutes(auth, users);
  api.use("/auth", open);
  api.use(requireAuth(auth, config.allowedOrigins));
  api.use("/auth", authed);
  api.use("/users", avatarRoutes(avatars, blobs, config.uploads, files.tmpDir));
  api.use("/users", blocksRoutes(blocks));
  api.use("/users", usersRoutes(users));
  api.use("/chat/attachments", attachmentRoutes(files, blobs, config.uploads));
  api.use("/chat", chatRoutes(conversations, messages));
  api.use("/chat", messageEditsRoutes(edits));
  api.use("/chat", searchRoutes(search));
  api.use(apiNotFound);
  api.use(errorHandler(logger.child({ feature: "http" })));
  app.use("/api", api);

  if (deps.frontend) {
    const frontend = deps.frontend;
    app.use((req, res) => {
      frontend(req, res);
    });
  }

  return {
    httpServer,
    io,
    services: { ...services, blobs },
    listen(port: number, host?: string): Promise<number> {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      });
    },
    /**
     * Graceful stop: /readyz turns 503, the server stops accepting, sockets are disconnected
     * (clients reconnect to another node), HTTP requests and socket commands already running
     * finish their writes, then Redis and the database are closed. Cluster presence is closed
     * first, so this node's sockets expire rather than go offline (no flicker on reconnect).
     */
    async close(timeoutMs = config.shutdownTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      stopOrphanSweep();
      readiness.startDraining();
      if (redis) await presence.close();
      const httpClosed = new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.race([httpClosed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      httpServer.closeAllConnections();
      await drainCommands(io, Math.max(0, deadline - Date.now()));
      if (!redis) await presence.close();
      await redis?.close();
      // After the drain: a search still running asks the indexer to catch up first.
      await stopSearchIndexing();
      await database.close();
    },
  };
}
export type App = ReturnType<typeof createApp>;

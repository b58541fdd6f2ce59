import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import express from "express";
import helmet from "helmet";
import { requireAuth } from "./auth/auth.middleware.js";
import { authRoutes } from "./auth/auth.routes.js";
import { createAuthService } from "./auth/auth.service.js";
import { createSessionsStore } from "./auth/sessions.store.js";
import { createTokenSigner } from "./auth/tokens.js";
import type { Config } from "./config.js";
import { chatRoutes } from "./conversations/conversations.routes.js";
import { createConversationsService } from "./conversations/conversations.service.js";
import { createConversationsStore } from "./conversations/conversations.store.js";
import type { DbHandle } from "./db/database.js";
import { apiNotFound, errorHandler } from "./http/error-handler.js";
import { createLimiter } from "./http/rate-limit.js";
import type { Logger } from "./logger.js";
import { createMessagesService } from "./messages/messages.service.js";
import { createMessagesStore } from "./messages/messages.store.js";
import { handleConnections } from "./realtime/connection.js";
import { createMemoryPresence, type PresenceStore } from "./realtime/presence.js";
import { createRealtime } from "./realtime/realtime.js";
import { authenticateSockets, createSocketServer } from "./realtime/socket-server.js";
import { createTypingRelay } from "./realtime/typing.js";
import { usersRoutes } from "./users/users.routes.js";
import { createUsersService } from "./users/users.service.js";
import { createUsersStore } from "./users/users.store.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: DbHandle;
  jwtSecret: string;
  /** Requests outside /api and /socket.io go here (the Next.js handler). */
  frontend?: (req: IncomingMessage, res: ServerResponse) => unknown;
  presence?: PresenceStore;
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
  const realtime = createRealtime(io, { clustered: Boolean(config.redisUrl) });
  const presence = deps.presence ?? createMemoryPresence();

  const stores = {
    users: createUsersStore(db),
    sessions: createSessionsStore(db),
    conversations: createConversationsStore(db),
    messages: createMessagesStore(db),
  };
  const rate = config.authRateLimit;
  const auth = createAuthService({
    users: stores.users,
    sessions: stores.sessions,
    tokens: createTokenSigner(deps.jwtSecret),
    realtime,
    limits: {
      perIp: createLimiter({ keyPrefix: "auth-ip", points: rate.perIp, durationSec: 900 }),
      perUsername: createLimiter({ keyPrefix: "auth-user", points: rate.perUsername, durationSec: 900 }),
    },
    sessionTtlMs: config.sessionTtlMs,
  });
  const users = createUsersService({ users: stores.users, conversations: stores.conversations, presence, realtime });
  const conversations = createConversationsService({
    conversations: stores.conversations,
    messages: stores.messages,
    users: stores.users,
    presence,
    realtime,
  });
  const messages = createMessagesService({ messages: stores.messages, conversations, realtime });
  const typing = createTypingRelay(realtime, deps.typingTtlMs);

  authenticateSockets(io, auth);
  handleConnections({
    io,
    realtime,
    presence,
    typing,
    conversations,
    conversationsStore: stores.conversations,
    messages,
    users: stores.users,
    logger: logger.child({ feature: "realtime" }),
  });

  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });

  const api = express.Router();
  api.use(helmet());
  api.use(express.json({ limit: config.jsonBodyLimit }));
  const { open, authed } = authRoutes(auth, users);
  api.use("/auth", open);
  api.use(requireAuth(auth, config.allowedOrigins));
  api.use("/auth", authed);
  api.use("/users", usersRoutes(users));
  api.use("/chat", chatRoutes(conversations, messages));
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
    services: { auth, users, conversations, messages },
    listen(port: number, host?: string): Promise<number> {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      });
    },
    /** Stops accepting, disconnects sockets (clients reconnect elsewhere), then closes storage. */
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await presence.close();
      await database.close();
    },
  };
}
export type App = ReturnType<typeof createApp>;

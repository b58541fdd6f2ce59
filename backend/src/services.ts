import { createAuthService } from "./auth/auth.service.js";
import { createSessionsStore } from "./auth/sessions.store.js";
import { createTokenSigner } from "./auth/tokens.js";
import { createBlocksService } from "./blocks/blocks.service.js";
import { createBlocksStore } from "./blocks/blocks.store.js";
import type { Config } from "./config.js";
import { createConversationsService } from "./conversations/conversations.service.js";
import { createConversationsStore } from "./conversations/conversations.store.js";
import type { DbHandle } from "./db/database.js";
import { createAvatarsService } from "./files/avatars.service.js";
import type { BlobStore } from "./files/blob-store.js";
import { createFilesService } from "./files/files.service.js";
import { createFilesStore } from "./files/files.store.js";
import { createLimiter } from "./http/rate-limit.js";
import type { Logger } from "./logger.js";
import { createMessageDetails } from "./messages/message-details.js";
import { createMessageEditsService } from "./messages/message-edits.service.js";
import { createMessageExtrasStore } from "./messages/message-extras.store.js";
import { createMessagesService } from "./messages/messages.service.js";
import { createMessagesStore } from "./messages/messages.store.js";
import type { PresenceStore } from "./realtime/presence.js";
import type { Realtime } from "./realtime/realtime.js";
import type { RedisClients } from "./realtime/redis-clients.js";
import { createSearchService } from "./search/search.service.js";
import { createSearchStore } from "./search/search.store.js";
import { createUsersService } from "./users/users.service.js";
import { createUsersStore } from "./users/users.store.js";

interface Deps {
  config: Config;
  logger: Logger;
  database: DbHandle;
  jwtSecret: string;
  realtime: Realtime;
  presence: PresenceStore;
  redis?: RedisClients;
  blobs: BlobStore;
}

/** Stores, then the feature services built on them, each given exactly what it uses. */
export function createServices({ config, logger, database, jwtSecret, realtime, presence, redis, blobs }: Deps) {
  const db = database.db;
  const stores = {
    users: createUsersStore(db),
    sessions: createSessionsStore(db),
    conversations: createConversationsStore(db),
    messages: createMessagesStore(db, database.sqlite),
    extras: createMessageExtrasStore(db),
    files: createFilesStore(db),
    blocks: createBlocksStore(db),
    search: createSearchStore(database, logger.child({ feature: "search" })),
  };
  const limiter = (name: string, points: number) =>
    createLimiter({ keyPrefix: `${config.redisPrefix}${name}`, points, durationSec: 900 }, redis?.commands);
  const auth = createAuthService({
    users: stores.users,
    sessions: stores.sessions,
    tokens: createTokenSigner(jwtSecret),
    realtime,
    limits: {
      perIp: limiter("auth-ip", config.authRateLimit.perIp),
      perUsername: limiter("auth-user", config.authRateLimit.perUsername),
    },
    sessionTtlMs: config.sessionTtlMs,
  });
  const users = createUsersService({ users: stores.users, conversations: stores.conversations, presence, realtime });
  const files = createFilesService({
    files: stores.files,
    blobs,
    config: config.uploads,
    logger: logger.child({ feature: "files" }),
  });
  const avatars = createAvatarsService({
    files: stores.files,
    filesService: files,
    blobs,
    users,
    config: config.uploads,
  });
  const blocks = createBlocksService(stores.blocks, users, realtime);
  const details = createMessageDetails(files, stores.extras);
  const conversations = createConversationsService({
    conversations: stores.conversations,
    messages: stores.messages,
    users: stores.users,
    presence,
    realtime,
    details,
    extras: stores.extras,
    blocks,
  });
  const mentionIds = conversations.mentionIds;
  const messages = createMessagesService({
    messages: stores.messages,
    extras: stores.extras,
    details,
    conversations,
    realtime,
    attachments: files,
    blocks,
    mentionIds,
  });
  const edits = createMessageEditsService({
    extras: stores.extras,
    details,
    conversations,
    realtime,
    purgeAttachments: (ids) => files.purge(ids),
    mentionIds,
  });
  const search = createSearchService(stores.search, conversations, details);
  return { stores, auth, users, files, avatars, blocks, conversations, messages, edits, search };
}
export type Services = ReturnType<typeof createServices>;

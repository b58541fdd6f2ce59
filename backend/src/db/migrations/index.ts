import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-init.js";
import * as m0002 from "./0002-attachments.js";
import * as m0003 from "./0003-rich-messaging.js";
import * as m0004 from "./0004-deferred-search-index.js";
import * as m0005 from "./0005-send-path-indexes.js";
import * as m0006 from "./0006-search-index-file.js";
import * as m0007 from "./0007-changed-messages-index.js";

/** Static, ordered map: bundling-proof and reviewable in one place. */
const migrations: Record<string, Migration> = {
  "0001-init": m0001,
  "0002-attachments": m0002,
  "0003-rich-messaging": m0003,
  "0004-deferred-search-index": m0004,
  "0005-send-path-indexes": m0005,
  "0006-search-index-file": m0006,
  "0007-changed-messages-index": m0007,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

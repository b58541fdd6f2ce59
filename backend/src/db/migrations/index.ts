import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-init.js";
import * as m0002 from "./0002-attachments.js";

/** Static, ordered map: bundling-proof and reviewable in one place. */
const migrations: Record<string, Migration> = {
  "0001-init": m0001,
  "0002-attachments": m0002,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

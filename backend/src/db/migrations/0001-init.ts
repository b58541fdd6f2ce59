import { type Kysely, PostgresAdapter, sql } from "kysely";

// Migrations take Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("username_key", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("avatar_url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text")
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("conversations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('direct', 'group')`))
    .addColumn("name", "text")
    .addColumn("direct_key", "text", (c) => c.unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_activity_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("conversation_members")
    .addColumn("id", postgres ? "bigserial" : "integer", (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member')`))
    .addColumn("last_read_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("joined_at", "text", (c) => c.notNull())
    .addUniqueConstraint("conversation_members_conv_user_uq", ["conversation_id", "user_id"])
    .execute();
  // "My conversations": members by user, then conversations by activity.
  await db.schema
    .createIndex("conversation_members_user_idx")
    .on("conversation_members")
    .columns(["user_id", "conversation_id"])
    .execute();
  await db.schema
    .createIndex("conversations_activity_idx")
    .on("conversations")
    .columns(["last_activity_at", "id"])
    .execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("sender_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("edited_at", "text")
    .addColumn("deleted_at", "text")
    // History pages walk this unique index in both directions.
    .addUniqueConstraint("messages_conv_seq_uq", ["conversation_id", "seq"])
    .addUniqueConstraint("messages_sender_client_uq", ["sender_id", "client_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["messages", "conversation_members", "conversations", "sessions", "users"]) {
    await db.schema.dropTable(t).execute();
  }
}

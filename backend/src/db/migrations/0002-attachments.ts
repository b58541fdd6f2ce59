import type { Kysely } from "kysely";

// Uploaded files and avatars. Blobs live in the blob store under their sha256; rows only name them,
// so identical content is stored once however many rows point at it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uploader_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("blob_hash", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("thumb_hash", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  // The orphan sweep walks old rows; blob garbage collection asks "is this hash still used?".
  await db.schema.createIndex("attachments_created_idx").on("attachments").column("created_at").execute();
  await db.schema.createIndex("attachments_blob_idx").on("attachments").column("blob_hash").execute();
  await db.schema.createIndex("attachments_thumb_idx").on("attachments").column("thumb_hash").execute();
  await db.schema.createIndex("attachments_uploader_idx").on("attachments").column("uploader_id").execute();

  await db.schema
    .createTable("message_attachments")
    .addColumn("message_id", "text", (c) => c.notNull().references("messages.id").onDelete("cascade"))
    .addColumn("attachment_id", "text", (c) => c.notNull().references("attachments.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("message_attachments_pk", ["message_id", "position"])
    .execute();
  // Download checks go from an attachment to the conversations it was shared in.
  await db.schema
    .createIndex("message_attachments_attachment_idx")
    .on("message_attachments")
    .columns(["attachment_id", "message_id"])
    .execute();

  await db.schema
    .createTable("avatars")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("hash_64", "text", (c) => c.notNull())
    .addColumn("hash_128", "text", (c) => c.notNull())
    .addColumn("hash_256", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("avatars_user_idx").on("avatars").column("user_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["avatars", "message_attachments", "attachments"]) {
    await db.schema.dropTable(t).execute();
  }
}

import type { Attachment } from "@chat/protocol";
import type { AttachmentRow } from "./files.store.js";

export const attachmentUrl = (id: string) => `/api/chat/attachments/${encodeURIComponent(id)}`;

export function presentAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    mimeType: row.mime_type,
    url: attachmentUrl(row.id),
    ...(row.thumb_hash ? { thumbnailUrl: `${attachmentUrl(row.id)}/thumbnail` } : {}),
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
  };
}

/** Relative to the API origin; a random avatar id per change, so caches never show an old picture. */
export const avatarUrl = (userId: string, avatarId: string) =>
  `/api/users/${encodeURIComponent(userId)}/avatar/${encodeURIComponent(avatarId)}`;

import type { Conversation } from "@chat/protocol";

/** "Seen" in a direct chat, "Seen by N" in a group, "Sent" until someone has read it. */
export function receiptFor(c: Conversation, seq: number, meId: string | undefined): string {
  const readers = c.members.filter((m) => m.user.id !== meId && m.lastReadSeq >= seq);
  if (readers.length === 0) return "Sent";
  if (c.type === "direct") return "Seen";
  const others = c.members.length - 1;
  return readers.length === others && others > 1 ? "Seen by everyone" : `Seen by ${readers.length}`;
}

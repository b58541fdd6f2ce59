import type { Conversation, User } from "@chat/protocol";
import { api } from "@/lib/api";
import { actions } from "@/store/chat-store";
import { markBlocked } from "@/store/message-changes";

/** Blocks or unblocks a user; answers an error text, or null. */
export async function blockUser(user: User, block: boolean): Promise<string | null> {
  try {
    if (block) await api.block(user.id);
    else await api.unblock(user.id);
    markBlocked(user, block);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Mutes or unmutes a conversation for me (no notifications; the badge still counts). */
export async function muteConversation(c: Conversation, muted: boolean): Promise<string | null> {
  try {
    actions.upsertConversation((await api.setMuted(c.id, muted)).conversation);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

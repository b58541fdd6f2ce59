import type { Message, User } from "@chat/protocol";
import { actions, getState, setState, setThread } from "./chat-store";
import type { ChatMessage, ComposeTarget, JumpTarget } from "./types";

/** The newer of two states of one message: the change sequence orders edits, deletes and reactions. */
function newer(current: ChatMessage, incoming: Message) {
  return (incoming.changeSeq ?? 0) >= (current.changeSeq ?? 0);
}

/**
 * Edits, deletes, reactions and catch-up pages: replace held messages by id. Messages not held
 * are added only when they sit inside or after the loaded window, so the window stays gap-free
 * (the seq gap fill brings the rest).
 */
export function applyMessageChanges(conversationId: string, incoming: Message[]) {
  const state = getState();
  const thread = state.threads[conversationId];
  if (thread?.loaded) {
    const byId = new Map(thread.messages.map((m) => [m.id, m]));
    const first = thread.messages[0]?.seq ?? 1;
    let changed = false;
    let last = thread.messages.at(-1)?.seq ?? 0;
    const added: Message[] = [];
    for (const m of [...incoming].sort((a, b) => a.seq - b.seq)) {
      const held = byId.get(m.id);
      if (held) {
        if (newer(held, m)) {
          byId.set(m.id, m);
          changed = true;
        }
      } else if (m.seq >= first && m.seq <= last + 1) {
        added.push(m);
        last = Math.max(last, m.seq);
      }
    }
    const deleted = new Set(incoming.filter((m) => m.deletedAt).map((m) => m.id));
    if (deleted.size > 0)
      for (const [id, m] of byId)
        if (m.replyTo && deleted.has(m.replyTo.id) && !m.replyTo.deleted) {
          byId.set(id, { ...m, replyTo: { ...m.replyTo, excerpt: "", deleted: true } });
          changed = true;
        }
    if (changed) {
      const messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
      setThread(conversationId, { ...thread, messages });
    }
    if (added.length > 0) actions.addMessages(conversationId, added);
  }
  // The sidebar preview follows an edited or deleted last message.
  const conv = getState().conversations[conversationId];
  const latest = conv?.lastMessage && incoming.find((m) => m.id === conv.lastMessage?.id);
  if (conv?.lastMessage && latest && newer(conv.lastMessage, latest))
    actions.upsertConversation({ ...conv, lastMessage: latest });
}

export function setComposing(conversationId: string, target: ComposeTarget | undefined) {
  setState({ composing: { ...getState().composing, [conversationId]: target } });
}

let jumpCounter = 0;
/** Asks the message list of `conversationId` to bring a message into view (see message-list). */
export function requestJump(target: Omit<JumpTarget, "nonce">) {
  setState({ jump: { ...target, nonce: ++jumpCounter } });
}

export function clearJump(nonce: number) {
  if (getState().jump?.nonce === nonce) setState({ jump: null });
}

export function setBlocked(users: User[]) {
  setState({ blocked: Object.fromEntries(users.map((u) => [u.id, u])) });
}

export function markBlocked(user: User, blocked: boolean) {
  const { [user.id]: _gone, ...rest } = getState().blocked;
  setState({ blocked: blocked ? { ...rest, [user.id]: user } : rest });
}

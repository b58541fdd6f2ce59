import type { Message } from "@chat/protocol";
import { api } from "@/lib/api";
import { actions } from "@/store/chat-store";
import { applyMessageChanges } from "@/store/message-changes";

/** Runs one change request and applies the answer at once (the broadcast that follows is a no-op). */
async function change(run: () => Promise<{ message: Message }>): Promise<string | null> {
  try {
    const { message } = await run();
    applyMessageChanges(message.conversationId, [message]);
    return null;
  } catch (err) {
    const text = (err as Error).message;
    actions.announce(text);
    return text;
  }
}

export const editMessage = (id: string, text: string) => change(() => api.editMessage(id, text));
export const deleteMessage = (id: string) => change(() => api.deleteMessage(id));
export const toggleReaction = (id: string, emoji: string) => change(() => api.react(id, emoji));

/** The quick set shown first, then the rest of the picker. */
export const quickEmoji = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
export const moreEmoji = [
  "🎉",
  "🔥",
  "👀",
  "✅",
  "👏",
  "🤔",
  "😍",
  "😎",
  "🙌",
  "💯",
  "🚀",
  "👎",
  "😡",
  "🥳",
  "🤝",
  "☕",
];

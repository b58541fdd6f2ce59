import type { Message } from "@chat/protocol";
import { actions, getState } from "@/store/chat-store";

const KEY = "chat.notifications";

export function notificationsEnabled() {
  return typeof window !== "undefined" && localStorage.getItem(KEY) === "on" && "Notification" in window;
}

export async function enableNotifications(on: boolean): Promise<boolean> {
  if (!on) {
    localStorage.setItem(KEY, "off");
    return false;
  }
  if (!("Notification" in window)) return false;
  const permission = await Notification.requestPermission();
  localStorage.setItem(KEY, permission === "granted" ? "on" : "off");
  return permission === "granted";
}

function senderName(message: Message) {
  const conv = getState().conversations[message.conversationId];
  return conv?.members.find((m) => m.user.id === message.senderId)?.user.displayName ?? "Someone";
}

/**
 * Live-region text for the open conversation; a desktop notification when the tab is hidden,
 * unless the conversation is muted. A mention of me notifies even when muted.
 */
export function notifyIncoming(message: Message) {
  const state = getState();
  const name = senderName(message);
  const preview = message.text || (message.attachments.length ? "sent an attachment" : "");
  if (state.activeId === message.conversationId) actions.announce(`${name}: ${preview}`);
  const conv = state.conversations[message.conversationId];
  const mentioned = !!state.me && !!message.mentions?.includes(state.me.id);
  if (conv?.muted && !mentioned) return;
  if (document.visibilityState === "visible" || !notificationsEnabled()) return;
  if (Notification.permission !== "granted") return;
  const where = conv?.type === "group" && conv.name ? `${name} in ${conv.name}` : name;
  const title = mentioned ? `${where} mentioned you` : where;
  const n = new Notification(title, { body: preview.slice(0, 200), tag: message.conversationId });
  n.onclick = () => {
    window.focus();
    window.location.assign(`/chat/${encodeURIComponent(message.conversationId)}`);
  };
}

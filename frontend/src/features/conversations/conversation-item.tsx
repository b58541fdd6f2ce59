"use client";
import type { Conversation } from "@chat/protocol";
import Link from "next/link";
import { formatListTime } from "@/lib/format";
import { useChat } from "@/store/chat-store";
import { Avatar } from "../ui/avatar";
import styles from "./conversation-item.module.css";
import { activityTime, conversationTitle, otherMember } from "./conversation-meta";

export function ConversationItem({ conversation: c, active }: { conversation: Conversation; active: boolean }) {
  const meId = useChat((s) => s.me?.id);
  const other = c.type === "direct" ? otherMember(c, meId) : undefined;
  const online = useChat((s) => (other ? (s.presence[other.id]?.online ?? false) : undefined));
  const title = conversationTitle(c, meId);
  const last = c.lastMessage;
  const senderName =
    last && c.type === "group"
      ? last.senderId === meId
        ? "You"
        : c.members.find((m) => m.user.id === last.senderId)?.user.displayName
      : last?.senderId === meId
        ? "You"
        : undefined;
  const preview = last
    ? `${senderName ? `${senderName}: ` : ""}${last.text || (last.attachments.length ? "📎 Attachment" : "")}`
    : "No messages yet";
  return (
    <Link
      href={`/chat/${encodeURIComponent(c.id)}`}
      className={`${styles.item} ${active ? styles.active : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="conversation-item"
    >
      <Avatar id={other?.id ?? c.id} name={title} url={other?.avatarUrl} size={44} online={online} />
      <span className={styles.body}>
        <span className={styles.row}>
          <span className={styles.title}>{title}</span>
          <time className={styles.time} dateTime={activityTime(c)}>
            {formatListTime(activityTime(c))}
          </time>
        </span>
        <span className={styles.row}>
          <span className={styles.preview}>
            {c.muted && (
              <span className={styles.muted} title="Muted">
                🔕<span className="visually-hidden">muted, </span>
              </span>
            )}
            {last?.deletedAt ? "Message deleted" : preview}
          </span>
          {(c.mentionCount ?? 0) > 0 && (
            <span
              className={`${styles.badge} ${styles.mention}`}
              data-testid="mention-badge"
              data-count={c.mentionCount}
            >
              @<span className="visually-hidden"> {c.mentionCount} mentions of you</span>
            </span>
          )}
          {c.unreadCount > 0 && (
            <span className={styles.badge} data-testid="unread-badge">
              {c.unreadCount > 99 ? "99+" : c.unreadCount}
              <span className="visually-hidden"> unread</span>
            </span>
          )}
        </span>
      </span>
    </Link>
  );
}

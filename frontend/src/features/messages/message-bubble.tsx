"use client";
import type { Member } from "@chat/protocol";
import { memo } from "react";
import { formatTime } from "@/lib/format";
import type { ChatMessage } from "@/store/types";
import { Avatar } from "../ui/avatar";
import { AttachmentView } from "./attachment-view";
import { linkify } from "./linkify";
import styles from "./message-bubble.module.css";
import { retryMessage } from "./outbox";

interface Props {
  message: ChatMessage;
  sender: Member["user"] | undefined;
  mine: boolean;
  first: boolean;
  last: boolean;
  showName: boolean;
  /** "Seen", "Seen by 2", "Sent"... under my newest message only. */
  receipt?: string;
}

export const MessageBubble = memo(function MessageBubble({
  message: m,
  sender,
  mine,
  first,
  last,
  showName,
  receipt,
}: Props) {
  const name = sender?.displayName ?? "Unknown";
  return (
    <div
      className={`${styles.row} ${mine ? styles.mine : styles.theirs} ${first ? styles.first : ""}`}
      data-testid="message"
      data-state={m.local ?? "sent"}
      data-seq={m.local ? undefined : m.seq}
    >
      {!mine && (
        <div className={styles.avatarSlot}>
          {last && sender && <Avatar id={sender.id} name={name} url={sender.avatarUrl} size={30} />}
        </div>
      )}
      <div className={styles.stack}>
        {showName && first && !mine && <div className={styles.name}>{name}</div>}
        <div className={`${styles.bubble} ${m.local === "failed" ? styles.failed : ""}`}>
          {m.attachments.length > 0 && (
            <div className={styles.attachments}>
              {m.attachments.map((a) => (
                <AttachmentView key={a.id} attachment={a} />
              ))}
            </div>
          )}
          {m.text && <p className={styles.text}>{linkify(m.text)}</p>}
          <span className={styles.meta}>
            <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
            {m.local === "pending" && <span> · Sending…</span>}
          </span>
        </div>
        {m.local === "failed" && (
          <div className={styles.failNote} role="alert">
            Not sent{m.failReason ? `: ${m.failReason}` : ""}.{" "}
            <button type="button" className={styles.retry} onClick={() => retryMessage(m.conversationId, m.clientId)}>
              Retry
            </button>
          </div>
        )}
        {receipt && (
          <div className={styles.receipt} data-testid="read-receipt">
            {receipt}
          </div>
        )}
      </div>
    </div>
  );
});

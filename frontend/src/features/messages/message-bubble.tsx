"use client";
import type { Member, User } from "@chat/protocol";
import { memo } from "react";
import { formatTime } from "@/lib/format";
import type { ChatMessage } from "@/store/types";
import { Avatar } from "../ui/avatar";
import { AttachmentView } from "./attachment-view";
import { linkify } from "./linkify";
import styles from "./message-bubble.module.css";
import { MessageMenu } from "./message-menu";
import { retryMessage } from "./outbox";
import { ReactionsBar } from "./reactions-bar";
import { ReplyQuote } from "./reply-quote";

interface Props {
  message: ChatMessage;
  sender: Member["user"] | undefined;
  mine: boolean;
  first: boolean;
  last: boolean;
  showName: boolean;
  /** "Seen", "Seen by 2", "Sent"... under my newest message only. */
  receipt?: string;
  meId: string | undefined;
  members: Map<string, User>;
  /** I may delete others' messages here (group owner or admin). */
  moderator: boolean;
  /** Briefly marked after a jump to it. */
  highlighted: boolean;
}

export const MessageBubble = memo(function MessageBubble({
  message: m,
  sender,
  mine,
  first,
  last,
  showName,
  receipt,
  meId,
  members,
  moderator,
  highlighted,
}: Props) {
  const name = sender?.displayName ?? "Unknown";
  const deleted = !!m.deletedAt;
  const mentionsMe = !mine && !!meId && !!m.mentions?.includes(meId);
  const menu = !m.local && !deleted && (
    <MessageMenu message={m} canEdit={mine && !!m.text} canDelete={mine || moderator} />
  );
  return (
    <div
      className={`${styles.row} ${mine ? styles.mine : styles.theirs} ${first ? styles.first : ""}`}
      data-testid="message"
      data-id={m.local ? undefined : m.id}
      data-state={m.local ?? "sent"}
      data-seq={m.local ? undefined : m.seq}
      data-deleted={deleted || undefined}
      data-mentioned={mentionsMe || undefined}
      data-highlighted={highlighted || undefined}
    >
      {!mine && (
        <div className={styles.avatarSlot}>
          {last && sender && <Avatar id={sender.id} name={name} url={sender.avatarUrl} size={30} />}
        </div>
      )}
      {mine && menu}
      <div className={styles.stack}>
        {showName && first && !mine && <div className={styles.name}>{name}</div>}
        <div
          className={`${styles.bubble} ${m.local === "failed" ? styles.failed : ""} ${mentionsMe ? styles.mentioned : ""} ${highlighted ? styles.highlighted : ""}`}
        >
          {m.replyTo && !deleted && (
            <ReplyQuote quote={m.replyTo} conversationId={m.conversationId} sender={members.get(m.replyTo.senderId)} />
          )}
          {m.attachments.length > 0 && (
            <div className={styles.attachments}>
              {m.attachments.map((a) => (
                <AttachmentView key={a.id} attachment={a} />
              ))}
            </div>
          )}
          {deleted ? (
            <p className={`${styles.text} ${styles.tombstone}`}>Message deleted</p>
          ) : (
            m.text && <p className={styles.text}>{linkify(m.text)}</p>
          )}
          <span className={styles.meta}>
            <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
            {m.editedAt && !deleted && (
              <span data-testid="edited" title={`Edited ${formatTime(m.editedAt)}`}>
                {" "}
                · edited
              </span>
            )}
            {m.local === "pending" && <span> · Sending…</span>}
          </span>
        </div>
        {!deleted && m.reactions && (
          <ReactionsBar messageId={m.id} reactions={m.reactions} meId={meId} members={members} />
        )}
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
      {!mine && menu}
    </div>
  );
});

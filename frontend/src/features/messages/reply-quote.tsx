"use client";
import type { ReplyQuote as Quote, User } from "@chat/protocol";
import { requestJump } from "@/store/message-changes";
import styles from "./reply-quote.module.css";

/** The quoted original on a reply: sender and excerpt; a click scrolls to the original. */
export function ReplyQuote({
  quote,
  conversationId,
  sender,
}: {
  quote: Quote;
  conversationId: string;
  sender: User | undefined;
}) {
  const name = sender?.displayName ?? "Unknown";
  const excerpt = quote.deleted ? "Message deleted" : quote.excerpt || "Attachment";
  return (
    <button
      type="button"
      className={styles.quote}
      data-testid="reply-quote"
      aria-label={`Reply to ${name}: ${excerpt}. Show the original message`}
      onClick={() => requestJump({ conversationId, messageId: quote.id, seq: quote.seq })}
    >
      <span className={styles.name}>{name}</span>
      <span className={`${styles.excerpt} ${quote.deleted ? styles.deleted : ""}`}>{excerpt}</span>
    </button>
  );
}

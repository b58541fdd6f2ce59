"use client";
import type { Conversation } from "@chat/protocol";
import { useChat } from "@/store/chat-store";
import styles from "./typing-indicator.module.css";

const none: Record<string, number> = {};

export function TypingIndicator({ conversation: c }: { conversation: Conversation }) {
  const typing = useChat((s) => s.typing[c.id] ?? none);
  const meId = useChat((s) => s.me?.id);
  const names = Object.keys(typing)
    .filter((id) => id !== meId)
    .map((id) => c.members.find((m) => m.user.id === id)?.user.displayName ?? "Someone");
  let text = "";
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = "Several people are typing…";
  return (
    <div className={styles.typing} data-testid="typing-indicator" aria-live="polite">
      {text && (
        <>
          <span className={styles.dots} aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}

"use client";
import type { Conversation, User } from "@chat/protocol";
import { useState } from "react";
import type { ComposeTarget } from "@/store/types";
import { blockUser } from "../conversations/block-actions";
import styles from "./composer.module.css";

/** Above the composer: the message being replied to or edited, with a cancel button (or Escape). */
export function ComposeBanner({
  target,
  conversation,
  onCancel,
}: {
  target: ComposeTarget;
  conversation: Conversation;
  onCancel: () => void;
}) {
  const sender = conversation.members.find((m) => m.user.id === target.message.senderId)?.user;
  const title = target.mode === "edit" ? "Editing message" : `Replying to ${sender?.displayName ?? "Unknown"}`;
  return (
    <div className={styles.banner} data-testid="compose-banner">
      <div className={styles.bannerText}>
        <span className={styles.bannerTitle}>{title}</span>
        <span className={styles.bannerExcerpt}>{target.message.text || "Attachment"}</span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={target.mode === "edit" ? "Cancel edit" : "Cancel reply"}
        onClick={onCancel}
      >
        ✕
      </button>
    </div>
  );
}

/** Instead of the composer in a direct chat with someone I blocked. */
export function BlockedNotice({ user }: { user: User }) {
  const [error, setError] = useState("");
  return (
    <div className={styles.blocked} data-testid="blocked-notice">
      <span>You blocked {user.displayName}. Unblock them to send messages.</span>
      <button
        type="button"
        className="button secondary"
        onClick={async () => setError((await blockUser(user, false)) ?? "")}
      >
        Unblock
      </button>
      {error && <span role="alert">{error}</span>}
    </div>
  );
}

"use client";
import type { Conversation } from "@chat/protocol";
import Link from "next/link";
import { useState } from "react";
import { formatLastSeen } from "@/lib/format";
import { useChat } from "@/store/chat-store";
import { blockUser, muteConversation } from "../conversations/block-actions";
import { conversationTitle, otherMember } from "../conversations/conversation-meta";
import { GroupSettingsDialog } from "../conversations/group-settings-dialog";
import { Avatar } from "../ui/avatar";
import styles from "./conversation-header.module.css";

export function ConversationHeader({ conversation: c }: { conversation: Conversation }) {
  const meId = useChat((s) => s.me?.id);
  const other = c.type === "direct" ? otherMember(c, meId) : undefined;
  const presence = useChat((s) => (other ? s.presence[other.id] : undefined));
  const onlineCount = useChat((s) => c.members.filter((m) => s.presence[m.user.id]?.online).length);
  const [settings, setSettings] = useState(false);
  const [error, setError] = useState("");
  const blocked = useChat((s) => (other ? !!s.blocked[other.id] : false));
  const title = conversationTitle(c, meId);
  const subtitle = other
    ? presence?.online
      ? "online"
      : formatLastSeen(presence?.lastSeenAt ?? other.lastSeenAt)
    : `${c.members.length} members${onlineCount ? `, ${onlineCount} online` : ""}`;
  return (
    <header className={styles.header}>
      <Link href="/chat" className={`icon-button ${styles.back}`} aria-label="Back to conversations">
        ←
      </Link>
      <Avatar
        id={other?.id ?? c.id}
        name={title}
        url={other?.avatarUrl}
        size={40}
        online={other ? !!presence?.online : undefined}
      />
      <div className={styles.titles}>
        <h1 className={styles.title}>{title}</h1>
        <p className={styles.subtitle}>{subtitle}</p>
      </div>
      {error && (
        <span role="alert" className={styles.error}>
          {error}
        </span>
      )}
      <button
        type="button"
        className={`button secondary ${styles.action}`}
        aria-pressed={!!c.muted}
        title={c.muted ? "Notifications are off for this conversation" : "Turn notifications off"}
        onClick={async () => setError((await muteConversation(c, !c.muted)) ?? "")}
      >
        {c.muted ? "Muted" : "Mute"}
      </button>
      {other && (
        <button
          type="button"
          className={`button secondary ${styles.action}`}
          onClick={async () => setError((await blockUser(other, !blocked)) ?? "")}
        >
          {blocked ? "Unblock" : "Block"}
        </button>
      )}
      {c.type === "group" && (
        <>
          <button type="button" className="icon-button" aria-label="Group settings" onClick={() => setSettings(true)}>
            ⚙
          </button>
          <GroupSettingsDialog conversation={c} open={settings} onClose={() => setSettings(false)} />
        </>
      )}
    </header>
  );
}

"use client";
import { usePathname } from "next/navigation";
import { useMemo } from "react";
import { useChat } from "@/store/chat-store";
import { ConversationItem } from "./conversation-item";
import styles from "./conversation-list.module.css";
import { conversationTitle, sortByActivity } from "./conversation-meta";

export function ConversationList({ filter }: { filter: string }) {
  const conversations = useChat((s) => s.conversations);
  const loaded = useChat((s) => s.conversationsLoaded);
  const meId = useChat((s) => s.me?.id);
  const pathname = usePathname();
  const list = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = sortByActivity(Object.values(conversations));
    return q ? all.filter((c) => conversationTitle(c, meId).toLowerCase().includes(q)) : all;
  }, [conversations, filter, meId]);

  if (!loaded) return <p className={styles.note}>Loading conversations…</p>;
  if (list.length === 0)
    return <p className={styles.note}>{filter ? "No conversation matches." : "No conversations yet. Start one!"}</p>;
  return (
    <nav className={styles.list} aria-label="Conversation list">
      <ul>
        {list.map((c) => (
          <li key={c.id}>
            <ConversationItem conversation={c} active={pathname === `/chat/${encodeURIComponent(c.id)}`} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

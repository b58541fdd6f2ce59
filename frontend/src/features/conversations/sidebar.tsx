"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useChat } from "@/store/chat-store";
import { logout } from "../auth/use-session";
import { SearchPanel } from "../search/search-panel";
import { Avatar } from "../ui/avatar";
import { ConversationList } from "./conversation-list";
import { NewChatDialog } from "./new-chat-dialog";
import { NewGroupDialog } from "./new-group-dialog";
import styles from "./sidebar.module.css";

export function Sidebar() {
  const me = useChat((s) => s.me);
  const [dialog, setDialog] = useState<"chat" | "group" | "search" | null>(null);
  const [filter, setFilter] = useState("");
  // Ctrl+K (Cmd+K) opens message search from anywhere in the chat.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setDialog("search");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  if (!me) return null;
  return (
    <aside className={styles.sidebar} aria-label="Conversations">
      <header className={styles.header}>
        <Link href="/settings" className={styles.me} aria-label="Profile settings">
          <Avatar id={me.id} name={me.displayName} url={me.avatarUrl} size={36} />
          <span className={styles.meName}>
            <strong>{me.displayName}</strong>
            <span>@{me.username}</span>
          </span>
        </Link>
        <button
          type="button"
          className="icon-button"
          onClick={() => setDialog("search")}
          aria-label="Search messages"
          title="Search messages (Ctrl+K)"
          aria-keyshortcuts="Control+K"
        >
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path
              fill="currentColor"
              d="M10 2a8 8 0 0 1 6.32 12.9l5.39 5.4-1.41 1.4-5.4-5.39A8 8 0 1 1 10 2m0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12"
            />
          </svg>
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => void logout()}
          aria-label="Log out"
          title="Log out"
        >
          ⎋
        </button>
      </header>
      <div className={styles.actions}>
        <button type="button" className="button" onClick={() => setDialog("chat")}>
          New chat
        </button>
        <button type="button" className="button secondary" onClick={() => setDialog("group")}>
          New group
        </button>
      </div>
      <div className={styles.search}>
        <label htmlFor="conversation-filter" className="visually-hidden">
          Filter conversations
        </label>
        <input
          id="conversation-filter"
          className="input"
          type="search"
          placeholder="Filter conversations"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      <ConversationList filter={filter} />
      <NewChatDialog open={dialog === "chat"} onClose={() => setDialog(null)} />
      <NewGroupDialog open={dialog === "group"} onClose={() => setDialog(null)} />
      <SearchPanel open={dialog === "search"} onClose={() => setDialog(null)} />
    </aside>
  );
}

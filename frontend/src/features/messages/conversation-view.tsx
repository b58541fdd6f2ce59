"use client";
import { type DragEvent, useEffect, useState } from "react";
import { api } from "@/lib/api";
import { actions, useChat } from "@/store/chat-store";
import { EmptyPane } from "../conversations/empty-pane";
import { noteFirstPage } from "../realtime/catch-up";
import { markRead } from "../realtime/sync-engine";
import { Composer } from "./composer";
import { ConversationHeader } from "./conversation-header";
import styles from "./conversation-view.module.css";
import { MessageList } from "./message-list";
import { TypingIndicator } from "./typing-indicator";

export function ConversationView({ conversationId }: { conversationId: string }) {
  const conversation = useChat((s) => s.conversations[conversationId]);
  const listLoaded = useChat((s) => s.conversationsLoaded);
  const thread = useChat((s) => s.threads[conversationId]);
  const newestSeq = thread?.messages.at(-1)?.seq ?? 0;
  const [dragging, setDragging] = useState(false);
  const [dropped, setDropped] = useState<{ files: File[] } | null>(null);
  const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes("Files");

  useEffect(() => {
    actions.setActive(conversationId);
    return () => actions.setActive(null);
  }, [conversationId]);

  // First page of history (the newest messages).
  useEffect(() => {
    if (thread?.loaded) return;
    let cancelled = false;
    api.history(conversationId, {}).then(
      (page) => {
        if (cancelled) return;
        noteFirstPage(conversationId, page.messages);
        actions.addMessages(conversationId, page.messages, { hasMore: page.hasMore, older: true });
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [conversationId, thread?.loaded]);

  // Read on screen: whenever a newer message is shown while the tab is visible.
  useEffect(() => {
    if (!conversation || newestSeq === 0) return;
    const mark = () => document.visibilityState === "visible" && markRead(conversationId);
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [conversationId, newestSeq, conversation]);

  if (!conversation) {
    if (!listLoaded) return <div className={styles.loading}>Loading…</div>;
    return <EmptyPane />;
  }
  return (
    <section
      className={styles.view}
      aria-label="Conversation"
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        setDropped({ files: [...e.dataTransfer.files] });
      }}
    >
      {dragging && (
        <div className={styles.dropOverlay} aria-hidden="true">
          Drop files to attach
        </div>
      )}
      <ConversationHeader conversation={conversation} />
      <MessageList conversation={conversation} />
      <TypingIndicator conversation={conversation} />
      <Composer conversation={conversation} dropped={dropped} />
    </section>
  );
}

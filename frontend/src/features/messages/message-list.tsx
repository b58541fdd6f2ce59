"use client";
import type { Conversation } from "@chat/protocol";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { api } from "@/lib/api";
import { actions, useChat } from "@/store/chat-store";
import { emptyThread } from "@/store/types";
import { buildRows } from "./build-rows";
import { MessageBubble } from "./message-bubble";
import styles from "./message-list.module.css";
import { receiptFor } from "./receipts";
import { useJump } from "./use-jump";

const BOTTOM_SLACK_PX = 80;
const LOAD_OLDER_PX = 400;

/** Virtualised history: only the rows on screen are in the DOM, so long threads stay smooth. */
export function MessageList({ conversation }: { conversation: Conversation }) {
  const id = conversation.id;
  const thread = useChat((s) => s.threads[id]) ?? emptyThread;
  const meId = useChat((s) => s.me?.id);
  const all = useMemo(() => [...thread.messages, ...thread.pending], [thread.messages, thread.pending]);
  const rows = useMemo(() => buildRows(all), [all]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<number | null>(null);
  const [unseen, setUnseen] = useState(0);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === "day" ? 44 : 52),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 12,
  });

  const { highlighted, release: releaseJump, cancel: cancelJump } = useJump(id, rows, virtualizer);

  const scrollToBottom = useCallback(() => {
    if (rows.length === 0) return;
    // Going to the bottom supersedes a jump already shown: its late re-pin would pull the view back up.
    releaseJump();
    virtualizer.scrollToIndex(rows.length - 1, { align: "end" });
    // Sizes settle after measuring; pin once more on the next frame.
    requestAnimationFrame(() => {
      const el = scrollRef.current;
      if (el) el.scrollTop = el.scrollHeight;
    });
    atBottom.current = true;
    setUnseen(0);
  }, [rows.length, virtualizer, releaseJump]);

  const loading = useRef(false);
  const loadOlder = useCallback(async () => {
    const first = thread.messages[0]?.seq;
    if (loading.current || !thread.loaded || !thread.hasMore || first === undefined || first <= 1) return;
    loading.current = true;
    actions.setLoadingOlder(id, true);
    try {
      const page = await api.history(id, { before: first });
      const el = scrollRef.current;
      anchor.current = el ? el.scrollHeight - el.scrollTop : null;
      actions.addMessages(id, page.messages, { hasMore: page.hasMore, older: true });
    } finally {
      loading.current = false;
      actions.setLoadingOlder(id, false);
    }
  }, [id, thread.loaded, thread.hasMore, thread.messages]);

  // Keep the view still when older rows are prepended above it.
  const firstKey = rows[0]?.key;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && anchor.current !== null && firstKey) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = null;
    }
  }, [firstKey]);

  // New rows at the bottom: follow them if the reader is there (or sent them), otherwise count them.
  const lastRow = rows.at(-1);
  const lastKey = lastRow?.key;
  const lastMine = lastRow?.kind === "message" && lastRow.message.senderId === meId;
  const prevLastKey = useRef<string | undefined>(undefined);
  // Only once the first page is in: a live message may have made a row before the history arrived.
  useLayoutEffect(() => {
    if (!thread.loaded || !lastKey || lastKey === prevLastKey.current) return;
    const initial = prevLastKey.current === undefined;
    prevLastKey.current = lastKey;
    if (initial || atBottom.current || lastMine) scrollToBottom();
    else setUnseen((n) => n + 1);
  }, [thread.loaded, lastKey, lastMine, scrollToBottom]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    if (atBottom.current && unseen) setUnseen(0);
    if (el.scrollTop < LOAD_OLDER_PX) void loadOlder();
  };

  // A short first page leaves nothing to scroll: fetch more until the screen is full.
  useEffect(() => {
    const el = scrollRef.current;
    if (el && thread.loaded && thread.hasMore && el.scrollHeight <= el.clientHeight) void loadOlder();
  }, [thread.loaded, thread.hasMore, loadOlder]);

  const members = useMemo(() => new Map(conversation.members.map((m) => [m.user.id, m.user])), [conversation.members]);
  const myRole = conversation.members.find((m) => m.user.id === meId)?.role;
  const moderator = conversation.type === "group" && (myRole === "owner" || myRole === "admin");
  const lastOwn = [...thread.messages].reverse().find((m) => m.senderId === meId);
  const receipt = lastOwn ? receiptFor(conversation, lastOwn.seq, meId) : undefined;

  return (
    <div className={styles.wrap}>
      <div
        ref={scrollRef}
        className={styles.scroller}
        onScroll={onScroll}
        // The reader scrolling takes over from a jump still settling.
        onWheel={releaseJump}
        onTouchStart={releaseJump}
        role="log"
        aria-label="Messages"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        data-testid="message-list"
      >
        <div className={styles.spacer} />
        {thread.loadingOlder && <div className={styles.loading}>Loading earlier messages…</div>}
        {thread.loaded && !thread.hasMore && (
          <div className={styles.start}>This is the beginning of the conversation.</div>
        )}
        {thread.loaded && all.length === 0 && <div className={styles.empty}>No messages yet. Say hello 👋</div>}
        <div className={styles.inner} style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={styles.item}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === "day" ? (
                  <div className={styles.day}>
                    <span>{row.label}</span>
                  </div>
                ) : (
                  <MessageBubble
                    message={row.message}
                    sender={members.get(row.message.senderId)}
                    mine={row.message.senderId === meId}
                    first={row.first}
                    last={row.last}
                    showName={conversation.type === "group"}
                    receipt={row.message.id === lastOwn?.id ? receipt : undefined}
                    meId={meId}
                    members={members}
                    moderator={moderator}
                    highlighted={highlighted === row.message.id}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {unseen > 0 && (
        <button
          type="button"
          className={styles.newButton}
          onClick={() => {
            // The reader asked for the newest: a jump still loading must not land afterwards.
            cancelJump();
            scrollToBottom();
          }}
        >
          ↓ {unseen === 1 ? "1 new message" : `${unseen} new messages`}
        </button>
      )}
    </div>
  );
}

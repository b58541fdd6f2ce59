"use client";
import type { Virtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState } from "react";
import { api } from "@/lib/api";
import { actions, getState, useChat } from "@/store/chat-store";
import { clearJump } from "@/store/message-changes";
import type { Row } from "./build-rows";

/** Messages loaded above a jump target, so it does not open at the very top edge. */
const CONTEXT_BEFORE = 30;
const PAGE = 100;
const HIGHLIGHT_MS = 2500;

/**
 * Loads every page between a far-up message and the loaded window (the window stays gap-free,
 * so scrolling and gap fill keep working), in parallel since seqs have no gaps.
 */
async function loadDownTo(conversationId: string, seq: number) {
  const first = getState().threads[conversationId]?.messages[0]?.seq;
  if (first === undefined || seq >= first) return;
  const from = Math.max(0, seq - CONTEXT_BEFORE - 1);
  const starts: number[] = [];
  for (let after = from; after < first - 1; after += PAGE) starts.push(after);
  const pages = await Promise.all(
    starts.map((after) => api.history(conversationId, { after, before: first, limit: PAGE })),
  );
  actions.addMessages(
    conversationId,
    pages.flatMap((p) => p.messages),
    { hasMore: from > 0, older: true },
  );
}

/** Scrolls to (and briefly highlights) the message a reply quote or a search result points at. */
export function useJump(conversationId: string, rows: Row[], virtualizer: Virtualizer<HTMLDivElement, Element>) {
  const jump = useChat((s) => (s.jump?.conversationId === conversationId ? s.jump : null));
  const loaded = useChat((s) => !!s.threads[conversationId]?.loaded);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [pending, setPending] = useState<{ id: string; nonce: number } | null>(null);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  useEffect(() => {
    if (!jump || !loaded) return;
    let cancelled = false;
    loadDownTo(conversationId, jump.seq)
      .catch(() => {})
      .finally(() => {
        if (!cancelled) setPending({ id: jump.messageId, nonce: jump.nonce });
        clearJump(jump.nonce);
      });
    return () => {
      cancelled = true;
    };
  }, [jump, loaded, conversationId]);

  // Once the rows hold the target, scroll there; sizes settle after measuring, so pin it twice.
  useEffect(() => {
    if (!pending) return;
    if (!rows.some((r) => r.kind === "message" && r.message.id === pending.id)) return;
    setPending(null);
    for (const t of timers.current) clearTimeout(t);
    const id = pending.id;
    // Rows may be prepended meanwhile (older pages): look the index up again each time.
    const scroll = () => {
      const at = rowsRef.current.findIndex((r) => r.kind === "message" && r.message.id === id);
      if (at >= 0) virtualizer.scrollToIndex(at, { align: "center" });
    };
    scroll();
    setHighlighted(id);
    timers.current = [setTimeout(scroll, 150), setTimeout(() => setHighlighted(null), HIGHLIGHT_MS)];
  }, [pending, rows, virtualizer]);

  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  return highlighted;
}

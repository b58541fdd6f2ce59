"use client";
import type { Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState } from "react";
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

/**
 * Scrolls to (and briefly highlights) the message a reply quote or a search result points at.
 * Whatever scrolls the list after it (the reader, the "new messages" button) must not be undone by
 * a late re-pin to the old target: `release` and `cancel` below.
 */
export function useJump(conversationId: string, rows: Row[], virtualizer: Virtualizer<HTMLDivElement, Element>) {
  const jump = useChat((s) => (s.jump?.conversationId === conversationId ? s.jump : null));
  const loaded = useChat((s) => !!s.threads[conversationId]?.loaded);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [pending, setPending] = useState<{ id: string; nonce: number } | null>(null);
  const repin = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const fade = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Bumped by cancel(): a page load started before it must not scroll once it lands.
  const generation = useRef(0);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  /** The reader (or a scroll to the bottom) moves on: keep the highlight, do not pin the target again. */
  const release = useCallback(() => {
    clearTimeout(repin.current);
    repin.current = undefined;
  }, []);
  /** The reader asked to go elsewhere (the "new messages" button): drop the jump, even one still loading. */
  const cancel = useCallback(() => {
    generation.current++;
    release();
    setPending(null);
  }, [release]);

  useEffect(() => {
    if (!jump || !loaded) return;
    let cancelled = false;
    const started = generation.current;
    loadDownTo(conversationId, jump.seq)
      .catch(() => {})
      .finally(() => {
        if (!cancelled && started === generation.current) setPending({ id: jump.messageId, nonce: jump.nonce });
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
    clearTimeout(repin.current);
    clearTimeout(fade.current);
    const id = pending.id;
    // Rows may be prepended meanwhile (older pages): look the index up again each time.
    const scroll = () => {
      const at = rowsRef.current.findIndex((r) => r.kind === "message" && r.message.id === id);
      if (at >= 0) virtualizer.scrollToIndex(at, { align: "center" });
    };
    scroll();
    setHighlighted(id);
    repin.current = setTimeout(() => {
      repin.current = undefined;
      scroll();
    }, 150);
    fade.current = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
  }, [pending, rows, virtualizer]);

  useEffect(
    () => () => {
      clearTimeout(repin.current);
      clearTimeout(fade.current);
    },
    [],
  );

  return { highlighted, release, cancel };
}

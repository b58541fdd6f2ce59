"use client";
import type { Conversation, User } from "@chat/protocol";
import { type KeyboardEvent, useMemo, useState } from "react";

const MAX_SUGGESTIONS = 6;
/** An "@" at the start or after a non-word character, then the name typed so far, right before the caret. */
const TRIGGER = /(?:^|[^\w@])@([A-Za-z0-9_.-]*)$/;

export interface MentionState {
  open: boolean;
  options: User[];
  active: number;
  /** Handles arrows, Enter/Tab (pick) and Escape (close); true when the key was consumed. */
  onKeyDown: (e: KeyboardEvent) => boolean;
  pick: (user: User) => void;
  /** Call with the textarea's caret after every change or selection move. */
  setCaret: (caret: number) => void;
}

/** `@` autocomplete over the conversation's members (me excluded), keyboard navigable. */
export function useMentions(
  conversation: Conversation,
  meId: string | undefined,
  text: string,
  replace: (text: string, caret: number) => void,
): MentionState {
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const query = TRIGGER.exec(text.slice(0, caret))?.[1];

  const options = useMemo(() => {
    if (query === undefined) return [];
    const q = query.toLowerCase();
    return conversation.members
      .map((m) => m.user)
      .filter((u) => u.id !== meId)
      .filter((u) => u.username.toLowerCase().startsWith(q) || u.displayName.toLowerCase().includes(q))
      .slice(0, MAX_SUGGESTIONS);
  }, [conversation.members, meId, query]);

  const open = options.length > 0 && dismissedAt !== caret;
  const current = Math.min(active, Math.max(0, options.length - 1));

  function pick(user: User) {
    const start = caret - (query?.length ?? 0) - 1;
    const before = `${text.slice(0, start)}@${user.username} `;
    replace(before + text.slice(caret).replace(/^ /, ""), before.length);
    setActive(0);
  }

  function onKeyDown(e: KeyboardEvent): boolean {
    if (!open) return false;
    if (e.key === "ArrowDown") setActive((current + 1) % options.length);
    else if (e.key === "ArrowUp") setActive((current - 1 + options.length) % options.length);
    else if (e.key === "Enter" || e.key === "Tab") {
      const user = options[current];
      if (user) pick(user);
    } else if (e.key === "Escape") setDismissedAt(caret);
    else return false;
    e.preventDefault();
    return true;
  }

  return {
    open,
    options,
    active: current,
    onKeyDown,
    pick,
    setCaret: (c) => {
      if (c !== caret) {
        setCaret(c);
        setActive(0);
        setDismissedAt(null);
      }
    },
  };
}

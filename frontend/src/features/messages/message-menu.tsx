"use client";
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { setComposing } from "@/store/message-changes";
import type { ChatMessage } from "@/store/types";
import { Dialog } from "../ui/dialog";
import { deleteMessage, moreEmoji, quickEmoji, toggleReaction } from "./message-actions";
import styles from "./message-menu.module.css";

const menuItems = (root: HTMLElement | null) => [...(root?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

interface Props {
  message: ChatMessage;
  canEdit: boolean;
  canDelete: boolean;
}

/** The per-message menu: react, reply, edit, delete. A menu button with arrow-key navigation. */
export function MessageMenu({ message: m, canEdit, canDelete }: Props) {
  const [open, setOpen] = useState<null | "up" | "down">(null);
  const [more, setMore] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState("");
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items = () => menuItems(menu.current);

  useEffect(() => {
    if (!open) return;
    menuItems(menu.current)[0]?.focus();
    const outside = (e: PointerEvent) => {
      const root = menu.current?.parentElement;
      if (root && !root.contains(e.target as Node)) setOpen(null);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  function show() {
    const rect = button.current?.getBoundingClientRect();
    setMore(false);
    setOpen(rect && rect.top > window.innerHeight / 2 ? "up" : "down");
  }

  function close(refocus = true) {
    setOpen(null);
    if (refocus) button.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => list[(i + list.length) % list.length]?.focus();
    if (e.key === "ArrowDown" || e.key === "ArrowRight") move(at + 1);
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") move(at - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(list.length - 1);
    else if (e.key === "Escape") close();
    else if (e.key === "Tab") return setOpen(null);
    else return;
    e.preventDefault();
  }

  async function react(emoji: string) {
    close();
    const failed = await toggleReaction(m.id, emoji);
    setError(failed ?? "");
  }

  /** A menu action: the menu closes without taking focus back, then the action runs. */
  function pick(action: () => void) {
    close(false);
    action();
  }

  const menuId = `menu-${m.id}`;
  return (
    <div className={styles.wrap} data-open={open ? "" : undefined}>
      <button
        ref={button}
        type="button"
        className={styles.trigger}
        aria-label="Message actions"
        aria-haspopup="menu"
        aria-expanded={!!open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close() : show())}
      >
        ⋯
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          tabIndex={-1}
          aria-label="Message actions"
          className={`${styles.menu} ${open === "up" ? styles.up : styles.down}`}
          onKeyDown={onKeyDown}
        >
          <div className={styles.emoji}>
            {(more ? [...quickEmoji, ...moreEmoji] : quickEmoji).map((e) => (
              <button key={e} type="button" role="menuitem" aria-label={`React ${e}`} onClick={() => react(e)}>
                {e}
              </button>
            ))}
          </div>
          {!more && (
            <MenuItem
              onSelect={() => {
                setMore(true);
                requestAnimationFrame(() => items()[quickEmoji.length]?.focus());
              }}
            >
              More reactions…
            </MenuItem>
          )}
          <MenuItem onSelect={() => pick(() => setComposing(m.conversationId, { mode: "reply", message: m }))}>
            Reply
          </MenuItem>
          {canEdit && (
            <MenuItem onSelect={() => pick(() => setComposing(m.conversationId, { mode: "edit", message: m }))}>
              Edit
            </MenuItem>
          )}
          {canDelete && (
            <MenuItem danger onSelect={() => pick(() => setConfirming(true))}>
              Delete
            </MenuItem>
          )}
        </div>
      )}
      {error && (
        <span role="alert" className={styles.error}>
          {error}
        </span>
      )}
      {confirming && (
        <Dialog title="Delete message?" open onClose={() => setConfirming(false)}>
          <p className={styles.confirmText}>It will be removed for everyone in this conversation.</p>
          <div className={styles.confirmActions}>
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button danger"
              onClick={async () => {
                setConfirming(false);
                setError((await deleteMessage(m.id)) ?? "");
              }}
            >
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function MenuItem({ danger, onSelect, children }: { danger?: boolean; onSelect: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      role="menuitem"
      className={danger ? `${styles.item} ${styles.danger}` : styles.item}
      onClick={onSelect}
    >
      {children}
    </button>
  );
}

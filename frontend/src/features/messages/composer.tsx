"use client";
import { type Conversation, limits } from "@chat/protocol";
import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { useChat } from "@/store/chat-store";
import { setComposing } from "@/store/message-changes";
import { sendTyping } from "../realtime/sync-engine";
import { BlockedNotice, ComposeBanner } from "./compose-banner";
import styles from "./composer.module.css";
import { MentionList, mentionListId, mentionOptionId } from "./mention-list";
import { editMessage } from "./message-actions";
import { sendMessage } from "./outbox";
import { UploadTray } from "./upload-tray";
import { useMentions } from "./use-mentions";
import { useUploads } from "./use-uploads";

const TYPING_RENEW_MS = limits.typingTtlMs / 2;
const drafts = new Map<string, string>();

/**
 * Enter sends, Shift+Enter adds a line. Typing is announced and renewed while text is being written.
 * Also replies (a quote above the box), edits (the box holds the message) and @mentions; Escape cancels.
 */
export function Composer({ conversation, dropped }: { conversation: Conversation; dropped: { files: File[] } | null }) {
  const conversationId = conversation.id;
  const [text, setText] = useState(() => drafts.get(conversationId) ?? "");
  const meId = useChat((s) => s.me?.id);
  const target = useChat((s) => s.composing[conversationId]);
  const other = conversation.type === "direct" ? conversation.members.find((m) => m.user.id !== meId)?.user : undefined;
  const blocked = useChat((s) => (other ? !!s.blocked[other.id] : false));
  const mentions = useMentions(conversation, meId, text, (next, caret) => {
    change(next);
    requestAnimationFrame(() => {
      ref.current?.setSelectionRange(caret, caret);
      mentions.setCaret(caret);
    });
  });
  const { uploads, add, remove, clear } = useUploads();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (dropped?.files.length) add(dropped.files);
  }, [dropped, add]);
  const lastTypingSent = useRef(0);
  const ref = useRef<HTMLTextAreaElement>(null);

  // Reply or edit chosen from a message menu: focus the box (an edit loads the text to change).
  const editing = target?.mode === "edit" ? target.message : undefined;
  useEffect(() => {
    if (editing) setText(editing.text);
    if (target) ref.current?.focus();
  }, [target, editing]);

  function cancelTarget() {
    if (target?.mode === "edit") setText(drafts.get(conversationId) ?? "");
    setComposing(conversationId, undefined);
  }

  useEffect(() => {
    ref.current?.focus();
    return () => {
      if (lastTypingSent.current) sendTyping(conversationId, false);
    };
  }, [conversationId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure the height whenever the text changes
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 180)}px`;
  }, [text]);

  function change(value: string) {
    setText(value);
    if (!editing) drafts.set(conversationId, value);
    const now = Date.now();
    if (value.trim() && now - lastTypingSent.current > TYPING_RENEW_MS) {
      lastTypingSent.current = now;
      sendTyping(conversationId, true);
    } else if (!value.trim() && lastTypingSent.current) {
      lastTypingSent.current = 0;
      sendTyping(conversationId, false);
    }
  }

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const body = text.trim();
    if (uploads.some((u) => u.status === "uploading")) return;
    const attachments = uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
    if ((!body && attachments.length === 0) || body.length > limits.messageTextMax) return;
    if (editing) {
      if (body && body !== editing.text) void editMessage(editing.id, body);
      setComposing(conversationId, undefined);
      setText(drafts.get(conversationId) ?? "");
      return;
    }
    sendMessage(conversationId, body, attachments, target?.mode === "reply" ? target.message : undefined);
    if (target) setComposing(conversationId, undefined);
    setText("");
    clear();
    drafts.delete(conversationId);
    // The server ends typing when the message is stored; a pending offline send must end it too.
    if (lastTypingSent.current) sendTyping(conversationId, false);
    lastTypingSent.current = 0;
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.nativeEvent.isComposing || mentions.onKeyDown(e)) return;
    if (e.key === "Escape" && target) {
      e.preventDefault();
      return cancelTarget();
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  function onPaste(e: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return;
    e.preventDefault();
    add(files);
  }

  const over = text.length > limits.messageTextMax;
  const uploading = uploads.some((u) => u.status === "uploading");
  const ready = uploads.some((u) => u.status === "done");
  if (blocked && other) return <BlockedNotice user={other} />;
  return (
    <>
      <UploadTray uploads={uploads} onRemove={remove} />
      {target && <ComposeBanner target={target} conversation={conversation} onCancel={cancelTarget} />}
      <form className={styles.composer} onSubmit={submit}>
        <MentionList mentions={mentions} />
        <input
          ref={fileInput}
          id="composer-file"
          type="file"
          aria-label="Attach files"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          onChange={(e) => {
            if (e.target.files) add([...e.target.files]);
            e.target.value = "";
          }}
        />
        <button
          type="button"
          className={`icon-button ${styles.attach}`}
          aria-label="Attach files"
          onClick={() => fileInput.current?.click()}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              fill="currentColor"
              d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z"
            />
          </svg>
        </button>
        <label htmlFor="composer-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-input"
          ref={ref}
          className={styles.input}
          rows={1}
          placeholder="Write a message…"
          value={text}
          onChange={(e) => {
            change(e.target.value);
            mentions.setCaret(e.target.selectionStart);
          }}
          onSelect={(e) => mentions.setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => {
            if (lastTypingSent.current) sendTyping(conversationId, false);
            lastTypingSent.current = 0;
          }}
          aria-invalid={over || undefined}
          aria-describedby="composer-hint"
          aria-autocomplete="list"
          aria-controls={mentions.open ? mentionListId : undefined}
          aria-activedescendant={mentions.open ? mentionOptionId(mentions.active) : undefined}
        />
        <span id="composer-hint" className={over ? styles.over : "visually-hidden"}>
          {over
            ? `Too long: ${text.length} of ${limits.messageTextMax} characters`
            : "Enter sends, Shift+Enter adds a new line"}
        </span>
        <button
          type="submit"
          className={styles.send}
          disabled={(!text.trim() && !ready) || over || uploading}
          aria-label={editing ? "Save edit" : "Send message"}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </form>
    </>
  );
}

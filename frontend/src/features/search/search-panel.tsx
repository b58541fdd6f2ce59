"use client";
import type { SearchResult } from "@chat/protocol";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api";
import { formatListTime } from "@/lib/format";
import { useChat } from "@/store/chat-store";
import { requestJump } from "@/store/message-changes";
import { conversationTitle } from "../conversations/conversation-meta";
import { Dialog } from "../ui/dialog";
import { highlightText } from "./highlight-text";
import styles from "./search-panel.module.css";

/** Full-text search over my conversations: highlighted results, "Load more", click to jump. */
export function SearchPanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const conversations = useChat((s) => s.conversations);
  const meId = useChat((s) => s.me?.id);
  const [q, setQ] = useState("");
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [searched, setSearched] = useState("");

  async function run(query: string, after?: string) {
    setBusy(true);
    setError("");
    try {
      const page = await api.search(query, after);
      setResults((r) => (after && r ? [...r, ...page.results] : page.results));
      setCursor(page.nextCursor);
      setSearched(query);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (q.trim()) void run(q.trim());
  }

  function go(r: SearchResult) {
    const m = r.message;
    onClose();
    router.push(`/chat/${encodeURIComponent(m.conversationId)}`);
    requestJump({ conversationId: m.conversationId, messageId: m.id, seq: m.seq });
  }

  return (
    <Dialog title="Search messages" open={open} onClose={onClose}>
      <form className={styles.form} onSubmit={submit}>
        <label htmlFor="message-search" className="visually-hidden">
          Search messages
        </label>
        <input
          id="message-search"
          className="input"
          type="search"
          placeholder="Words or part of a word"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="button" disabled={busy || !q.trim()}>
          Search
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      <p role="status" className={styles.status}>
        {busy
          ? "Searching…"
          : results && results.length === 0
            ? `No messages match “${searched}”.`
            : results
              ? `${results.length}${cursor ? "+" : ""} result${results.length === 1 ? "" : "s"}`
              : ""}
      </p>
      {results && results.length > 0 && (
        <ul className={styles.results} aria-label="Search results">
          {results.map((r) => {
            const conv = conversations[r.message.conversationId];
            const sender = conv?.members.find((m) => m.user.id === r.message.senderId)?.user;
            return (
              <li key={r.message.id}>
                <button type="button" className={styles.result} data-testid="search-result" onClick={() => go(r)}>
                  <span className={styles.head}>
                    <strong>{conv ? conversationTitle(conv, meId) : "Conversation"}</strong>
                    <time dateTime={r.message.createdAt}>{formatListTime(r.message.createdAt)}</time>
                  </span>
                  <span className={styles.text}>
                    {sender && (
                      <span className={styles.sender}>{sender.id === meId ? "You" : sender.displayName}: </span>
                    )}
                    {highlightText(r.message.text, r.highlights)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {cursor && (
        <button type="button" className="button secondary" disabled={busy} onClick={() => void run(searched, cursor)}>
          Load more
        </button>
      )}
    </Dialog>
  );
}

"use client";
import type { User } from "@chat/protocol";
import { useEffect, useId, useState } from "react";
import { api } from "@/lib/api";
import { useChat } from "@/store/chat-store";
import { Avatar } from "../ui/avatar";
import styles from "./user-search.module.css";

interface Props {
  /** Users not offered (already members). */
  exclude?: readonly string[];
  /** Pick mode: checkboxes with these selected; otherwise each result is a button. */
  selected?: readonly string[];
  onPick: (user: User) => void;
  label?: string;
}

export function UserSearch({ exclude = [], selected, onPick, label = "Search people" }: Props) {
  const meId = useChat((s) => s.me?.id);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<User[]>([]);
  const [error, setError] = useState("");
  const inputId = useId();

  useEffect(() => {
    let cancelled = false;
    const t = setTimeout(() => {
      api.searchUsers(query.trim()).then(
        ({ users }) => {
          if (cancelled) return;
          setResults(users);
          setError("");
        },
        (err: Error) => !cancelled && setError(err.message),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [query]);

  const shown = results.filter((u) => u.id !== meId && !exclude.includes(u.id));
  return (
    <div className={styles.wrap}>
      <div className="field">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          className="input"
          type="search"
          placeholder="Name or username"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the dialog opens to search; focus belongs here
          autoFocus
        />
      </div>
      {error && <p className="form-error">{error}</p>}
      <ul className={styles.results} aria-label="People">
        {shown.length === 0 && <li className={styles.none}>{query ? "Nobody found." : "Type to search."}</li>}
        {shown.map((u) => {
          const body = (
            <>
              <Avatar id={u.id} name={u.displayName} url={u.avatarUrl} size={32} online={u.online} />
              <span className={styles.names}>
                <strong>{u.displayName}</strong>
                <span>@{u.username}</span>
              </span>
            </>
          );
          return (
            <li key={u.id}>
              {selected ? (
                <label className={styles.row}>
                  <input type="checkbox" checked={selected.includes(u.id)} onChange={() => onPick(u)} />
                  {body}
                </label>
              ) : (
                <button type="button" className={styles.row} onClick={() => onPick(u)}>
                  {body}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

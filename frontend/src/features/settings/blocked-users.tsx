"use client";
import type { User } from "@chat/protocol";
import { useEffect, useState } from "react";
import { api } from "@/lib/api";
import { Avatar } from "../ui/avatar";
import styles from "./profile-settings.module.css";

/** The people I blocked, each with an Unblock button. */
export function BlockedUsers() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    api.listBlocks().then(
      (r) => setUsers(r.users),
      (err: Error) => setError(err.message),
    );
  }, []);

  async function unblock(user: User) {
    try {
      await api.unblock(user.id);
      setUsers((list) => list?.filter((u) => u.id !== user.id) ?? null);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <>
      <h2>Blocked users</h2>
      {error && <p role="alert">{error}</p>}
      {users && users.length === 0 && <p className={styles.status}>You have not blocked anyone.</p>}
      {users && users.length > 0 && (
        <ul className={styles.blocked} aria-label="Blocked users">
          {users.map((u) => (
            <li key={u.id}>
              <Avatar id={u.id} name={u.displayName} url={u.avatarUrl} size={32} />
              <span>
                {u.displayName} <span className={styles.handle}>@{u.username}</span>
              </span>
              <button type="button" className="button secondary" onClick={() => void unblock(u)}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

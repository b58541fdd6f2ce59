"use client";
import { DisplayName } from "@chat/protocol";
import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import { api } from "@/lib/api";
import { actions, useChat } from "@/store/chat-store";
import { logout, useSession } from "../auth/use-session";
import { enableNotifications, notificationsEnabled } from "../realtime/notifications";
import { Avatar } from "../ui/avatar";
import { AvatarUpload } from "./avatar-upload";
import { BlockedUsers } from "./blocked-users";
import styles from "./profile-settings.module.css";

export function ProfileSettings() {
  const { me } = useSession();
  const [name, setName] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [notify, setNotify] = useState(false);
  const loaded = useChat((s) => !!s.me);

  useEffect(() => {
    if (me) setName((n) => n || me.displayName);
  }, [me]);
  useEffect(() => setNotify(notificationsEnabled()), []);

  if (!loaded || !me) return <main className={styles.page}>Loading…</main>;

  async function save(e: FormEvent) {
    e.preventDefault();
    setStatus("");
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Invalid name");
    setError("");
    try {
      actions.setMe((await api.updateMe(parsed.data)).user);
      setStatus("Saved.");
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <Link href="/chat" className={styles.back}>
          ← Back to chats
        </Link>
        <h1>Profile</h1>
        <div className={styles.identity}>
          <Avatar id={me.id} name={me.displayName} url={me.avatarUrl} size={72} />
          <div>
            <strong>{me.displayName}</strong>
            <p>@{me.username}</p>
          </div>
        </div>
        <AvatarUpload />
        <form className={styles.form} onSubmit={save} noValidate>
          <div className="field">
            <label htmlFor="display-name">Display name</label>
            <input
              id="display-name"
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "display-name-error" : undefined}
            />
            {error && (
              <span id="display-name-error" className="field-error">
                {error}
              </span>
            )}
          </div>
          <button type="submit" className="button">
            Save
          </button>
          <p role="status" className={styles.status}>
            {status}
          </p>
        </form>
        <h2>Notifications</h2>
        <label className={styles.toggle}>
          <input
            type="checkbox"
            checked={notify}
            onChange={async (e) => setNotify(await enableNotifications(e.target.checked))}
          />
          Desktop notifications for new messages while this tab is in the background (muted conversations only notify
          when you are mentioned)
        </label>
        <BlockedUsers />
        <h2>Session</h2>
        <button type="button" className="button danger" onClick={() => void logout()}>
          Log out
        </button>
      </div>
    </main>
  );
}

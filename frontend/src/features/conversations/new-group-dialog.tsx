"use client";
import { GroupName, type User } from "@chat/protocol";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api";
import { actions } from "@/store/chat-store";
import { Dialog } from "../ui/dialog";
import styles from "./group-form.module.css";
import { UserSearch } from "./user-search";

export function NewGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [picked, setPicked] = useState<User[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  function close() {
    setName("");
    setPicked([]);
    setError("");
    onClose();
  }
  function toggle(user: User) {
    setPicked((p) => (p.some((u) => u.id === user.id) ? p.filter((u) => u.id !== user.id) : [...p, user]));
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = GroupName.safeParse(name);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Invalid name");
    if (picked.length === 0) return setError("Pick at least one member");
    setBusy(true);
    try {
      const { conversation } = await api.createGroup(
        parsed.data,
        picked.map((u) => u.id),
      );
      actions.upsertConversation(conversation);
      close();
      router.push(`/chat/${encodeURIComponent(conversation.id)}`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog title="New group" open={open} onClose={close}>
      <form className={styles.form} onSubmit={submit}>
        <div className="field">
          <label htmlFor="group-name">Group name</label>
          <input id="group-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        {picked.length > 0 && (
          <ul className={styles.chips} aria-label="Selected members">
            {picked.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  className={styles.chip}
                  onClick={() => toggle(u)}
                  aria-label={`Remove ${u.displayName}`}
                >
                  {u.displayName} ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        <UserSearch label="Add members" selected={picked.map((u) => u.id)} onPick={toggle} />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          Create group
        </button>
      </form>
    </Dialog>
  );
}

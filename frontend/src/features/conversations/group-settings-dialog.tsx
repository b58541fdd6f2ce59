"use client";
import { type Conversation, GroupName, type Member, type Role } from "@chat/protocol";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api";
import { actions, useChat } from "@/store/chat-store";
import { Avatar } from "../ui/avatar";
import { Dialog } from "../ui/dialog";
import styles from "./group-form.module.css";
import { UserSearch } from "./user-search";

interface Props {
  conversation: Conversation;
  open: boolean;
  onClose: () => void;
}

const roleNames: Record<Role, string> = { member: "Member", admin: "Admin", owner: "Owner (you become admin)" };

/** Rename, add and remove members and (owner only) change their roles, as the caller's role allows; leave. */
export function GroupSettingsDialog({ conversation: c, open, onClose }: Props) {
  const router = useRouter();
  const meId = useChat((s) => s.me?.id);
  const myRole = c.members.find((m) => m.user.id === meId)?.role;
  const canManage = myRole === "owner" || myRole === "admin";
  /** The owner sets everyone else's role from a list, shown in place of the role's name. */
  const setsRoleOf = (m: Member) => myRole === "owner" && m.user.id !== meId;
  const [name, setName] = useState(c.name ?? "");
  const [error, setError] = useState("");
  const [adding, setAdding] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setError("");
    try {
      await action();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const rename = (e: FormEvent) => {
    e.preventDefault();
    const parsed = GroupName.safeParse(name);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Invalid name");
    void run(async () => actions.upsertConversation((await api.renameGroup(c.id, parsed.data)).conversation));
  };
  const leave = () =>
    void run(async () => {
      if (!meId) return;
      await api.removeMember(c.id, meId);
      actions.removeConversation(c.id);
      onClose();
      router.replace("/chat");
    });

  return (
    <Dialog title="Group settings" open={open} onClose={onClose}>
      {canManage ? (
        <form className={styles.row} onSubmit={rename}>
          <label htmlFor="rename-group" className="visually-hidden">
            Group name
          </label>
          <input id="rename-group" className="input" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button secondary">
            Rename
          </button>
        </form>
      ) : null}
      <h3 className={styles.section}>{c.members.length} members</h3>
      <ul className={styles.members}>
        {c.members.map((m) => (
          <li key={m.user.id} className={styles.member}>
            <Avatar id={m.user.id} name={m.user.displayName} url={m.user.avatarUrl} size={32} />
            <span>
              {m.user.displayName}
              {m.user.id === meId ? " (you)" : ""}{" "}
              {!setsRoleOf(m) && <span className={styles.role}>{m.role !== "member" && m.role}</span>}
            </span>
            {setsRoleOf(m) && (
              <RoleSelect
                member={m}
                onChange={(role) =>
                  void run(async () =>
                    actions.upsertConversation((await api.setRole(c.id, m.user.id, role)).conversation),
                  )
                }
              />
            )}
            {canManage && m.user.id !== meId && m.role !== "owner" && (
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${m.user.displayName}`}
                onClick={() =>
                  void run(async () => {
                    await api.removeMember(c.id, m.user.id);
                    actions.upsertConversation((await api.getConversation(c.id)).conversation);
                  })
                }
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
      {canManage &&
        (adding ? (
          <UserSearch
            label="Add a member"
            exclude={c.members.map((m) => m.user.id)}
            onPick={(u) =>
              void run(async () => {
                actions.upsertConversation((await api.addMembers(c.id, [u.id])).conversation);
                setAdding(false);
              })
            }
          />
        ) : (
          <button type="button" className="button secondary" onClick={() => setAdding(true)}>
            Add members
          </button>
        ))}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="button danger" onClick={leave}>
        Leave group
      </button>
    </Dialog>
  );
}

/** The owner's control for another member's role; choosing "Owner" hands ownership over. */
function RoleSelect({ member, onChange }: { member: Member; onChange: (role: Role) => void }) {
  return (
    <select
      className={styles.roleSelect}
      aria-label={`Role of ${member.user.displayName}`}
      value={member.role}
      onChange={(e) => onChange(e.target.value as Role)}
    >
      {(Object.keys(roleNames) as Role[]).map((role) => (
        <option key={role} value={role}>
          {roleNames[role]}
        </option>
      ))}
    </select>
  );
}

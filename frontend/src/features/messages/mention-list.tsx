"use client";
import { Avatar } from "../ui/avatar";
import styles from "./composer.module.css";
import type { MentionState } from "./use-mentions";

export const mentionListId = "mention-options";
export const mentionOptionId = (i: number) => `mention-option-${i}`;

/** The suggestions under an "@" in the composer (a listbox driven from the textarea). */
export function MentionList({ mentions }: { mentions: MentionState }) {
  if (!mentions.open) return null;
  return (
    <div id={mentionListId} role="listbox" aria-label="Mention someone" className={styles.mentions}>
      {mentions.options.map((u, i) => (
        <div
          key={u.id}
          id={mentionOptionId(i)}
          role="option"
          aria-selected={i === mentions.active}
          tabIndex={-1}
          className={styles.mentionOption}
          // Keep focus in the textarea: pick on mousedown, before it would blur.
          onMouseDown={(e) => {
            e.preventDefault();
            mentions.pick(u);
          }}
        >
          <Avatar id={u.id} name={u.displayName} url={u.avatarUrl} size={24} />
          <span>{u.displayName}</span>
          <span className={styles.mentionHandle}>@{u.username}</span>
        </div>
      ))}
    </div>
  );
}

"use client";
import type { Reaction, User } from "@chat/protocol";
import { toggleReaction } from "./message-actions";
import styles from "./reactions-bar.module.css";

interface Props {
  messageId: string;
  reactions: Reaction[];
  meId: string | undefined;
  members: Map<string, User>;
}

/** Who reacted, in words: "You, Ann and Bob". */
function names(userIds: string[], meId: string | undefined, members: Map<string, User>) {
  const list = userIds.map((id) => (id === meId ? "You" : (members.get(id)?.displayName ?? "Someone")));
  return list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : (list[0] ?? "");
}

/** One chip per emoji: count, who reacted (title and label), and a toggle for mine. */
export function ReactionsBar({ messageId, reactions, meId, members }: Props) {
  if (reactions.length === 0) return null;
  return (
    <div className={styles.bar}>
      {reactions.map((r) => {
        const mine = !!meId && r.userIds.includes(meId);
        const who = names(r.userIds, meId, members);
        return (
          <button
            key={r.emoji}
            type="button"
            className={`${styles.chip} ${mine ? styles.mine : ""}`}
            aria-pressed={mine}
            aria-label={`${r.emoji} ${r.count}, reacted by ${who}`}
            title={who}
            data-testid="reaction"
            data-emoji={r.emoji}
            data-count={r.count}
            onClick={() => void toggleReaction(messageId, r.emoji)}
          >
            <span aria-hidden="true">{r.emoji}</span>
            <span className={styles.count}>{r.count}</span>
          </button>
        );
      })}
    </div>
  );
}

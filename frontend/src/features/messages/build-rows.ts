import { dayKey, formatDay } from "@/lib/format";
import type { ChatMessage } from "@/store/types";

export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "message"; key: string; message: ChatMessage; first: boolean; last: boolean };

const GROUP_GAP_MS = 5 * 60_000;

function sameGroup(a: ChatMessage | undefined, b: ChatMessage | undefined) {
  return (
    !!a &&
    !!b &&
    a.senderId === b.senderId &&
    dayKey(a.createdAt) === dayKey(b.createdAt) &&
    Math.abs(Date.parse(b.createdAt) - Date.parse(a.createdAt)) < GROUP_GAP_MS
  );
}

/** Flattens messages into rows: a separator per day, and grouping by sender within 5 minutes. */
export function buildRows(messages: ChatMessage[]): Row[] {
  const rows: Row[] = [];
  messages.forEach((m, i) => {
    const prev = messages[i - 1];
    const next = messages[i + 1];
    if (!prev || dayKey(prev.createdAt) !== dayKey(m.createdAt))
      rows.push({ kind: "day", key: `day-${dayKey(m.createdAt)}`, label: formatDay(m.createdAt) });
    rows.push({
      kind: "message",
      // clientId stays the same from pending to stored, so the row keeps its place and measurement.
      key: `m-${m.clientId || m.id}`,
      message: m,
      first: !sameGroup(prev, m),
      last: !sameGroup(m, next),
    });
  });
  return rows;
}

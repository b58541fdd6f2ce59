const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const shortDayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

export function formatTime(iso: string) {
  return timeFmt.format(new Date(iso));
}

export function dayKey(iso: string) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function formatDay(iso: string) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (dayKey(iso) === dayKey(today.toISOString())) return "Today";
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return "Yesterday";
  return dayFmt.format(d);
}

/** Sidebar time: the clock today, a date otherwise. */
export function formatListTime(iso: string) {
  return dayKey(iso) === dayKey(new Date().toISOString()) ? formatTime(iso) : shortDayFmt.format(new Date(iso));
}

export function formatSize(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatLastSeen(iso: string | null | undefined) {
  if (!iso) return "offline";
  const d = new Date(iso);
  return `last seen ${dayKey(iso) === dayKey(new Date().toISOString()) ? formatTime(iso) : shortDayFmt.format(d)}`;
}

import type { ReactNode } from "react";

/**
 * The message text with the server's [start, end) ranges wrapped in <mark>: plain slices of the
 * string rendered as text nodes, never HTML.
 */
export function highlightText(text: string, ranges: Array<[number, number]>): ReactNode[] {
  const sorted = [...ranges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of sorted) {
    const a = Math.max(start, at);
    const b = Math.min(end, text.length);
    if (b <= a) continue;
    if (a > at) out.push(text.slice(at, a));
    out.push(<mark key={a}>{text.slice(a, b)}</mark>);
    at = b;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

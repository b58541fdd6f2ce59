/** The last time formatted: under load many sends share a millisecond, and formatting showed up in profiles. */
const last = { ms: -1, iso: "" };

/** Times are stored as ISO-8601 UTC strings: they sort as text on both dialects. */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== last.ms) {
    last.ms = ms;
    last.iso = new Date(ms).toISOString();
  }
  return last.iso;
}

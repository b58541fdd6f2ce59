/** Times are stored as ISO-8601 UTC strings: they sort as text on both dialects. */
export const nowIso = () => new Date().toISOString();

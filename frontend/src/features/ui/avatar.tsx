import styles from "./avatar.module.css";

const palette = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#ec4899", "#8b5cf6", "#14b8a6"];

function colorFor(id: string) {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return palette[Math.abs(h) % palette.length];
}

function initials(name: string) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase();
}

interface Props {
  id: string;
  name: string;
  url?: string | null;
  size?: number;
  /** undefined: no dot (groups, unknown). */
  online?: boolean;
}

export function Avatar({ id, name, url, size = 40, online }: Props) {
  return (
    <span className={styles.wrap} style={{ width: size, height: size }}>
      {url ? (
        // biome-ignore lint/performance/noImgElement: user avatars come from our own API, not static assets
        <img className={styles.img} src={url} alt="" width={size} height={size} />
      ) : (
        <span className={styles.initials} style={{ background: colorFor(id), fontSize: size * 0.4 }} aria-hidden="true">
          {initials(name)}
        </span>
      )}
      {online !== undefined && (
        <span
          className={`${styles.dot} ${online ? styles.online : styles.offline}`}
          role="img"
          aria-label={online ? "online" : "offline"}
          data-testid="presence-dot"
          data-online={online}
        />
      )}
    </span>
  );
}

"use client";
import { formatSize } from "@/lib/format";
import styles from "./upload-tray.module.css";
import type { Upload } from "./use-uploads";

export function UploadTray({ uploads, onRemove }: { uploads: Upload[]; onRemove: (id: string) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul className={styles.tray} aria-label="Attachments to send">
      {uploads.map((u) => (
        <li key={u.id} className={`${styles.item} ${u.status === "error" ? styles.error : ""}`} data-testid="upload">
          <span className={styles.name}>
            {u.file.name} <span className={styles.size}>{formatSize(u.file.size)}</span>
          </span>
          {u.status === "uploading" && (
            <progress className={styles.progress} max={1} value={u.progress} aria-label={`Uploading ${u.file.name}`} />
          )}
          {u.status === "error" && (
            <span role="alert" className={styles.message}>
              {u.error}
            </span>
          )}
          <button
            type="button"
            className="icon-button"
            onClick={() => onRemove(u.id)}
            aria-label={u.status === "uploading" ? `Cancel upload of ${u.file.name}` : `Remove ${u.file.name}`}
          >
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}

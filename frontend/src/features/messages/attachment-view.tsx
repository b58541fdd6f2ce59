"use client";
import type { Attachment } from "@chat/protocol";
import { useState } from "react";
import { formatSize } from "@/lib/format";
import { Dialog } from "../ui/dialog";
import styles from "./attachment-view.module.css";

/** Images inline as thumbnails with a full-size viewer; other files as download cards. */
export function AttachmentView({ attachment: a }: { attachment: Attachment }) {
  const [open, setOpen] = useState(false);
  if (a.mimeType.startsWith("image/")) {
    const w = a.width && a.height ? Math.min(280, a.width) : 240;
    const h = a.width && a.height ? Math.round((w * a.height) / a.width) : undefined;
    return (
      <>
        <button
          type="button"
          className={styles.imageButton}
          onClick={() => setOpen(true)}
          aria-label={`View ${a.name}`}
        >
          {/* biome-ignore lint/performance/noImgElement: user uploads served by our API, sized by the server */}
          <img
            className={styles.thumb}
            src={a.thumbnailUrl ?? a.url}
            alt={a.name}
            width={w}
            height={h}
            loading="lazy"
            data-testid="attachment-thumbnail"
          />
        </button>
        <Dialog title={a.name} open={open} onClose={() => setOpen(false)}>
          {/* biome-ignore lint/performance/noImgElement: full-size user upload */}
          <img className={styles.full} src={a.url} alt={a.name} />
          <a className="button secondary" href={a.url} download={a.name}>
            Download ({formatSize(a.size)})
          </a>
        </Dialog>
      </>
    );
  }
  return (
    <a className={styles.card} href={a.url} download={a.name} data-testid="attachment-file">
      <span className={styles.icon} aria-hidden="true">
        📄
      </span>
      <span className={styles.info}>
        <strong>{a.name}</strong>
        <span>{formatSize(a.size)}</span>
      </span>
    </a>
  );
}

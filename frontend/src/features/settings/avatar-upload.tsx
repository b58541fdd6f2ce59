"use client";
import type { MeResponse } from "@chat/protocol";
import { useRef, useState } from "react";
import { uploadFile } from "@/lib/upload";
import { actions } from "@/store/chat-store";
import styles from "./profile-settings.module.css";

/** PUT /api/users/me/avatar (multipart field `avatar`), with progress and errors in words. */
export function AvatarUpload() {
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");

  function pick(file: File | undefined) {
    if (!file) return;
    setError("");
    setStatus("");
    setProgress(0);
    const handle = uploadFile<MeResponse>("PUT", "/users/me/avatar", "avatar", file, setProgress);
    handle.promise.then(
      ({ user }) => {
        actions.setMe(user);
        actions.updateUser(user);
        setStatus("Avatar updated.");
        setProgress(null);
      },
      (err: Error) => {
        setError(err.message);
        setProgress(null);
      },
    );
  }

  return (
    <div className={styles.avatarRow}>
      <label htmlFor="avatar-file" className="button secondary">
        Change avatar
      </label>
      <input
        ref={input}
        id="avatar-file"
        type="file"
        accept="image/png,image/jpeg,image/webp,image/gif"
        className="visually-hidden"
        onChange={(e) => {
          pick(e.target.files?.[0]);
          e.target.value = "";
        }}
      />
      {progress !== null && <progress max={1} value={progress} aria-label="Uploading avatar" />}
      {error && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
      <span role="status">{status}</span>
    </div>
  );
}

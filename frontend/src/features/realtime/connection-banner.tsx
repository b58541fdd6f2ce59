"use client";
import { useChat } from "@/store/chat-store";
import styles from "./connection-banner.module.css";

export function ConnectionBanner() {
  const status = useChat((s) => s.connection);
  return (
    <div role="status" aria-live="polite" className={styles.holder}>
      {status !== "online" && (
        <div className={styles.banner} data-testid="connection-banner" data-status={status}>
          {status === "offline"
            ? "You are offline. Messages you send will go out when the connection is back."
            : "Connecting…"}
        </div>
      )}
    </div>
  );
}

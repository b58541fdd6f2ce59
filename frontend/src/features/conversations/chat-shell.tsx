"use client";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { useSession } from "../auth/use-session";
import { ConnectionBanner } from "../realtime/connection-banner";
import { LiveRegion } from "../realtime/live-region";
import { startSync } from "../realtime/sync-engine";
import { useTabTitle } from "../realtime/use-tab-title";
import styles from "./chat-shell.module.css";
import { Sidebar } from "./sidebar";

/** The signed-in frame: sidebar + open conversation. Owns the socket for the whole /chat tree. */
export function ChatShell({ children }: { children: ReactNode }) {
  const { me, endSession } = useSession();
  const pathname = usePathname();
  const router = useRouter();
  useTabTitle();

  const meId = me?.id;
  useEffect(() => {
    if (!meId) return;
    return startSync(endSession, (removedId) => {
      if (window.location.pathname === `/chat/${encodeURIComponent(removedId)}`) router.replace("/chat");
    });
  }, [meId, endSession, router]);

  if (!me)
    return (
      <div className={styles.loading} role="status">
        Loading…
      </div>
    );

  const view = pathname === "/chat" ? "list" : "conversation";
  return (
    <div className={styles.shell} data-view={view}>
      <ConnectionBanner />
      <div className={styles.columns}>
        <Sidebar />
        <main className={styles.main}>{children}</main>
      </div>
      <LiveRegion />
    </div>
  );
}

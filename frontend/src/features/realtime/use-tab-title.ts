"use client";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import { useChat } from "@/store/chat-store";

/** "(3) Relay Chat" while anything is unread; re-applied after each navigation. */
export function useTabTitle() {
  const pathname = usePathname();
  const total = useChat((s) => Object.values(s.conversations).reduce((n, c) => n + c.unreadCount, 0));
  // biome-ignore lint/correctness/useExhaustiveDependencies: Next resets the title on navigation, so re-apply per path
  useEffect(() => {
    const apply = () => {
      document.title = total > 0 ? `(${total}) Relay Chat` : "Relay Chat";
    };
    apply();
    // Next writes route metadata after commit; set ours again once it has.
    const t = setTimeout(apply, 50);
    return () => clearTimeout(t);
  }, [total, pathname]);
}

"use client";
import { useChat } from "@/store/chat-store";

/** New messages in the open conversation are read out politely by screen readers. */
export function LiveRegion() {
  const text = useChat((s) => s.announcement);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {text}
    </div>
  );
}

"use client";
import type { User } from "@chat/protocol";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/lib/api";
import { actions } from "@/store/chat-store";
import { Dialog } from "../ui/dialog";
import { UserSearch } from "./user-search";

export function NewChatDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const [error, setError] = useState("");
  async function pick(user: User) {
    try {
      const { conversation } = await api.openDirect(user.id);
      actions.upsertConversation(conversation);
      onClose();
      router.push(`/chat/${encodeURIComponent(conversation.id)}`);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <Dialog title="New chat" open={open} onClose={onClose}>
      <UserSearch onPick={(u) => void pick(u)} />
      {error && <p className="form-error">{error}</p>}
    </Dialog>
  );
}

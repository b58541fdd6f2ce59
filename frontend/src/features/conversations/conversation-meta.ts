import type { Conversation, User } from "@chat/protocol";

export function otherMember(c: Conversation, meId: string | undefined): User | undefined {
  return c.members.find((m) => m.user.id !== meId)?.user ?? c.members[0]?.user;
}

export function conversationTitle(c: Conversation, meId: string | undefined): string {
  if (c.type === "group") return c.name ?? c.members.map((m) => m.user.displayName).join(", ");
  return otherMember(c, meId)?.displayName ?? "Direct chat";
}

/** Most recent activity first. */
export function activityTime(c: Conversation): string {
  return c.lastMessage?.createdAt ?? c.createdAt;
}

export function sortByActivity(list: Conversation[]): Conversation[] {
  return [...list].sort((a, b) => activityTime(b).localeCompare(activityTime(a)));
}

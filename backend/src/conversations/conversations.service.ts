import { randomUUID } from "node:crypto";
import { type Conversation, type CreateGroupBody, limits, type Role } from "@chat/protocol";
import type { BlocksService } from "../blocks/blocks.service.js";
import { nowIso } from "../db/clock.js";
import { AppError, forbidden, notFound } from "../http/app-error.js";
import { groupBy } from "../lib/group-by.js";
import { mentionedUsernames } from "../messages/mentions.js";
import type { MessageDetails } from "../messages/message-details.js";
import type { MessageExtrasStore } from "../messages/message-extras.store.js";
import type { MessagesStore } from "../messages/messages.store.js";
import type { PresenceStore } from "../realtime/presence.js";
import type { Realtime } from "../realtime/realtime.js";
import type { UsersStore } from "../users/users.store.js";
import { presentConversation } from "./conversations.presenter.js";
import type { ConversationRow, ConversationsStore } from "./conversations.store.js";
import { createMembershipCache } from "./membership-cache.js";

interface Deps {
  conversations: ConversationsStore;
  messages: MessagesStore;
  users: UsersStore;
  presence: PresenceStore;
  realtime: Realtime;
  details: MessageDetails;
  extras: Pick<MessageExtrasStore, "unreadMentionCounts" | "mentionCountsByUser">;
  blocks: BlocksService;
}

const canManage = (role: Role | undefined) => role === "owner" || role === "admin";

export function createConversationsService(deps: Deps) {
  const { conversations, messages, users, presence, realtime, details, extras, blocks } = deps;
  const membership = createMembershipCache((id) => conversations.memberRoles(id));
  realtime.onMembershipChange((id) => membership.invalidate(id));

  /** Loads conversations with members, last message and presence, in a fixed number of queries. */
  async function build(rows: ConversationRow[], viewerId: string): Promise<Conversation[]> {
    const ids = rows.map((r) => r.id);
    const [members, lastRows, mentionCounts, hidden] = await Promise.all([
      conversations.listMembers(ids),
      messages.lastMessages(ids),
      extras.unreadMentionCounts(viewerId),
      // Presence of users the viewer blocks stays hidden from the viewer.
      blocks.blockedBy(viewerId),
    ]);
    const [online, lastMessages] = await Promise.all([
      presence.onlineAmong([...new Set(members.map((m) => m.id))].filter((id) => !hidden.has(id))),
      details.present(lastRows),
    ]);
    const membersOf = groupBy(members, (m) => m.conversation_id);
    const lastOf = new Map(lastMessages.map((m) => [m.conversationId, m]));
    return rows.map((row) =>
      presentConversation(
        {
          row,
          members: membersOf.get(row.id) ?? [],
          lastMessage: lastOf.get(row.id),
          online,
          mentionCount: mentionCounts.get(row.id) ?? 0,
        },
        viewerId,
      ),
    );
  }

  async function view(conversationId: string, viewerId: string): Promise<Conversation> {
    const row = await conversations.findById(conversationId);
    if (!row) throw notFound("conversation");
    const [conversation] = await build([row], viewerId);
    return conversation as Conversation;
  }

  /** The member's role; a non-member gets the same NOT_FOUND as a missing conversation. */
  async function requireMember(
    conversationId: string,
    userId: string,
  ): Promise<{ role: Role; members: ReadonlyMap<string, Role> }> {
    const members = await membership.get(conversationId);
    const role = members.get(userId);
    if (!role) throw notFound("conversation");
    return { role, members };
  }

  /**
   * Sends each given member the conversation as they see it. The shared parts are loaded once;
   * only unread counts, mute, mentions and hidden presence differ per member.
   */
  async function announce(conversationId: string, memberIds: Iterable<string>) {
    const row = await conversations.findById(conversationId);
    if (!row) return;
    const [members, lastRows, mentionCounts] = await Promise.all([
      conversations.listMembers([conversationId]),
      messages.lastMessages([conversationId]),
      extras.mentionCountsByUser(conversationId),
    ]);
    const [online, [lastMessage]] = await Promise.all([
      presence.onlineAmong(members.map((m) => m.id)),
      details.present(lastRows),
    ]);
    for (const userId of memberIds) {
      const hidden = await blocks.blockedBy(userId);
      const conversation = presentConversation(
        {
          row,
          members,
          lastMessage,
          online: hidden.size ? new Set([...online].filter((id) => !hidden.has(id))) : online,
          mentionCount: mentionCounts.get(userId) ?? 0,
        },
        userId,
      );
      realtime.emitToUsers([userId], "conversation", { conversation });
    }
  }

  function membershipChanged(conversationId: string) {
    membership.invalidate(conversationId);
    realtime.publishMembershipChange(conversationId);
  }

  async function requireUsers(ids: readonly string[]) {
    const found = await users.findByIds(ids);
    if (found.length !== ids.length) {
      const known = new Set(found.map((u) => u.id));
      throw notFound(`user ${ids.find((id) => !known.has(id))}`);
    }
  }

  async function requireGroupManager(conversationId: string, userId: string) {
    const { role, members } = await requireMember(conversationId, userId);
    const row = await conversations.findById(conversationId);
    if (!row) throw notFound("conversation");
    if (row.type !== "group") throw forbidden("direct conversations have no settings");
    return { role, members, row };
  }

  return {
    requireMember,
    async typeOf(conversationId: string) {
      return (await conversations.findById(conversationId))?.type;
    },

    /** Members named by @username in the text, the author excluded. */
    async mentionIds(conversationId: string, text: string, authorId?: string): Promise<string[]> {
      const names = new Set(mentionedUsernames(text));
      if (names.size === 0) return [];
      const members = await conversations.listMembers([conversationId]);
      return members.filter((m) => names.has(m.username.toLowerCase()) && m.id !== authorId).map((m) => m.id);
    },
    membershipOf: (conversationId: string) => membership.get(conversationId),

    async list(userId: string): Promise<Conversation[]> {
      return build(await conversations.listForUser(userId), userId);
    },

    async get(userId: string, conversationId: string): Promise<Conversation> {
      await requireMember(conversationId, userId);
      return view(conversationId, userId);
    },

    async openDirect(userId: string, otherId: string): Promise<Conversation> {
      if (otherId === userId)
        throw new AppError("VALIDATION_ERROR", "userId: cannot open a direct conversation with yourself");
      await requireUsers([otherId]);
      const key = [userId, otherId].sort().join(":");
      let row = await conversations.findByDirectKey(key);
      if (!row && (await blocks.between(userId, otherId))) throw forbidden("you cannot message this user");
      if (!row) {
        const now = nowIso();
        row = await conversations.createDirect(
          {
            id: randomUUID(),
            type: "direct",
            name: null,
            direct_key: key,
            created_at: now,
            last_seq: 0,
            last_activity_at: now,
            last_change_seq: 0,
          },
          [userId, otherId],
        );
        membershipChanged(row.id);
        await announce(row.id, [otherId]);
      }
      return view(row.id, userId);
    },

    async createGroup(userId: string, body: CreateGroupBody): Promise<Conversation> {
      const others = [...new Set(body.users)].filter((u) => u !== userId);
      if (others.length + 1 > limits.groupMembersMax) {
        throw new AppError("VALIDATION_ERROR", `users: a group has at most ${limits.groupMembersMax} members`);
      }
      await requireUsers(others);
      const now = nowIso();
      const id = randomUUID();
      await conversations.createGroup(
        {
          id,
          type: "group",
          name: body.name,
          direct_key: null,
          created_at: now,
          last_seq: 0,
          last_activity_at: now,
          last_change_seq: 0,
        },
        userId,
        others,
      );
      await announce(id, others);
      return view(id, userId);
    },

    async rename(userId: string, conversationId: string, name: string): Promise<Conversation> {
      const { role, members } = await requireGroupManager(conversationId, userId);
      if (!canManage(role)) throw forbidden("only the owner or an admin can rename the group");
      await conversations.rename(conversationId, name);
      await announce(
        conversationId,
        [...members.keys()].filter((u) => u !== userId),
      );
      return view(conversationId, userId);
    },

    async addMembers(userId: string, conversationId: string, userIds: string[]): Promise<Conversation> {
      const { role, members } = await requireGroupManager(conversationId, userId);
      if (!canManage(role)) throw forbidden("only the owner or an admin can add members");
      const added = [...new Set(userIds)].filter((u) => !members.has(u));
      if (members.size + added.length > limits.groupMembersMax) {
        throw new AppError("VALIDATION_ERROR", `users: a group has at most ${limits.groupMembersMax} members`);
      }
      await requireUsers(added);
      if (added.length > 0) {
        await conversations.addMembers(conversationId, added, nowIso());
        membershipChanged(conversationId);
        await announce(
          conversationId,
          [...members.keys(), ...added].filter((u) => u !== userId),
        );
      }
      return view(conversationId, userId);
    },

    /** Owner removes anyone; admin removes plain members; anyone removes themself (leave). */
    async removeMember(userId: string, conversationId: string, targetId: string): Promise<void> {
      const { role, members } = await requireGroupManager(conversationId, userId);
      const targetRole = members.get(targetId);
      if (!targetRole) throw notFound("member");
      if (targetId !== userId) {
        const allowed = role === "owner" || (role === "admin" && targetRole === "member");
        if (!allowed) throw forbidden("you cannot remove this member");
      }
      await conversations.removeMember(conversationId, targetId);
      membershipChanged(conversationId);
      realtime.emitToUsers([targetId], "conversation_removed", { conversationId });
      await announce(
        conversationId,
        [...members.keys()].filter((u) => u !== targetId),
      );
    },

    /** Owner only: promote, demote, or hand ownership over (the old owner becomes admin). */
    async setRole(userId: string, conversationId: string, targetId: string, newRole: Role): Promise<Conversation> {
      const { role, members } = await requireGroupManager(conversationId, userId);
      if (role !== "owner") throw forbidden("only the owner can change roles");
      if (!members.has(targetId)) throw notFound("member");
      if (targetId === userId) throw new AppError("VALIDATION_ERROR", "role: hand ownership to another member instead");
      const changes: Array<[string, Role]> = [[targetId, newRole]];
      if (newRole === "owner") changes.push([userId, "admin"]);
      await conversations.setRoles(conversationId, changes);
      membershipChanged(conversationId);
      await announce(
        conversationId,
        [...members.keys()].filter((u) => u !== userId),
      );
      return view(conversationId, userId);
    },

    async setMuted(userId: string, conversationId: string, muted: boolean): Promise<Conversation> {
      await requireMember(conversationId, userId);
      await conversations.setMuted(conversationId, userId, muted);
      const conversation = await view(conversationId, userId);
      // The user's other tabs and devices follow.
      realtime.emitToUsers([userId], "conversation", { conversation });
      return conversation;
    },

    async markRead(userId: string, conversationId: string, seq: number): Promise<void> {
      const { members } = await requireMember(conversationId, userId);
      const moved = await conversations.markRead(conversationId, userId, seq);
      if (moved !== undefined) {
        realtime.emitToMembers(members, "read", { conversationId, userId, seq: moved });
      }
    },
  };
}
export type ConversationsService = ReturnType<typeof createConversationsService>;

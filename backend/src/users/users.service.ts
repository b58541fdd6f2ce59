import { limits, type User } from "@chat/protocol";
import type { ConversationsStore } from "../conversations/conversations.store.js";
import { notFound } from "../http/app-error.js";
import type { PresenceStore } from "../realtime/presence.js";
import type { Realtime } from "../realtime/realtime.js";
import { presentUser } from "./users.presenter.js";
import type { PublicUserRow, UsersStore } from "./users.store.js";

interface Deps {
  users: UsersStore;
  conversations: ConversationsStore;
  presence: PresenceStore;
  realtime: Realtime;
}

export function createUsersService({ users, conversations, presence, realtime }: Deps) {
  async function withPresence(rows: PublicUserRow[]): Promise<User[]> {
    const online = await presence.onlineAmong(rows.map((r) => r.id));
    return rows.map((r) => presentUser(r, online.has(r.id)));
  }

  async function get(userId: string): Promise<User> {
    const row = await users.findById(userId);
    if (!row) throw notFound("user");
    const [user] = await withPresence([row]);
    return user as User;
  }

  return {
    get,

    async getMany(ids: readonly string[]): Promise<User[]> {
      return withPresence(await users.findByIds(ids));
    },

    async search(query: string): Promise<User[]> {
      return withPresence(await users.search(query, limits.userSearchMax));
    },

    async updateDisplayName(userId: string, displayName: string): Promise<User> {
      await users.updateDisplayName(userId, displayName);
      const user = await get(userId);
      await this.announce(user);
      return user;
    },

    /** Tells everyone who shares a conversation with the user (and the user's other tabs). */
    async announce(user: User) {
      realtime.emitToUsers(await conversations.contactIds(user.id), "user_updated", { user });
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;

import type { Conversation } from "@chat/protocol";
import { api, registerUser, type TestUser } from "./clients.js";

export async function registerUsers(baseUrl: string, n: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, () => registerUser(baseUrl)));
}

export async function openDirect(baseUrl: string, a: TestUser, b: TestUser): Promise<Conversation> {
  const res = await api(baseUrl, "POST", "/api/chat/conversations", { token: a.token, body: { userId: b.user.id } });
  if (res.status !== 200) throw new Error(`open direct failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversation;
}

export async function createGroup(
  baseUrl: string,
  owner: TestUser,
  members: TestUser[],
  name = "Team",
): Promise<Conversation> {
  const res = await api(baseUrl, "POST", "/api/chat/group", {
    token: owner.token,
    body: { name, users: members.map((m) => m.user.id) },
  });
  if (res.status !== 201) throw new Error(`create group failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversation;
}

// Who talks to whom: a share of the clients in one-to-one chats, the rest in groups.
// The app gets its users and conversations through the public API; the baseline is told
// the same shape with made-up ids.

/**
 * Returns conversations as arrays of client indexes; every client is in at most one.
 * Groups and pairs are interleaved, so the clients of any prefix of the list keep the mix:
 * a sweep over client counts reuses one set of users.
 */
export function planConversations(clients, groupSize, directShare) {
  if (clients < 2) throw new Error("need at least 2 clients");
  const conversations = [];
  let next = 0;
  let inDirect = 0;
  while (clients - next >= 2) {
    const wantDirect = inDirect < directShare * (next + 2) || clients - next < groupSize;
    const size = wantDirect ? 2 : groupSize;
    if (wantDirect) inDirect += 2;
    conversations.push(Array.from({ length: size }, () => next++));
  }
  return conversations;
}

/** The conversations wholly inside the first `clients` clients. */
export function prefixOf(conversations, clients) {
  return conversations.filter((c) => c.members.every((m) => m < clients));
}

async function api(url, path, body, token) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`POST ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Runs fn over items with at most `limit` in flight, keeping order. */
export async function inParallel(items, limit, fn) {
  const out = new Array(items.length);
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k], k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Creates users 0..clients-1 and the planned conversations.
 * Returns { users: [{ id, token }], conversations: [{ id, members: [clientIndex] }] }.
 */
export async function setUpApp(url, plan, clients) {
  const runId = Math.random().toString(36).slice(2, 8);
  const password = "bench-password-1234";
  // Registration hashes with argon2id; the server has both cores during set-up.
  const users = await inParallel(
    Array.from({ length: clients }, (_, i) => i),
    8,
    async (i) => {
      const { token, user } = await api(url, "/api/auth/register", { username: `b${runId}_${i}`, password });
      return { id: user.id, token };
    },
  );
  const conversations = await inParallel(plan, 8, async (members) => {
    const [owner, ...others] = members.map((m) => users[m]);
    const { conversation } =
      members.length === 2
        ? await api(url, "/api/chat/conversations", { userId: others[0].id }, owner.token)
        : await api(url, "/api/chat/group", { name: "bench", users: others.map((u) => u.id) }, owner.token);
    return { id: conversation.id, members };
  });
  return { users, conversations };
}

export async function setUpBaseline(url, plan, clients) {
  const users = Array.from({ length: clients }, (_, i) => ({ id: `u${i}`, token: `u${i}` }));
  const conversations = plan.map((members, j) => ({ id: `c${j}`, members }));
  const topology = Object.fromEntries(conversations.map((c) => [c.id, c.members.map((m) => users[m].id)]));
  await api(url, "/topology", topology);
  return { users, conversations };
}

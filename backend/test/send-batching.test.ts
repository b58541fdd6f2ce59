import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConversationsStore } from "../src/conversations/conversations.store.js";
import type { DbHandle } from "../src/db/database.js";
import { isUniqueViolation } from "../src/db/errors.js";
import { createMessagesStore, NotAMemberError } from "../src/messages/messages.store.js";
import { createSqliteSendBatcher } from "../src/messages/sqlite-send-batcher.js";
import { insertGroup, insertUser } from "./helpers/rows.js";
import { createStorage, dialects, openStorageDb, type TestStorage } from "./helpers/server.js";

// Sends issued in one event-loop turn share a transaction (group commit, on both dialects); a
// failing send in such a batch must undo only itself.
describe.each(dialects)("send batching (%s)", (dialect) => {
  let storage: TestStorage;
  let handle: DbHandle;
  const now = new Date().toISOString();

  beforeAll(async () => {
    storage = await createStorage(dialect);
    handle = await openStorageDb(storage);
  });
  afterAll(async () => {
    await handle.close();
    await storage.drop();
  });

  it("stores the good sends of a batch gap-free and fails only the bad ones", async () => {
    const conversations = createConversationsStore(handle.db);
    const messages = createMessagesStore(handle.db, handle.sqlite);
    const member = await insertUser(handle.db);
    const stranger = await insertUser(handle.db);
    const conv = await insertGroup(handle.db, member);
    const send = (senderId: string, clientId: string) =>
      messages.insert({
        id: randomUUID(),
        conversation_id: conv,
        sender_id: senderId,
        client_id: clientId,
        text: "t",
        created_at: now,
      });

    const outcomes = await Promise.allSettled([
      send(member, "a"),
      send(member, "a"), // same clientId in the same batch
      send(stranger, "b"),
      send(member, "c"),
      messages.insert({
        id: randomUUID(),
        conversation_id: randomUUID(), // no such conversation
        sender_id: member,
        client_id: "d",
        text: "t",
        created_at: now,
        reply_to_id: null,
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled", "rejected"]);
    expect(isUniqueViolation((outcomes[1] as PromiseRejectedResult).reason)).toBe(true);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(NotAMemberError);
    expect((outcomes[4] as PromiseRejectedResult).reason).toBeInstanceOf(NotAMemberError);
    const stored = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.seq] : []));
    expect(stored).toEqual([1, 2]);
    expect((await conversations.findById(conv))?.last_seq).toBe(2);
    const page = await messages.page(conv, { limit: 10 });
    expect(page.rows.map((r) => [r.seq, r.client_id])).toEqual([
      [1, "a"],
      [2, "c"],
    ]);
  });

  it("writes the sends of one event-loop turn in one transaction", async () => {
    const messages = createMessagesStore(handle.db, handle.sqlite);
    const user = await insertUser(handle.db);
    const convs = [await insertGroup(handle.db, user), await insertGroup(handle.db, user)];
    // Texts that array literals and quoting could get wrong travel unchanged.
    const texts = ['say "hi", {a,b}', 'back\\slash \\"', "NULL", "ünï 😀\nnew line", "", "'quoted'"];
    const rows = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        messages.insert({
          id: randomUUID(),
          conversation_id: convs[i % 2] as string,
          sender_id: user,
          client_id: `turn-${i}`,
          text: texts[i % texts.length] as string,
          created_at: now,
          reply_to_id: null,
        }),
      ),
    );
    expect(rows.map((r) => r.seq)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(rows.map((r) => r.change_seq)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // What the returned rows say is what was stored, and the batch moved the counters and the
    // sender's read position as ten single sends would have.
    const page = await messages.page(convs[0] as string, { limit: 10 });
    expect(page.rows.map((r) => [r.seq, r.change_seq, r.client_id, r.text])).toEqual(
      [0, 2, 4, 6, 8].map((i, k) => [k + 1, k + 1, `turn-${i}`, texts[i % texts.length]]),
    );
    const conversations = createConversationsStore(handle.db);
    for (const conv of convs) {
      const row = await conversations.findById(conv);
      expect([row?.last_seq, row?.last_change_seq]).toEqual([5, 5]);
      const member = await handle.db
        .selectFrom("conversation_members")
        .select("last_read_seq")
        .where("conversation_id", "=", conv)
        .where("user_id", "=", user)
        .executeTakeFirstOrThrow();
      expect(member.last_read_seq).toBe(5);
    }
    // PostgreSQL stamps every row with the transaction that wrote it; SQLite's batcher is
    // checked through its timing below.
    if (dialect === "postgres") {
      const { rows: txs } = await sql<{ n: number }>`select count(distinct xmin::text)::int as n from messages
        where conversation_id in (${sql.join(convs)})`.execute(handle.db);
      expect(txs[0]?.n).toBe(1);
    }
  });

  // SQLite only: PostgreSQL writes the next batch as soon as the last one commits, with no interval.
  // Not registered there at all, rather than skipped.
  if (dialect !== "sqlite") return;
  it("commits at once when idle and gathers sends that follow a commit closely", async () => {
    const user = await insertUser(handle.db);
    const conv = await insertGroup(handle.db, user);
    // Long enough that a busy machine's pauses stay well inside the margins below.
    const interval = 250;
    const batcher = createSqliteSendBatcher(handle.sqlite!, () => new NotAMemberError(), { minIntervalMs: interval });
    const send = async (clientId: string) => {
      const sent = performance.now();
      const row = await batcher.insert({
        id: randomUUID(),
        conversation_id: conv,
        sender_id: user,
        client_id: clientId,
        text: "t",
        created_at: now,
        reply_to_id: null,
      });
      return { seq: row.seq, sent, stored: performance.now() };
    };

    const first = await send("first");
    expect(first.stored - first.sent).toBeLessThan(interval / 2);
    // Two sends in separate event-loop turns right after a commit share the next one.
    const second = send("second");
    await new Promise((r) => setImmediate(r));
    const third = send("third");
    const [b, c] = await Promise.all([second, third]);
    expect([first.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(b.stored - first.stored).toBeGreaterThanOrEqual(interval - 2);
    expect(Math.abs(c.stored - b.stored)).toBeLessThan(interval / 4);
  });
});

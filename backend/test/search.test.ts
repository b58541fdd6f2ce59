import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connectSocket, sendMessage } from "./helpers/clients.js";
import { createGroup, openDirect, registerUsers } from "./helpers/factories.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("search (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  const search = (token: string, query: string) =>
    api(server.url, "GET", `/api/chat/search?${query}`, { token }).then((r) => r.body);

  it("finds words, partial words and CJK substrings in the caller's conversations, highlighted", async () => {
    const [a, b, c] = await registerUsers(server.url, 3);
    const ab = await openDirect(server.url, a!, b!);
    const ac = await openDirect(server.url, a!, c!);
    const sa = await connectSocket(server.url, a!.token);
    await sendMessage(sa, ab.id, "Meet at the Zephyrhill station tomorrow");
    await sendMessage(sa, ab.id, "東京タワーに行きました");
    await sendMessage(sa, ab.id, "Déjà vu at the café");
    await sendMessage(sa, ac.id, "zephyrhill is only for c");
    const deleted = await sendMessage(sa, ab.id, "zephyrhill deleted later");
    await api(server.url, "DELETE", `/api/chat/messages/${deleted.id}`, { token: a!.token });

    const word = await search(b!.token, "q=zephyrhill");
    expect(word.results.map((r: any) => r.message.text)).toEqual(["Meet at the Zephyrhill station tomorrow"]);
    expect(word.results[0].highlights).toEqual([[12, 22]]);

    const partial = await search(b!.token, "q=phyrh");
    expect(partial.results).toHaveLength(1);

    const cjk = await search(b!.token, `q=${encodeURIComponent("タワー")}`);
    expect(cjk.results.map((r: any) => r.message.text)).toEqual(["東京タワーに行きました"]);
    expect(cjk.results[0].highlights).toEqual([[2, 5]]);
    const cjkShort = await search(b!.token, `q=${encodeURIComponent("東京")}`);
    expect(cjkShort.results).toHaveLength(1);

    const accents = await search(b!.token, `q=${encodeURIComponent("café")}`);
    expect(accents.results.map((r: any) => r.message.text)).toEqual(["Déjà vu at the café"]);

    const twoTerms = await search(b!.token, "q=meet+tomorrow");
    expect(twoTerms.results).toHaveLength(1);
    expect((await search(b!.token, "q=meet+nowhere")).results).toEqual([]);

    // a sees both conversations; filtered to one; c never sees a-b.
    expect((await search(a!.token, "q=zephyrhill")).results).toHaveLength(2);
    expect((await search(a!.token, `q=zephyrhill&conversationId=${ac.id}`)).results).toHaveLength(1);
    expect((await search(c!.token, "q=station")).results).toEqual([]);
    const foreign = await api(server.url, "GET", `/api/chat/search?q=station&conversationId=${ab.id}`, {
      token: c!.token,
    });
    expect(foreign.status).toBe(404);
    sa.close();
  });

  it("treats LIKE and FTS syntax literally and validates the query", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await openDirect(server.url, a!, b!);
    const sa = await connectSocket(server.url, a!.token);
    await sendMessage(sa, conv.id, 'use 100% of "quotes" and a_b');
    await sendMessage(sa, conv.id, "nothing special here");
    for (const q of ["100%", '"quotes"', "a_b", "special AND nothing"]) {
      const body = await search(a!.token, `q=${encodeURIComponent(q)}`);
      expect(body.results.length, q).toBeLessThanOrEqual(1);
    }
    expect((await search(a!.token, `q=${encodeURIComponent("100%")}`)).results).toHaveLength(1);
    expect((await search(a!.token, "q=%25")).results).toHaveLength(1);
    for (const q of ["q=", "", `q=${"x".repeat(101)}`, "q=ok&limit=0", "q=ok&cursor=@@@"]) {
      const res = await api(server.url, "GET", `/api/chat/search?${q}`, { token: a!.token });
      expect(res.status, q).toBe(400);
    }
    sa.close();
  });

  it("pages newest first with a cursor, and forgets a conversation the user left", async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const group = await createGroup(server.url, a!, [b!]);
    const sa = await connectSocket(server.url, a!.token);
    for (let i = 0; i < 5; i++) await sendMessage(sa, group.id, `pagination marker ${i}`);
    const first = await search(b!.token, "q=marker&limit=2");
    expect(first.results.map((r: any) => r.message.text)).toEqual(["pagination marker 4", "pagination marker 3"]);
    const second = await search(b!.token, `q=marker&limit=2&cursor=${first.nextCursor}`);
    expect(second.results.map((r: any) => r.message.text)).toEqual(["pagination marker 2", "pagination marker 1"]);
    const third = await search(b!.token, `q=marker&limit=2&cursor=${second.nextCursor}`);
    expect([third.results.length, third.nextCursor]).toEqual([1, null]);

    await api(server.url, "DELETE", `/api/chat/conversations/${group.id}/members/${b!.user.id}`, { token: b!.token });
    expect((await search(b!.token, "q=marker")).results).toEqual([]);
    sa.close();
  });
});

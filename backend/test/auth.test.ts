import { SignJWT } from "jose";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connectSocket, nextEvent, registerUser, uniqueName } from "./helpers/clients.js";
import { dialects, startServer, type TestServer } from "./helpers/server.js";

describe.each(dialects)("auth (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(() => server.close());

  it("registers, logs in and answers me with the public user only", async () => {
    const username = uniqueName("Alice");
    const reg = await api(server.url, "POST", "/api/auth/register", {
      body: { username, password: "password123", displayName: "Alice A" },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ username, displayName: "Alice A", avatarUrl: null });
    expect(JSON.stringify(reg.body)).not.toMatch(/password|hash/i);

    const login = await api(server.url, "POST", "/api/auth/login", {
      body: { username: username.toUpperCase(), password: "password123" },
    });
    expect(login.status).toBe(200);
    const me = await api(server.url, "GET", "/api/auth/me", { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(reg.body.user.id);
  });

  it("sets an httpOnly SameSite session cookie that authenticates by itself", async () => {
    const res = await api(server.url, "POST", "/api/auth/register", {
      body: { username: uniqueName("cookie"), password: "password123" },
    });
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/chat_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(";")[0] as string;
    const me = await api(server.url, "GET", "/api/auth/me", { headers: { cookie } });
    expect(me.status).toBe(200);
    // A cookie-carrying write from a foreign origin is refused (CSRF).
    const foreign = await api(server.url, "PATCH", "/api/users/me", {
      headers: { cookie, origin: "https://evil.example" },
      body: { displayName: "pwned" },
    });
    expect(foreign.status).toBe(403);
    const after = await api(server.url, "GET", "/api/auth/me", { headers: { cookie } });
    expect(after.body.user.displayName).not.toBe("pwned");
  });

  it("treats usernames case-insensitively as unique", async () => {
    const name = uniqueName("Bob");
    await registerUser(server.url, name);
    const dup = await api(server.url, "POST", "/api/auth/register", {
      body: { username: name.toLowerCase(), password: "password123" },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("CONFLICT");
  });

  it.each([
    [{ username: "ab", password: "password123" }, "username"],
    [{ username: "x".repeat(33), password: "password123" }, "username"],
    [{ username: "has space", password: "password123" }, "username"],
    [{ username: "validname", password: "short" }, "password"],
    [{ username: "validname", password: "p".repeat(257) }, "password"],
    [{ username: 42, password: "password123" }, "username"],
    [{ username: "validname" }, "password"],
    [{ username: "validname", password: "password123", admin: true }, ""],
  ])("rejects bad registration %j", async (body, field) => {
    const res = await api(server.url, "POST", "/api/auth/register", { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.message).toContain(field);
  });

  it("refuses wrong passwords and unknown users alike", async () => {
    const u = await registerUser(server.url);
    const wrong = await api(server.url, "POST", "/api/auth/login", {
      body: { username: u.user.username, password: "wrong-password" },
    });
    const unknown = await api(server.url, "POST", "/api/auth/login", {
      body: { username: uniqueName("ghost"), password: "whatever123" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("logout revokes the token at once, for REST and for open sockets", async () => {
    const u = await registerUser(server.url);
    const socket = await connectSocket(server.url, u.token);
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    const out = await api(server.url, "POST", "/api/auth/logout", { token: u.token });
    expect(out.status).toBe(204);
    await disconnected;
    expect((await api(server.url, "GET", "/api/auth/me", { token: u.token })).status).toBe(401);
    await expect(connectSocket(server.url, u.token)).rejects.toThrow("UNAUTHORIZED");
  });

  it("logout-all ends every session of the user only", async () => {
    const u = await registerUser(server.url);
    const other = await registerUser(server.url);
    const second = await api(server.url, "POST", "/api/auth/login", {
      body: { username: u.user.username, password: u.password },
    });
    expect((await api(server.url, "POST", "/api/auth/logout-all", { token: u.token })).status).toBe(204);
    expect((await api(server.url, "GET", "/api/auth/me", { token: second.body.token })).status).toBe(401);
    expect((await api(server.url, "GET", "/api/auth/me", { token: other.token })).status).toBe(200);
  });

  it("rejects forged, tampered, unsigned and expired-session tokens", async () => {
    const u = await registerUser(server.url);
    const [header, payload] = u.token.split(".") as [string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${payload}.`;
    const forged = await new SignJWT({ sid: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(u.user.id)
      .sign(new TextEncoder().encode("some-other-secret-some-other-secret!!"));
    for (const token of [none, forged, `${header}.${payload}.AAAA`, "garbage", ""]) {
      const res = await api(server.url, "GET", "/api/auth/me", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("UNAUTHORIZED");
    }
  });

  it("authenticates sockets by cookie or token, and keeps no upgrade request once they are in", async () => {
    const res = await api(server.url, "POST", "/api/auth/register", {
      body: { username: uniqueName("sockcookie"), password: "password123" },
    });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const byCookie = io(server.url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie },
    });
    await new Promise<void>((resolve, reject) => {
      byCookie.once("connect", resolve);
      byCookie.once("connect_error", reject);
    });
    const other = await registerUser(server.url);
    const byToken = await connectSocket(server.url, other.token);
    const sockets = await server.app.io.fetchSockets();
    const ours = sockets.filter((s) => [res.body.user.id, other.user.id].includes(s.data.userId));
    expect(ours).toHaveLength(2);
    // Socket.IO would keep each upgrade request (and its raw headers) for the connection's life.
    for (const s of ours) expect((s as unknown as { conn: { request: unknown } }).conn.request).toBeNull();
    byCookie.close();
    byToken.close();
  });

  it("refuses a socket handshake without valid auth", async () => {
    await expect(connectSocket(server.url, "not-a-token")).rejects.toThrow("UNAUTHORIZED");
  });

  it("notices other users' profile changes live", async () => {
    const a = await registerUser(server.url);
    const b = await registerUser(server.url);
    await api(server.url, "POST", "/api/chat/conversations", { token: a.token, body: { userId: b.user.id } });
    const sb = await connectSocket(server.url, b.token);
    const update = nextEvent(sb, "user_updated", (p) => p.user.id === a.user.id);
    const res = await api(server.url, "PATCH", "/api/users/me", { token: a.token, body: { displayName: "New Name" } });
    expect(res.body.user.displayName).toBe("New Name");
    expect((await update).user.displayName).toBe("New Name");
    sb.close();
  });
});

describe("auth rate limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer("sqlite", { env: { AUTH_RATE_LIMIT_PER_USERNAME: "3", AUTH_RATE_LIMIT_PER_IP: "8" } });
  });
  afterAll(() => server.close());

  it("limits login attempts per username, then per IP, with 429 RATE_LIMITED", async () => {
    const u = await registerUser(server.url); // 1 IP point
    const attempt = (username: string, password = "wrong-password") =>
      api(server.url, "POST", "/api/auth/login", { body: { username, password } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(u.user.username)).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    // Even the right password is refused while limited.
    const right = await attempt(u.user.username, u.password);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe("RATE_LIMITED");
    // Other usernames still work until the IP budget is spent.
    const results: number[] = [];
    for (let i = 0; i < 4; i++) results.push((await attempt(uniqueName("other"))).status);
    expect(results).toContain(429);
    expect(results[0]).toBe(401);
  });
});

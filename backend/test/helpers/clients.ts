import { randomUUID } from "node:crypto";
import type { ClientToServerEvents, Message, ServerToClientEvents, User } from "@chat/protocol";
import { io, type Socket } from "socket.io-client";

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny fetch wrapper: JSON in, JSON out, never throws on an error status. */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  } else if (opts.rawBody !== undefined) {
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface TestUser {
  token: string;
  user: User;
  password: string;
}

let counter = 0;
export const uniqueName = (prefix = "user") => `${prefix}${process.pid}x${++counter}`.slice(0, 32);

export async function registerUser(baseUrl: string, username = uniqueName()): Promise<TestUser> {
  const password = "correct horse battery";
  const res = await api(baseUrl, "POST", "/api/auth/register", { body: { username, password } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, password };
}

export async function connectSocket(baseUrl: string, token: string): Promise<ChatSocket> {
  const socket: ChatSocket = io(baseUrl, {
    auth: { token },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
  return socket;
}

/** Resolves with the next matching event, or rejects after the timeout. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ChatSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every payload of an event until read. */
export function record<E extends keyof ServerToClientEvents>(socket: ChatSocket, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((p: Parameters<ServerToClientEvents[E]>[0]) => seen.push(p)) as never);
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Emits with an ack and a timeout; the server must always answer. */
export function command(socket: ChatSocket, event: string, payload: unknown): Promise<any> {
  return (socket as any).timeout(5000).emitWithAck(event, payload);
}

export async function sendMessage(socket: ChatSocket, conversationId: string, text: string, clientId = randomUUID()) {
  const ack = await command(socket, "send_message", { conversationId, clientId, text });
  if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
  return ack.message as Message;
}

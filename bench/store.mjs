#!/usr/bin/env node
// npm run bench:store: what storing one message costs on SQLite, with no sockets in the way.
// The app's own send path (the built batcher, the real schema and pragmas) against a bare
// append of the same rows into an unindexed table, in the same batches, in one run.
// See docs/performance.md ("What limits the server").
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { timeOrderedId } from "@chat/protocol";
import SQLite from "better-sqlite3";
import { migrateToLatest, openDatabase } from "../backend/dist/db/database.js";
import { createSqliteSendBatcher } from "../backend/dist/messages/sqlite-send-batcher.js";
import { writeResultFiles } from "./lib/report.mjs";
import { canPin, pin, serverCore } from "./lib/servers.mjs";
import { planConversations } from "./lib/topology.mjs";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "200,2000" },
    batch: { type: "string", default: "25" },
    messages: { type: "string", default: "20000" },
    smoke: { type: "boolean", default: false },
  },
});
// --smoke: a few sends on a small topology to keep the script working; no result files.
if (values.smoke) Object.assign(values, { clients: "20", messages: "500" });
const clientCounts = values.clients.split(",").map(Number);
const batch = Number(values.batch);
const messages = Number(values.messages);
if (![...clientCounts, batch, messages].every((n) => Number.isInteger(n) && n >= 2 && n <= 100_000)) {
  throw new Error("--clients, --batch and --messages take integers from 2 to 100,000");
}
if (canPin()) pin(process.pid, serverCore);

const text = `${(1234.567).toFixed(3)} ${"x".repeat(91)}`;
const now = () => new Date().toISOString();

/** Kernel read and write calls and bytes written so far, from /proc (zero where there is none). */
function io() {
  try {
    const text = readFileSync("/proc/self/io", "utf8");
    const get = (k) => Number(text.match(new RegExp(`${k}: (\\d+)`))?.[1] ?? 0);
    return { reads: get("syscr"), writes: get("syscw"), bytes: get("wchar") };
  } catch {
    return { reads: 0, writes: 0, bytes: 0 };
  }
}

/** CPU and writes per message over `count` messages sent `batch` at a time by `sendBatch`. */
async function measure(count, sendBatch) {
  await sendBatch(Math.min(2000, count));
  const cpu0 = process.cpuUsage();
  const io0 = io();
  for (let done = 0; done < count; done += batch) await sendBatch(batch);
  const cpu = process.cpuUsage(cpu0);
  const io1 = io();
  return {
    cpuUs: (cpu.user + cpu.system) / count,
    kernelUs: cpu.system / count,
    readCalls: (io1.reads - io0.reads) / count,
    writeCalls: (io1.writes - io0.writes) / count,
    writtenKB: (io1.bytes - io0.bytes) / 1024 / count,
  };
}

function row(conversationId, senderId) {
  return {
    id: timeOrderedId(),
    conversation_id: conversationId,
    sender_id: senderId,
    client_id: timeOrderedId(),
    text,
    created_at: now(),
    reply_to_id: null,
  };
}

/** The app's path: users, conversations and members as the API makes them, then sends. */
async function appStore(dir, clients) {
  const handle = openDatabase({ kind: "sqlite", file: path.join(dir, "chat.db") });
  try {
    await migrateToLatest(handle.db);
    const db = handle.sqlite;
    const conversations = [];
    db.transaction(() => {
      const user = db.prepare(
        "INSERT INTO users (id, username, username_key, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, 'x', ?)",
      );
      const conversation = db.prepare(
        "INSERT INTO conversations (id, type, name, direct_key, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?)",
      );
      const member = db.prepare(
        "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
      );
      const userIds = Array.from({ length: clients }, (_, i) => {
        const id = timeOrderedId();
        user.run(id, `user${i}`, `user${i}`, `User ${i}`, now());
        return id;
      });
      for (const plan of planConversations(clients, 10, 0.2)) {
        const members = plan.map((i) => userIds[i]);
        const direct = members.length === 2;
        const id = timeOrderedId();
        conversation.run(
          id,
          direct ? "direct" : "group",
          direct ? null : "group",
          direct ? members.join(":") : null,
          now(),
          now(),
        );
        for (const m of members) member.run(id, m, now());
        conversations.push({ id, members });
      }
    })();
    const batcher = createSqliteSendBatcher(db, () => new Error("not a member"), { minIntervalMs: 0 });
    const pick = (list) => list[Math.floor(Math.random() * list.length)];
    const sendBatch = (n) =>
      Promise.all(
        Array.from({ length: n }, () => {
          const c = pick(conversations);
          return batcher.insert(row(c.id, pick(c.members)));
        }),
      );
    return { conversations: conversations.length, ...(await measure(messages, sendBatch)) };
  } finally {
    await handle.close();
  }
}

/** The floor: the same rows appended to a table with no index, same pragmas, same batches. */
async function bareAppend(dir) {
  const db = new SQLite(path.join(dir, "bare.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(
      "CREATE TABLE bare (id TEXT, conversation_id TEXT, sender_id TEXT, client_id TEXT, text TEXT, created_at TEXT)",
    );
    const insert = db.prepare("INSERT INTO bare VALUES (?, ?, ?, ?, ?, ?)");
    const write = db.transaction((rows) => {
      for (const r of rows) insert.run(r.id, r.conversation_id, r.sender_id, r.client_id, r.text, r.created_at);
    });
    const sendBatch = async (n) => write(Array.from({ length: n }, () => row("c", "u")));
    return await measure(messages, sendBatch);
  } finally {
    db.close();
  }
}

const began = Date.now();
const dir = mkdtempSync(path.join(tmpdir(), "chat-store-bench-"));
const results = [];
try {
  const bare = await bareAppend(dir);
  for (const clients of clientCounts) {
    const runDir = mkdtempSync(path.join(dir, "run-"));
    results.push({ clients, ...(await appStore(runDir, clients)), bare });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (v, d = 1) => v.toFixed(d);
const header = [
  "clients",
  "conversations",
  "CPU µs/msg",
  "kernel µs/msg",
  "read calls/msg",
  "write calls/msg",
  "KB written/msg",
  "bare CPU µs/msg",
  "app / bare",
];
const lines = results.map((r) => [
  String(r.clients),
  String(r.conversations),
  f(r.cpuUs),
  f(r.kernelUs),
  f(r.readCalls),
  f(r.writeCalls),
  f(r.writtenKB),
  f(r.bare.cpuUs),
  `${f(r.cpuUs / r.bare.cpuUs, 2)}x`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
for (const l of [header, ...lines]) process.stdout.write(`${l.map((c, i) => c.padStart(widths[i])).join("  ")}\n`);
process.stdout.write(
  `bare append: ${f(results[0].bare.kernelUs)} kernel µs, ${f(results[0].bare.writeCalls)} write calls, ` +
    `${f(results[0].bare.writtenKB)} KB written per message\n`,
);

if (!results.every((r) => r.cpuUs > 0 && r.bare.cpuUs > 0)) {
  process.stderr.write("FAIL: a measurement came out empty\n");
  process.exit(1);
}
if (values.smoke) process.exit(0);
const durationS = Math.round((Date.now() - began) / 1000);
const result = { startedAt: new Date(began).toISOString(), durationS, batch, messages, results };
const files = writeResultFiles(
  "store",
  result,
  [
    "# Benchmark: store",
    "",
    `${result.startedAt}, ${durationS} s, Node ${process.version}. Command: \`npm run bench:store\`. ` +
      `${messages.toLocaleString("en-US")} sends in transactions of ${batch} (the batch the app commits at ~5,000 msg/s), ` +
      "each to a random conversation from a random member; the bare baseline appends the same rows to one unindexed table.",
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---:").join(" | ")} |`,
    ...lines.map((l) => `| ${l.join(" | ")} |`),
    "",
  ].join("\n"),
);
process.stderr.write(`wrote ${files.json} and ${files.md} (${durationS} s)\n`);

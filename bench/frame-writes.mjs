#!/usr/bin/env node
// node bench/frame-writes.mjs: what one broadcast delivery costs on a corked TCP socket when
// the websocket frame is written as its two parts (header, payload) or joined once per
// broadcast, as realtime/coalesced-writes.ts does (docs/performance.md, item 23). Loopback
// sockets in one process, so each figure is the sender's and the receiver's CPU together.
import net from "node:net";
import { parseArgs } from "node:util";
import { canPin, pin, serverCore } from "./lib/servers.mjs";

const { values } = parseArgs({
  options: { sockets: { type: "string", default: "500" }, rounds: { type: "string", default: "400" } },
});
const sockets = Number(values.sockets);
const rounds = Number(values.rounds);
if (![sockets, rounds].every((n) => Number.isInteger(n) && n >= 1 && n <= 10_000)) {
  throw new Error("--sockets and --rounds take integers from 1 to 10,000");
}
if (canPin()) pin(process.pid, serverCore);

const server = net.createServer();
const ends = [];
server.on("connection", (s) => ends.push(s));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const readers = Array.from({ length: sockets }, () => net.connect(server.address().port, "127.0.0.1").resume());
while (ends.length < sockets) await new Promise((r) => setTimeout(r, 10));

// A text frame of a 400-byte payload: 4 header bytes (126 = 16-bit length follows).
const header = Buffer.from([0x81, 126, 0x01, 0x90]);
const payload = Buffer.alloc(400, "x");

/** One broadcast to every socket, corked until the end of the turn as the server does. */
async function broadcast(joined) {
  const frame = [header, Buffer.from(payload)];
  const one = joined ? Buffer.concat(frame) : undefined;
  for (const s of ends) {
    s.cork();
    if (one) s.write(one);
    else for (const part of frame) s.write(part);
  }
  await new Promise((r) => process.nextTick(r));
  for (const s of ends) s.uncork();
  await new Promise((r) => setImmediate(r));
}

async function usPerWrite(joined) {
  for (let i = 0; i < 50; i++) await broadcast(joined);
  const c0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) await broadcast(joined);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / (rounds * sockets);
}

// Taking turns, three times each: the machine's noise moves both alike.
const split = [];
const joined = [];
for (let i = 0; i < 3; i++) {
  split.push(await usPerWrite(false));
  joined.push(await usPerWrite(true));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[1];
const fmt = (v) => v.toFixed(2).padStart(6);
console.log(`${sockets} sockets, ${rounds} broadcasts, CPU µs per delivery (sender and receiver), median of 3`);
console.log(`header and payload as two writes ${fmt(median(split))}`);
console.log(
  `joined once per broadcast        ${fmt(median(joined))}   ${(median(joined) / median(split)).toFixed(2)}x`,
);
for (const s of [...ends, ...readers]) s.destroy();
server.close();

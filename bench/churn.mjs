#!/usr/bin/env node
// npm run bench:churn: a reconnect storm, for the app and the bare relay in one run. N
// authenticated clients connect, 50 at a time, then all drop at once, as when a network blip
// cuts every client off. Per phase: the server's CPU per connection and its longest
// /healthz answer meanwhile, which is what any other request waits at worst. The sides take
// turns, round by round, so the machine's noise hits both. See docs/performance.md.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { closeAll, connectAll } from "./lib/clients.mjs";
import { markdownTable, printTable, writeResultFiles } from "./lib/report.mjs";
import { canPin, loadCore, pin, serverCore, startServer } from "./lib/servers.mjs";
import { planConversations, setUpApp, setUpBaseline } from "./lib/topology.mjs";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "2000" },
    rounds: { type: "string", default: "3" },
    smoke: { type: "boolean", default: false },
    // Another build of the server instead of backend/dist/main.js, for A/B runs.
    "app-entry": { type: "string" },
  },
});
// --smoke: a few clients, one round, to keep the script working; no result files.
if (values.smoke) Object.assign(values, { clients: "40", rounds: "1" });
const clients = Number(values.clients);
const rounds = Number(values.rounds);
if (!(Number.isInteger(clients) && clients >= 2 && clients <= 20_000)) throw new Error("--clients: 2 to 20,000");
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) throw new Error("--rounds: 1 to 20");

const log = (msg) => process.stderr.write(`${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `storm`, then waits for the server to go quiet; its CPU, wall time and longest
 * /healthz answer. The pinger that times those answers costs the server CPU of its own, more
 * than a tenth of a core on a slow machine, so a second before the storm measures what one
 * answer costs, and that cost, times the answers given meanwhile, is left out of the storm's
 * CPU and of what counts as quiet.
 */
async function phase(server, storm) {
  let done = false;
  let worst = 0;
  let answers = 0;
  const pinger = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(`${server.url}/healthz`);
      await res.arrayBuffer();
      worst = Math.max(worst, performance.now() - t);
      answers++;
      await sleep(5);
    }
  })();
  await sleep(200);
  const calibration = { cpu: server.stats().cpu, answers };
  await sleep(1000);
  const cpuPerAnswer = (server.stats().cpu - calibration.cpu) / Math.max(1, answers - calibration.answers);
  worst = 0;
  // The server's CPU seconds so far, less the pinger's share.
  const stormCpu = () => server.stats().cpu - answers * cpuPerAnswer;
  const cpu0 = stormCpu();
  const t0 = performance.now();
  await storm();
  // Quiet: under 10% of a core over 300 ms. The work a storm leaves queued is its cost too.
  for (;;) {
    const c = stormCpu();
    await sleep(300);
    if (stormCpu() - c < 0.03) break;
  }
  const wallMs = performance.now() - t0 - 300;
  const cpu = stormCpu() - cpu0;
  done = true;
  await pinger;
  return {
    cpuMsPerConnection: (Math.max(0, cpu) * 1000) / clients,
    wallMs,
    worstHealthzMs: worst,
    healthzCpuMs: cpuPerAnswer * 1000,
  };
}

const pinned = canPin();
const sides = {};
const servers = [];
const began = Date.now();
try {
  const plan = planConversations(clients, 10, 0.2);
  for (const kind of ["app", "baseline"]) {
    const server = await startServer(kind, { db: "sqlite", pin: pinned, appEntry: values["app-entry"] });
    servers.push(server);
    const world = await (kind === "app" ? setUpApp : setUpBaseline)(server.url, plan, clients);
    sides[kind] = { server, tokens: world.users.map((u) => u.token), rounds: [] };
  }
  if (pinned) {
    for (const s of servers) pin(s.pid, serverCore);
    pin(process.pid, loadCore);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [kind, side] of Object.entries(sides)) {
      await sleep(500);
      let sockets = [];
      const connect = await phase(side.server, async () => {
        sockets = await connectAll(side.server.url, side.tokens);
      });
      const disconnect = await phase(side.server, async () => closeAll(sockets));
      side.rounds.push({ connect, disconnect });
      log(
        `round ${round} ${kind.padEnd(8)} connect: ${connect.cpuMsPerConnection.toFixed(2)} ms CPU each, longest /healthz ${Math.round(connect.worstHealthzMs)} ms; ` +
          `drop: ${disconnect.cpuMsPerConnection.toFixed(2)} ms CPU each, longest /healthz ${Math.round(disconnect.worstHealthzMs)} ms`,
      );
    }
  }
} finally {
  for (const s of servers) await s.stop().catch(() => {});
}

const figures = [
  ["connect: server CPU ms per connection", (r) => r.connect.cpuMsPerConnection, 2],
  ["connect: longest /healthz answer, ms", (r) => r.connect.worstHealthzMs, 0],
  ["connect: seconds until quiet", (r) => r.connect.wallMs / 1000, 1],
  ["drop all: server CPU ms per connection", (r) => r.disconnect.cpuMsPerConnection, 2],
  ["drop all: longest /healthz answer, ms", (r) => r.disconnect.worstHealthzMs, 0],
  ["drop all: seconds until quiet", (r) => r.disconnect.wallMs / 1000, 1],
  ["one /healthz answer: server CPU ms (left out above)", (r) => r.connect.healthzCpuMs, 2],
];
const rows = figures.map(([label, pick, digits]) => {
  const app = median(sides.app.rounds.map(pick));
  const base = median(sides.baseline.rounds.map(pick));
  return [label, app.toFixed(digits), base.toFixed(digits), base > 0 ? `${(app / base).toFixed(2)}x` : "-"];
});
printTable(rows, `median of ${rounds} rounds, ${clients} clients`);

if (!values.smoke) {
  const result = {
    startedAt: new Date(began).toISOString(),
    durationS: Math.round((Date.now() - began) / 1000),
    clients,
    pinned,
    sides: Object.fromEntries(Object.entries(sides).map(([k, s]) => [k, { rounds: s.rounds }])),
  };
  const md = [
    "# Benchmark: reconnect storm",
    "",
    `${result.startedAt}, ${result.durationS} s. ${clients} clients in groups of 10 and one-to-one chats connect 50 at a time, then all drop at once. ` +
      `Pinned: ${pinned ? `servers on core ${serverCore}, load generator on core ${loadCore}` : "no"}. Command: \`npm run bench:churn${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\`.`,
    "The app authenticates each socket and tells each user's contacts when they come and go (storing lastSeenAt); the relay only joins a room. " +
      "A /healthz request every 5 ms times the longest answer; what one answer costs the server, measured just before each phase, is left out of its CPU.",
    "",
    markdownTable(rows),
    "",
    "| round | side | connect CPU ms each | connect longest /healthz ms | drop CPU ms each | drop longest /healthz ms |",
    "| ---: | --- | ---: | ---: | ---: | ---: |",
    ...Object.entries(sides).flatMap(([kind, s]) =>
      s.rounds.map(
        (r, i) =>
          `| ${i + 1} | ${kind} | ${r.connect.cpuMsPerConnection.toFixed(2)} | ${Math.round(r.connect.worstHealthzMs)} | ${r.disconnect.cpuMsPerConnection.toFixed(2)} | ${Math.round(r.disconnect.worstHealthzMs)} |`,
      ),
    ),
    "",
  ].join("\n");
  const files = writeResultFiles("churn", result, md);
  log(`\nwrote ${files.json} and ${files.md}`);
}

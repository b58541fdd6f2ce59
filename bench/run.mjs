#!/usr/bin/env node
// npm run bench: the app and a bare Socket.IO relay under the same load, one after the
// other in one run, compared figure by figure. See docs/performance.md.
import { cpus, totalmem } from "node:os";
import { closeAll, connectAll } from "./lib/clients.mjs";
import { collectGarbage } from "./lib/inspector.mjs";
import { createLoadgenPool } from "./lib/loadgen-pool.mjs";
import { readOptions } from "./lib/options.mjs";
import { printTable, tableRows, writeResults } from "./lib/report.mjs";
import { canPin, loadCore, loadCores, pin, serverCore, startServer } from "./lib/servers.mjs";
import { planConversations, prefixOf, setUpApp, setUpBaseline } from "./lib/topology.mjs";
import { createWorkload, machineBusy } from "./lib/workload.mjs";

const P99_LIMIT_MS = 50;
/** Other tenants' CPU (% of one core) above which a step waits, or counts as disturbed. */
const NOISY_CPU = 50;
const SWEEP_CLIENTS = [500, 1000, 2000, 5000];
/**
 * Issue 5's latency target is set "at 2,000 connected clients at half the app's maximum
 * rate". The sweep reads that maximum both ways: the rate sustained with --clients (the
 * reference rate, which the connection sweep runs at), and the rate sustained with these
 * 2,000 clients, searched for and halved here.
 */
const TARGET_CLIENTS = 2000;
const log = (msg) => process.stderr.write(`${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const opts = readOptions();
const pinned = opts.pin && canPin();
opts.pin = pinned;
const began = Date.now();
const running = new Set();

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    for (const s of running) await s.stop().catch(() => {});
    process.exit(130);
  });
}

const sweepClients = opts.sweep ? SWEEP_CLIENTS : [];
const userCount = Math.max(opts.clients, ...sweepClients, opts.sweep ? opts.connections : 0);
const plan = planConversations(userCount, opts.groupSize, opts.directShare);

function passes(step) {
  return (
    step.latency.p99 !== null &&
    step.latency.p99 < P99_LIMIT_MS &&
    step.lost + step.duplicated + step.unexpected + step.ackErrors + step.missingAcks === 0 &&
    step.messagesPerSec >= 0.95 * step.offeredRate
  );
}

function describe(side, s) {
  return (
    `${side.padEnd(8)} ${String(s.clients).padStart(5)} clients ${String(s.offeredRate).padStart(6)} msg/s offered: ` +
    `${s.messagesPerSec} acked/s, ${s.deliveriesPerSec} deliveries/s, p50 ${s.latency.p50} p99 ${s.latency.p99} max ${s.latency.max} ms, ` +
    `CPU server ${s.serverCpu}% loadgen ${s.loadgenCpu}% other ${s.otherCpu}%, loadgen GC ${s.loadgenGcMs} ms (max ${s.loadgenGcMaxMs}), loadgen stall max ${s.loadgenStallMaxMs} ms, lost ${s.lost}, dup ${s.duplicated}` +
    (s.ackErrors ? `, ack errors ${s.ackErrors} ${JSON.stringify(s.errorSamples)}` : "") +
    (s.missingAcks ? `, missing acks ${s.missingAcks}` : "") +
    ` -> ${s.pass ? "pass" : "FAIL"}`
  );
}

/** Highest offered rate that passes: grow geometrically until a step fails, then bisect. */
async function searchRate(runStep) {
  const factor = opts.sweep ? 1.4 : 1.6;
  const bisections = opts.sweep ? 3 : 1;
  let lo = null;
  let hi = null;
  // From 2,000: a start lower than any machine's maximum here but not far below it keeps the
  // default run under two minutes on the fastest machines as well.
  let rate = 2000;
  while (hi === null && rate <= 100_000) {
    const s = await runStep(rate);
    if (s.pass) {
      lo = s;
      rate = Math.round(rate * factor);
    } else hi = rate;
  }
  while (lo === null && rate > 50) {
    rate = Math.round(rate / 2);
    const s = await runStep(rate);
    if (s.pass) lo = s;
  }
  for (let i = 0; i < bisections && lo && hi; i++) {
    const mid = Math.round((lo.offeredRate + hi) / 2 / 50) * 50;
    if (mid <= lo.offeredRate || mid >= hi) break;
    const s = await runStep(mid);
    if (s.pass) lo = s;
    else hi = mid;
  }
  return lo;
}

/** CPU (% of a core) used by everything but the server and this process over `ms`. */
async function otherCpu(server, ms) {
  const m0 = machineBusy();
  const s0 = server.stats().cpu;
  const c0 = process.cpuUsage();
  await sleep(ms);
  const own = process.cpuUsage(c0);
  const used = machineBusy() - m0 - (server.stats().cpu - s0) - (own.user + own.system) / 1e6;
  return (used / (ms / 1000)) * 100;
}

let quietBudgetMs = opts.smoke ? 0 : opts.sweep ? 300_000 : 20_000;
/** Other tenants' CPU in the last step of either side: a quiet step needs no fresh look. */
let lastOtherCpu = Number.POSITIVE_INFINITY;
async function waitForQuiet(server) {
  if (lastOtherCpu < NOISY_CPU) return;
  while (quietBudgetMs > 0) {
    const t = Date.now();
    const other = await otherCpu(server, 500);
    quietBudgetMs -= Date.now() - t;
    if (other < NOISY_CPU) return;
  }
}

async function idleMemory(server, url, users) {
  const rssNow = async () => {
    const ws = server.inspector();
    if (ws) {
      // Twice: the first pass can leave finalizer-held objects for the second.
      await collectGarbage(ws);
      await collectGarbage(ws);
      await sleep(500);
    }
    const samples = [];
    for (let i = 0; i < 5; i++) {
      samples.push(server.stats().rss);
      await sleep(200);
    }
    return samples.sort((a, b) => a - b)[2];
  };
  const perUser = Math.ceil(opts.connections / users.length);
  const tokens = Array.from({ length: opts.connections }, (_, i) => users[i % users.length].token);
  await sleep(1000);
  const before = await rssNow();
  const sockets = await connectAll(url, tokens);
  await sleep(2000);
  const after = await rssNow();
  closeAll(sockets);
  await sleep(1000);
  const kb = (after - before) / 1024 / opts.connections;
  log(
    `  ${server.kind.padEnd(8)} idle: ${opts.connections} connections (${perUser} per user): RSS +${Math.round((after - before) / 1048576)} MB = ${kb.toFixed(1)} KB each`,
  );
  return {
    connections: opts.connections,
    socketsPerUser: perUser,
    rssBeforeMB: before / 1048576,
    rssAfterMB: after / 1048576,
    kbPerConnection: kb,
  };
}

/** Runs fn when every earlier caller's fn has finished: the two sides take turns, step by step. */
let turns = Promise.resolve();
function exclusive(fn) {
  const run = turns.then(fn, fn);
  turns = run.catch(() => {});
  return run;
}

/** A rate the app side finds and both sides then run (the baseline waits for it). */
function sharedRate() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
const appReference = sharedRate();
const appReferenceAtTarget = sharedRate();

/** Finds the side's sustained rate, then runs half the app's (the reference) on both sides. */
async function sustainedAndHalf(side, step, shared) {
  const sustained = await searchRate(step);
  const own = Math.round((sustained?.offeredRate ?? 1000) / 2 / 50) * 50;
  if (side === "app") shared.resolve(own);
  const ref = opts.sides.includes("app") ? await shared.promise : own;
  return { sustained, reference: await step(ref) };
}

/**
 * Both servers run side by side (pinned to the same core) and the two sides take turns,
 * step by step: the machine is shared, and noise hits both alike instead of one run.
 */
async function measureSide(side, server, world) {
  const steps = [];
  const out = { steps };
  out.idle = await exclusive(() => idleMemory(server, server.url, world.users));

  const withClients = async (clients, fn) => {
    const conversations = prefixOf(world.conversations, clients);
    const active = conversations.reduce((n, c) => n + c.members.length, 0);
    const tokens = world.users.slice(0, active).map((u) => u.token);
    if (opts.loadgenProcesses > 1) {
      const pool = await exclusive(() =>
        createLoadgenPool({
          url: server.url,
          tokens,
          conversations,
          textBytes: opts.textBytes,
          processes: opts.loadgenProcesses,
          server,
          pinTo: pinned ? (pid) => pin(pid, loadCores()) : undefined,
        }),
      );
      try {
        return await fn(pool);
      } finally {
        await exclusive(async () => {
          await pool.close();
          await sleep(500);
        });
      }
    }
    const sockets = await exclusive(() => connectAll(server.url, tokens));
    try {
      return await fn(createWorkload({ sockets, conversations, textBytes: opts.textBytes, server }));
    } finally {
      await exclusive(async () => {
        closeAll(sockets);
        await sleep(500);
      });
    }
  };
  // A step waits a little for other tenants to quiet down, and one that misses only narrowly,
  // on a busy machine, or while the load generator itself stalled past the latency limit
  // (its clock then cannot tell the server's delay from its own) is run again (twice with
  // --sweep) before it counts. A stall adds at most twice its length to a delivery (the
  // sends it held back reach the server at once; what arrived meanwhile is read late), so a
  // p99 beyond that plus the limit is the server's own and is not measured again.
  const blamesLoadgen = (s) =>
    s.loadgenStallMaxMs >= P99_LIMIT_MS && s.latency.p99 < 2 * s.loadgenStallMaxMs + P99_LIMIT_MS;
  const worthAnotherTry = (s) => s.latency.p99 < 2 * P99_LIMIT_MS || s.otherCpu > NOISY_CPU || blamesLoadgen(s);
  const runStep = (wl) => async (rate) => {
    let s;
    for (let attempt = 1; attempt <= (opts.sweep ? 3 : 2); attempt++) {
      if (attempt > 1 && !worthAnotherTry(s)) break;
      s = await exclusive(async () => {
        await waitForQuiet(server);
        return wl.run(rate, opts.stepSeconds);
      });
      lastOtherCpu = s.otherCpu;
      s.pass = passes(s);
      s.attempt = attempt;
      steps.push(s);
      log(`  ${describe(side, s)}`);
      if (!server.alive()) throw new Error(`${side} server died:\n${server.output()}`);
      if (s.pass || s.lost + s.duplicated + s.ackErrors + s.missingAcks > 0 || opts.smoke) break;
    }
    return s;
  };

  await withClients(opts.clients, async (wl) => {
    const step = runStep(wl);
    if (opts.rate) {
      out.reference = await step(opts.rate);
      return;
    }
    Object.assign(out, await sustainedAndHalf(side, step, appReference));
  });
  const ref = out.reference.offeredRate;
  out.connectionSweep = [];
  for (const clients of sweepClients) {
    out.connectionSweep.push(await withClients(clients, (wl) => runStep(wl)(ref)));
  }
  if (opts.sweep && opts.clients !== TARGET_CLIENTS) {
    out.atTargetClients = {
      clients: TARGET_CLIENTS,
      ...(await withClients(TARGET_CLIENTS, (wl) => sustainedAndHalf(side, runStep(wl), appReferenceAtTarget))),
    };
  }
  out.peakRssMB = Math.max(...steps.map((s) => s.serverRssPeakMB));
  out.lost = steps.reduce((n, s) => n + s.lost, 0);
  out.duplicated = steps.reduce((n, s) => n + s.duplicated, 0);
  out.errors = steps.reduce((n, s) => n + s.ackErrors + s.missingAcks + s.unexpected, 0);
  return out;
}

async function runAll() {
  const sides = ["app", "baseline"].filter((s) => opts.sides.includes(s));
  const servers = [];
  try {
    for (const side of sides) {
      const server = await startServer(side, opts);
      running.add(server);
      servers.push(server);
    }
    const worlds = [];
    for (const [i, side] of sides.entries()) {
      const t0 = Date.now();
      const world = await (side === "app" ? setUpApp : setUpBaseline)(servers[i].url, plan, userCount);
      log(
        `${side}: ${userCount} users, ${world.conversations.length} conversations set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      worlds.push(world);
    }
    if (pinned) {
      for (const s of servers) pin(s.pid, serverCore);
      pin(process.pid, loadCore);
    }
    const outs = await Promise.all(sides.map((side, i) => measureSide(side, servers[i], worlds[i])));
    for (const [i, side] of sides.entries()) result.sides[side] = outs[i];
    result.referenceRate = (result.sides.app ?? result.sides.baseline).reference.offeredRate;
  } finally {
    for (const s of servers) {
      await s.stop().catch(() => {});
      running.delete(s);
    }
  }
}

const result = {
  startedAt: new Date(began).toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  },
  pinned,
  cores: { server: serverCore, load: loadCore },
  options: opts,
  topology: {
    users: userCount,
    groups: prefixOf(
      plan.map((members) => ({ members })),
      opts.clients,
    ).filter((c) => c.members.length > 2).length,
    directs: prefixOf(
      plan.map((members) => ({ members })),
      opts.clients,
    ).filter((c) => c.members.length === 2).length,
  },
  sides: {},
};

try {
  await runAll();
  result.connectionSweep = sweepClients.map((clients) => ({ clients, rate: result.referenceRate }));
} catch (err) {
  log(`\nbench failed: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
}
result.durationS = Math.round((Date.now() - began) / 1000);

const rows = tableRows(result);
printTable(rows);
if (!opts.smoke) {
  const files = writeResults(opts.out, result);
  log(`\nwrote ${files.json} and ${files.md} (${result.durationS} s)`);
}
const broken = Object.values(result.sides).some(
  (s) => s.lost + s.duplicated + s.errors > 0 || s.steps.some((st) => st.sent === 0 || st.latency.count === 0),
);
if (broken) {
  log("\nFAIL: lost, duplicated or failed deliveries (see above)");
  process.exit(1);
}
log(`done in ${result.durationS} s`);

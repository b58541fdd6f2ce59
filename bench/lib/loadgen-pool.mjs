// --loadgen-processes N: the active clients spread over N load-generator processes, each
// holding whole conversations (loadgen-child.mjs), on the cores the server does not use. At
// 2,000 clients one process on one core is as busy as the server, and its own stalls then set
// the tail of every latency figure (docs/performance.md); more processes need more cores.
// The pool answers run(rate, seconds) with the same figures as one in-process workload.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Histogram } from "./histogram.mjs";
import { machineBusy, nextStep } from "./workload.mjs";

const CHILD = fileURLToPath(new URL("./loadgen-child.mjs", import.meta.url));
const WARMUP_MS = 1000;

/** Sends a message to a child and waits for its answer of type `want`. */
function ask(child, msg, want) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== want && m.type !== "error") return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (m.type === "error") reject(new Error(`load generator ${child.pid}: ${m.message}`));
      else resolve(m);
    };
    const onExit = (code) => reject(new Error(`load generator ${child.pid} exited with ${code}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(msg);
  });
}

/**
 * Forks `processes` load generators, deals the conversations out to them in turn, and has each
 * connect its members' sockets. `pinTo(pid)` pins a child; `server` is the server's handle.
 */
export async function createLoadgenPool({ url, tokens, conversations, textBytes, processes, server, pinTo }) {
  const parts = Array.from({ length: processes }, (_, k) => conversations.filter((_, i) => i % processes === k));
  const children = await Promise.all(
    parts
      .filter((part) => part.length > 0)
      .map(async (part) => {
        const members = part.flatMap((c) => c.members);
        const local = new Map(members.map((m, i) => [m, i]));
        const child = fork(CHILD, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
        pinTo?.(child.pid);
        await ask(
          child,
          {
            type: "connect",
            url,
            tokens: members.map((m) => tokens[m]),
            conversations: part.map((c) => ({ id: c.id, members: c.members.map((m) => local.get(m)) })),
            textBytes,
          },
          "ready",
        );
        return { child, clients: members.length };
      }),
  );
  const total = children.reduce((n, c) => n + c.clients, 0);

  async function run(rate, seconds) {
    const step = nextStep();
    // The server's CPU and memory over the measured window, read here at its edges.
    const start = performance.now();
    const edges = {};
    const at = (ms, key) =>
      setTimeout(() => {
        edges[key] = { t: performance.now(), stats: server.stats(), busy: machineBusy(), us: process.hrtime.bigint() };
      }, ms);
    const timers = [at(WARMUP_MS + 20, "from"), at(WARMUP_MS + 20 + seconds * 1000, "to")];
    let rssPeak = 0;
    const sampler = setInterval(() => {
      if (server.alive()) rssPeak = Math.max(rssPeak, server.stats().rss);
    }, 250);
    let results;
    try {
      results = await Promise.all(
        children.map(async ({ child, clients }) => {
          const { result } = await ask(child, { type: "run", rate: (rate * clients) / total, seconds, step }, "result");
          return result;
        }),
      );
    } finally {
      clearInterval(sampler);
      for (const t of timers) clearTimeout(t);
    }
    const { from, to } = edges;
    const windowS = from && to ? (to.t - from.t) / 1000 : seconds;
    const serverCpu = from && to ? (to.stats.cpu - from.stats.cpu) / windowS : null;
    const sum = (key) => results.reduce((n, r) => n + r[key], 0);
    const max = (key) => Math.max(...results.map((r) => r[key] ?? 0));
    const merged = (key) => {
      const h = new Histogram();
      for (const r of results) h.add(r.histograms[key]);
      return h.summary();
    };
    const loadgenCpu = sum("loadgenCpu");
    return {
      offeredRate: rate,
      clients: total,
      seconds,
      sent: sum("sent"),
      acked: sum("acked"),
      ackErrors: sum("ackErrors"),
      errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 3),
      missingAcks: sum("missingAcks"),
      messagesPerSec: sum("messagesPerSec"),
      deliveriesPerSec: sum("deliveriesPerSec"),
      latency: merged("latency"),
      ackLatency: merged("ack"),
      lost: sum("lost"),
      duplicated: sum("duplicated"),
      unexpected: sum("unexpected"),
      stray: sum("stray"),
      serverCpu: serverCpu === null ? null : Math.round(serverCpu * 100),
      serverRssPeakMB: Math.round(Math.max(rssPeak, server.stats().rss) / 1048576),
      loadgenCpu,
      loadgenGcMs: sum("loadgenGcMs"),
      loadgenGcMaxMs: max("loadgenGcMaxMs"),
      loadgenStallMaxMs: max("loadgenStallMaxMs"),
      otherCpu:
        from && to
          ? Math.max(0, Math.round(((to.busy - from.busy) / windowS) * 100 - (serverCpu ?? 0) * 100 - loadgenCpu))
          : 0,
      drainMs: Math.round(performance.now() - start - WARMUP_MS - seconds * 1000),
      windowUs: from && to ? [Number(from.us / 1000n), Number(to.us / 1000n)] : null,
      loadgenProcesses: children.length,
    };
  }

  async function close() {
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((resolve) => {
            child.once("exit", resolve);
            child.send({ type: "close" });
            setTimeout(() => child.kill(), 5000).unref();
          }),
      ),
    );
  }

  return { run, close };
}

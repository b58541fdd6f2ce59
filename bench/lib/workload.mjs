// Drives one load step: every client sends at the same fixed rate (open loop: sends do
// not wait for acks), and every receiving socket checks what arrives. Latency is taken
// on the load generator's one clock: the send time travels inside the message text.
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks";
import { Histogram } from "./histogram.mjs";

const WARMUP_S = 1;
const DRAIN_LIMIT_MS = 10_000;

/** Busy CPU seconds of the whole machine, from /proc/stat (user+nice+system+irq+softirq+steal). */
export function machineBusy() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    return (f[1] + f[2] + f[3] + f[6] + f[7] + f[8]) / 100;
  } catch {
    return 0;
  }
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

// Step ids are unique for the whole run: clientIds must never repeat for a user, or the
// app rightly answers the send as a retry of the stored message and broadcasts nothing.
// Load-generator processes (loadgen-pool.mjs) are handed theirs by the parent.
let lastStep = 0;
export const nextStep = () => ++lastStep;

// Client ids are time-ordered, as the web client's (UUIDv7) are: step, then the sender's
// message number, then the sender. Zero-padded so that text order is time order.
const clientIdOf = (step, c, k) => `${String(step).padStart(4, "0")}-${String(k).padStart(7, "0")}-${c}`;

/**
 * Reads "SSSS-KKKKKKK-c" (see clientIdOf) without allocating: the handler below runs once
 * per delivery, and at 2,000 clients the load generator is the busier of the two processes.
 * Returns false for anything else.
 */
const parsed = { step: 0, k: 0, sender: 0 };
function digits(text, from, to) {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
function parseClientId(id) {
  if (typeof id !== "string" || id.length < 14 || id.charCodeAt(4) !== 45 || id.charCodeAt(12) !== 45) return false;
  parsed.step = digits(id, 0, 4);
  parsed.k = digits(id, 5, 12);
  parsed.sender = digits(id, 13, id.length);
  return parsed.step >= 0 && parsed.k >= 0 && parsed.sender >= 0;
}

export function createWorkload({ sockets, conversations, textBytes, server }) {
  const n = sockets.length;
  const convOf = new Array(n);
  // A client's place among its conversation's members: a receiver's tally is one flat array,
  // a row per member (sender) and a column per message number.
  const placeOf = new Uint32Array(n);
  for (const c of conversations) {
    c.members.forEach((m, i) => {
      convOf[m] = c;
      placeOf[m] = i;
    });
  }
  const pad = "x".repeat(textBytes);
  let step = 0;
  let st;

  sockets.forEach((socket, r) => {
    socket.on("new_message", ({ message }) => {
      const now = performance.now();
      if (!st || !parseClientId(message.clientId) || parsed.step !== step) {
        if (st) st.stray++;
        return;
      }
      const { k, sender } = parsed;
      // A message from outside the receiver's conversation is a leak, never a delivery.
      if (sender >= n || convOf[sender] !== convOf[r] || k >= st.cap) {
        st.misdelivered++;
        return;
      }
      const seen = st.recv[r];
      const at = placeOf[sender] * st.cap + k;
      if (seen[at] < 255) seen[at]++;
      st.received++;
      const sentAt = Number.parseFloat(message.text);
      if (sentAt >= st.from && sentAt < st.to) st.latency.record(now - sentAt);
      if (now >= st.from && now < st.to) st.deliveredInWindow++;
    });
  });

  function send(c, k) {
    const conv = convOf[c];
    const sentAt = performance.now();
    const text = `${sentAt.toFixed(3)} ${pad}`.slice(0, textBytes);
    const state = st;
    state.sentCount[c] = k + 1;
    sockets[c].emit("send_message", { conversationId: conv.id, clientId: clientIdOf(step, c, k), text }, (ack) => {
      const now = performance.now();
      state.acks++;
      if (!ack?.ok) {
        state.ackErrors++;
        if (state.ackErrors <= 3) state.errorSamples.push(ack?.error ?? ack);
        return;
      }
      state.okAcked[c][k] = 1;
      state.expected += conv.members.length;
      if (sentAt >= state.from && sentAt < state.to) {
        state.ackLatency.record(now - sentAt);
        state.ackedInWindow++;
      }
    });
  }

  /** Counts, per receiving socket and sent message, deliveries that never came or came twice. */
  function audit() {
    let lost = 0;
    let duplicated = 0;
    let unexpected = st.misdelivered;
    for (const conv of conversations) {
      for (const r of conv.members) {
        for (const s of conv.members) {
          const row = placeOf[s] * st.cap;
          for (let k = 0; k < st.sentCount[s]; k++) {
            const got = st.recv[r][row + k];
            if (st.okAcked[s][k]) {
              if (got === 0) lost++;
              else if (got > 1) duplicated += got - 1;
            } else if (got > 0) unexpected += got;
          }
        }
      }
    }
    return { lost, duplicated, unexpected };
  }

  /** `given.step` comes from a parent process; `given.histograms` returns the raw histograms. */
  async function run(rate, seconds, given = {}) {
    step = given.step ?? nextStep();
    const total = Math.max(n, Math.floor(rate * (WARMUP_S + seconds)));
    const cap = Math.ceil(total / n) + 1;
    const start = performance.now() + 20;
    st = {
      cap,
      from: start + WARMUP_S * 1000,
      to: start + (WARMUP_S + seconds) * 1000,
      recv: Array.from({ length: n }, (_, r) => new Uint8Array(convOf[r].members.length * cap)),
      sentCount: new Uint32Array(n),
      okAcked: Array.from({ length: n }, () => new Uint8Array(cap)),
      latency: new Histogram(),
      ackLatency: new Histogram(),
      received: 0,
      expected: 0,
      acks: 0,
      ackErrors: 0,
      errorSamples: [],
      ackedInWindow: 0,
      deliveredInWindow: 0,
      stray: 0,
      misdelivered: 0,
    };
    // Clients take turns in a shuffled order, so each sends every n/rate seconds.
    const order = Array.from({ length: n }, (_, i) => i).sort(() => Math.random() - 0.5);
    const serverAtStart = { t: 0, s: null };
    let rssPeak = 0;
    let loadCpu = null;
    let sent = 0;
    // The load generator's own pauses: one long GC here delays every delivery it was due to
    // read, whichever server sent it.
    const gc = { ms: 0, maxMs: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.startTime < st.from || e.startTime >= st.to) continue;
        gc.ms += e.duration;
        gc.maxMs = Math.max(gc.maxMs, e.duration);
      }
    });
    gcObserver.observe({ entryTypes: ["gc"] });
    // The load generator's own event-loop stalls: a delivery that arrives while it is busy
    // is read, and timed, only when the stall ends. At 2,000 clients these stalls, not the
    // server's, were what the slowest deliveries had in common (docs/performance.md).
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (!serverAtStart.s && now >= st.from) {
          serverAtStart.s = server.stats();
          serverAtStart.t = now;
          serverAtStart.busy = machineBusy();
          serverAtStart.monotonicUs = monotonicUs();
          loadCpu = process.cpuUsage();
          loopDelay.enable();
        }
        const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
        while (sent < due) {
          send(order[sent % n], Math.floor(sent / n));
          sent++;
        }
        if (sent >= total && now >= st.to) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
      const sampler = setInterval(() => {
        if (!server.alive()) return;
        rssPeak = Math.max(rssPeak, server.stats().rss);
        if (performance.now() > st.to) clearInterval(sampler);
      }, 250);
    });
    gcObserver.disconnect();
    loopDelay.disable();
    const windowUs = [serverAtStart.monotonicUs, monotonicUs()];
    const end = server.stats();
    const windowS = (performance.now() - serverAtStart.t) / 1000;
    const loadCpuUsed = process.cpuUsage(loadCpu);
    const serverCpu = serverAtStart.s ? (end.cpu - serverAtStart.s.cpu) / windowS : null;
    const loadgenCpu = (loadCpuUsed.user + loadCpuUsed.system) / 1e6 / windowS;
    // What the rest of the machine (other tenants, the database server) used meanwhile.
    const otherCpu = (machineBusy() - serverAtStart.busy) / windowS - serverCpu - loadgenCpu;

    // Drain: wait for every ack and every expected delivery, then a moment for duplicates.
    const drainStart = performance.now();
    while (performance.now() - drainStart < DRAIN_LIMIT_MS) {
      if (st.acks === sent && st.received >= st.expected) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 200));
    const { lost, duplicated, unexpected } = audit();
    return {
      offeredRate: rate,
      clients: n,
      seconds,
      sent,
      acked: st.acks,
      ackErrors: st.ackErrors,
      errorSamples: st.errorSamples,
      missingAcks: sent - st.acks,
      messagesPerSec: Math.round(st.ackedInWindow / seconds),
      deliveriesPerSec: Math.round(st.deliveredInWindow / seconds),
      latency: st.latency.summary(),
      ackLatency: st.ackLatency.summary(),
      lost,
      duplicated,
      unexpected,
      stray: st.stray,
      serverCpu: serverCpu === null ? null : Math.round(serverCpu * 100),
      serverRssPeakMB: Math.round(Math.max(rssPeak, end.rss) / 1048576),
      loadgenCpu: Math.round(loadgenCpu * 100),
      loadgenGcMs: Math.round(gc.ms),
      loadgenGcMaxMs: Math.round(gc.maxMs),
      loadgenStallMaxMs: loopDelay.count ? Math.round(loopDelay.max / 1e6) : null,
      otherCpu: Math.max(0, Math.round(otherCpu * 100)),
      drainMs: Math.round(performance.now() - drainStart),
      // The measured window on the machine's monotonic clock, which V8's CPU profiles also
      // use: bench/profile-summary.mjs --window picks this step out of a server's profile.
      windowUs,
      ...(given.histograms ? { histograms: { latency: st.latency, ack: st.ackLatency } } : {}),
    };
  }

  return { run };
}

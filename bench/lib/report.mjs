import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../results/", import.meta.url));

const fmt = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? "-"
    : Number(v).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a, b) => (typeof a === "number" && typeof b === "number" && b !== 0 ? `${(a / b).toFixed(2)}x` : "-");

/** Rows of [figure, app, baseline, ratio]. */
export function tableRows(result) {
  const app = result.sides.app ?? {};
  const base = result.sides.baseline ?? {};
  const rows = [];
  const add = (label, pick, digits = 0) => {
    const a = pick(app);
    const b = pick(base);
    rows.push([label, fmt(a, digits), fmt(b, digits), ratio(a, b)]);
  };
  const r = result.referenceRate;
  add("sustained messages/s (p99 < 50 ms)", (s) => s.sustained?.messagesPerSec);
  add("sustained deliveries/s (p99 < 50 ms)", (s) => s.sustained?.deliveriesPerSec);
  add(`deliver p50 ms @ ${fmt(r)} msg/s`, (s) => s.reference?.latency.p50, 2);
  add(`deliver p95 ms @ ${fmt(r)} msg/s`, (s) => s.reference?.latency.p95, 2);
  add(`deliver p99 ms @ ${fmt(r)} msg/s`, (s) => s.reference?.latency.p99, 2);
  add(`deliver max ms @ ${fmt(r)} msg/s`, (s) => s.reference?.latency.max, 2);
  add(`ack p50 ms @ ${fmt(r)} msg/s`, (s) => s.reference?.ackLatency.p50, 2);
  add(`ack p99 ms @ ${fmt(r)} msg/s`, (s) => s.reference?.ackLatency.p99, 2);
  add(`deliveries/s @ ${fmt(r)} msg/s`, (s) => s.reference?.deliveriesPerSec);
  add(`server CPU % @ ${fmt(r)} msg/s`, (s) => s.reference?.serverCpu);
  add("server peak RSS MB under load", (s) => s.peakRssMB);
  add(`RSS KB per idle connection (${fmt(result.options.connections)})`, (s) => s.idle?.kbPerConnection, 1);
  for (const point of result.connectionSweep ?? []) {
    const at = (s) => s.connectionSweep?.find((p) => p.clients === point.clients);
    add(`deliver p99 ms, ${fmt(point.clients)} clients @ ${fmt(point.rate)} msg/s`, (s) => at(s)?.latency.p99, 2);
    // Past ~85% of its core the load generator's own queue shows up in every latency figure.
    add(`load generator CPU %, ${fmt(point.clients)} clients`, (s) => at(s)?.loadgenCpu);
  }
  const target = app.atTargetClients ?? base.atTargetClients;
  if (target) {
    const n = fmt(target.clients);
    add(`sustained messages/s, ${n} clients (p99 < 50 ms)`, (s) => s.atTargetClients?.sustained?.messagesPerSec);
    const half = fmt(target.reference.offeredRate);
    add(
      `deliver p99 ms, ${n} clients @ ${half} msg/s (half the app's rate there)`,
      (s) => s.atTargetClients?.reference.latency.p99,
      2,
    );
    add(`load generator CPU %, ${n} clients @ ${half} msg/s`, (s) => s.atTargetClients?.reference.loadgenCpu);
  }
  add("lost deliveries (all steps)", (s) => s.lost);
  add("duplicated deliveries (all steps)", (s) => s.duplicated);
  add("failed acks or misdirected deliveries (all steps)", (s) => s.errors);
  return rows;
}

/** Rows of [figure, app, baseline, ratio] as a markdown table. */
export function markdownTable(rows) {
  const head = "| figure | app | baseline | app / baseline |\n| --- | ---: | ---: | ---: |\n";
  return head + rows.map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function stepsTable(side, steps) {
  const head = `\n### ${side}: every load step\n\n| clients | offered msg/s | acked msg/s | deliveries/s | p50 | p95 | p99 | max | ack p99 | CPU % server | loadgen | other | loadgen GC max ms | loadgen stall max ms | lost | dup | pass |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n`;
  return (
    head +
    steps
      .map(
        (s) =>
          `| ${s.clients} | ${fmt(s.offeredRate)} | ${fmt(s.messagesPerSec)} | ${fmt(s.deliveriesPerSec)} | ${fmt(s.latency.p50, 2)} | ${fmt(s.latency.p95, 2)} | ${fmt(s.latency.p99, 2)} | ${fmt(s.latency.max, 1)} | ${fmt(s.ackLatency.p99, 2)} | ${fmt(s.serverCpu)} | ${fmt(s.loadgenCpu)} | ${fmt(s.otherCpu)} | ${fmt(s.loadgenGcMaxMs)} | ${fmt(s.loadgenStallMaxMs)} | ${s.lost} | ${s.duplicated} | ${s.pass ? "yes" : "no"} |`,
      )
      .join("\n")
  );
}

export function printTable(rows, title = "figure") {
  const head = [title, "app", "baseline", "ratio"];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[head, ...rows].map((r) => r[i].length), 8));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`\n${line(head)}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

/** Writes `bench/results/<name>.json` (the result) and `<name>.md` (its report); returns both paths. */
export function writeResultFiles(name, result, markdown) {
  mkdirSync(dir, { recursive: true });
  const files = { json: `${dir}${name}.json`, md: `${dir}${name}.md` };
  writeFileSync(files.json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(files.md, markdown);
  return files;
}

export function writeResults(name, result) {
  const rows = tableRows(result);
  const m = result.machine;
  const md = [
    `# Benchmark: ${name}`,
    "",
    `${result.startedAt}, ${result.durationS} s. Machine: ${m.cpus}x ${m.cpuModel}, ${m.memGB} GB, Node ${m.node}, ${m.platform}. ` +
      `Pinned: ${result.pinned ? `server on core ${result.cores.server}, load generator on core ${result.cores.load}` : "no"}. ` +
      `Storage: ${result.options.db}. Command: \`${result.command}\`.`,
    "",
    `${result.options.clients} clients (${result.topology.groups} groups of ${result.options.groupSize}, ${result.topology.directs} one-to-one chats), ` +
      `${result.options.textBytes}-byte texts, ${result.options.stepSeconds} s per step after 1 s warm-up. ` +
      "Sustained = highest offered rate whose steps kept p99 send-to-deliver under 50 ms, lost nothing and kept up with the offered rate. " +
      "Latency is read on the load generator's clock: in a step where the load generator used 85% or more of its core, its own queue is part of every figure.",
    "",
    markdownTable(rows),
    ...Object.entries(result.sides).map(([side, s]) => stepsTable(side, s.steps)),
    "",
  ].join("\n");
  return writeResultFiles(name, result, md);
}

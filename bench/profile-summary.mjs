#!/usr/bin/env node
// Prints the functions with the most self time in a V8 .cpuprofile (from --cpu-prof),
// and the same grouped by package or source file.
// Usage: node bench/profile-summary.mjs <file>.cpuprofile [top=25] [--window=FROM-TO]
// --window keeps the samples of one load step: FROM and TO are a step's `windowUs` in the
// results JSON (the monotonic clock, in µs, which the profile's timestamps also use).
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const windowArg = args.find((a) => a.startsWith("--window="));
const [file, topArg] = args.filter((a) => a !== windowArg);
if (!file) {
  process.stderr.write("usage: node bench/profile-summary.mjs <file.cpuprofile> [top] [--window=FROM-TO]\n");
  process.exit(2);
}
const top = Number(topArg ?? 25);
const [from, to] = windowArg ? windowArg.slice("--window=".length).split("-").map(Number) : [-Infinity, Infinity];
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += dt[i] ?? 0;
  if (at < from || at >= to) continue;
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map();
const byModule = new Map();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const where = url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "");
  const fn = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  const mod = where.startsWith("/")
    ? where.replace(/.*\/(backend|bench)\//, "$1/")
    : where.split("/")[0] || functionName;
  byModule.set(mod, (byModule.get(mod) ?? 0) + us);
}
const show = (title, map) => {
  process.stdout.write(`\n${title} (total ${(total / 1e6).toFixed(2)} s sampled)\n`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
  }
};
show("self time by function", byFunction);
show("self time by package or file", byModule);

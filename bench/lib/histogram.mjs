/** Latency histogram in 10 µs buckets up to 5 s (beyond that only the max is exact). */
const RES = 100; // buckets per millisecond
const SIZE = 5000 * RES;

export class Histogram {
  counts = new Uint32Array(SIZE + 1);
  n = 0;
  max = 0;

  record(ms) {
    const v = Math.max(ms, 0);
    this.counts[Math.min(SIZE, Math.floor(v * RES))]++;
    this.n++;
    if (v > this.max) this.max = v;
  }

  /** Adds another histogram's counts (a plain copy of one is enough: counts, n, max). */
  add(other) {
    for (let i = 0; i <= SIZE; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.max = Math.max(this.max, other.max);
  }

  percentile(p) {
    if (this.n === 0) return null;
    const rank = Math.ceil((p / 100) * this.n);
    let seen = 0;
    for (let i = 0; i <= SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i === SIZE ? this.max : (i + 1) / RES;
    }
    return this.max;
  }

  summary() {
    const r = (v) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      count: this.n,
      p50: r(this.percentile(50)),
      p95: r(this.percentile(95)),
      p99: r(this.percentile(99)),
      max: r(this.n ? this.max : null),
    };
  }
}

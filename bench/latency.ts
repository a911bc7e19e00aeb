// Latency histograms for the load scenarios: fixed buckets, so millions of (note, receiver)
// pairs take a few hundred KB in each bot process and merge by adding counts. Buckets are
// 0.1 ms wide up to 1 s and 10 ms wide up to 2 min; a percentile is its bucket's upper edge
// (never optimistic by more than the resolution).

const FINE_MS = 1000;
const FINE_STEP = 0.1;
const COARSE_MS = 120_000;
const COARSE_STEP = 10;
const FINE = FINE_MS / FINE_STEP;
const COARSE = (COARSE_MS - FINE_MS) / COARSE_STEP;
export const BUCKETS = FINE + COARSE + 1; // the last one: 2 min and more

function bucketOf(ms: number): number {
  if (!(ms > 0)) return 0; // clock noise between processes can give -0.01 ms
  if (ms < FINE_MS) return Math.floor(ms / FINE_STEP);
  if (ms < COARSE_MS) return FINE + Math.floor((ms - FINE_MS) / COARSE_STEP);
  return BUCKETS - 1;
}

function upperEdge(bucket: number): number {
  if (bucket < FINE) return (bucket + 1) * FINE_STEP;
  if (bucket < BUCKETS - 1) return FINE_MS + (bucket - FINE + 1) * COARSE_STEP;
  return Infinity;
}

export class Histogram {
  counts: Uint32Array;
  count = 0;
  max = 0;
  sum = 0;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(BUCKETS);
    if (counts) for (const c of counts) this.count += c;
  }

  add(ms: number): void {
    this.counts[bucketOf(ms)]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  /** Nearest rank: the smallest bucket edge below which `p` of the samples fall. */
  percentile(p: number): number {
    if (!this.count) return NaN;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }

  data(): HistogramData {
    return { counts: this.counts, count: this.count, sum: this.sum, max: this.max };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }
}

/** What crosses the IPC channel (structured clone keeps the typed array). */
export interface HistogramData {
  counts: Uint32Array;
  count: number;
  sum: number;
  max: number;
}

/** Wall-clock ms with sub-ms resolution; comparable between processes on one machine. */
export const clock = () => performance.timeOrigin + performance.now();

// What every bench scenario shares: the shape of a result, and timing with warm-up.
import { performance } from 'node:perf_hooks';

export interface RunOptions {
  /** Measured runs per row. */
  runs: number;
  /** Runs thrown away first, so the JIT, lazy imports and caches are warm as in a live server. */
  warmup: number;
  /** Sizes, rates and switches of the load scenarios (bench/load.ts). */
  load: LoadOptions;
}

/** Flags of the load scenarios; unset sizes take each scenario's default (issue 8). */
export interface LoadOptions {
  /** Small sizes and short runs: a smoke test of the whole chain in a minute or two. */
  quick: boolean;
  participants?: number;
  rooms?: number;
  /** Seconds of posting per measured phase. */
  duration?: number;
  /** Notes per second across the crowd (plenary, ceiling, soak). */
  rate?: number;
  /** Seconds between one bot's notes in the rooms scenario. */
  period?: number;
  /** Bot worker processes. */
  workers: number;
  /** Run the server with --cpu-prof and print where its time went. */
  profile: boolean;
  /** Ceiling: the plenary sizes to try, in order. */
  steps?: number[];
  /** Soak: minutes of posting. */
  minutes?: number;
  /** A competing writer (4 KB + fsync, as fast as it can) in the data folder during each measured phase. */
  diskPressure: boolean;
}

/** A figure of a load scenario: what was measured, beside its target. */
export interface Figure {
  name: string;
  value: string;
  /** The target as text, e.g. "p99 < 25 ms (issue 8)", or "" where there is none. */
  target: string;
  pass: boolean | null;
}

export interface Row {
  name: string;
  median: number;
  p95: number;
  /** The budget in ms (the p95 must stay under it), or null where there is none. */
  target: number | null;
  /** Where the target comes from, e.g. "issue 8". */
  source?: string;
}

export interface Result {
  /** One line: what was measured, e.g. "summary export, 40 participants and 500 notes". */
  title: string;
  rows: Row[];
  /** Load scenarios: figures beside their targets (percentiles, memory, CPU, counts). */
  figures?: Figure[];
  /** What the run was, instead of the runs/warm-up line, e.g. "1,000 bots in 2 worker processes". */
  setup?: string;
  /** Further lines for the report, e.g. the size of the input. */
  notes: string[];
}

export interface Scenario {
  /** What `--only` selects and the section marker in results.md. */
  name: string;
  /** Only run when named in --only (long runs such as the soak). */
  optIn?: boolean;
  run(options: RunOptions): Promise<Result>;
}

/** Times `fn` after `warmup` unmeasured calls; the samples in ms, in run order. */
export async function time(fn: () => unknown, { runs, warmup }: RunOptions): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** The value below which `p` of the samples fall (nearest rank, so always a measured value). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** A row from samples. The p95 is held to the target: a median under it still lets half the runs go over. */
export function row(name: string, samples: number[], target: number | null, source?: string): Row {
  return { name, median: percentile(samples, 0.5), p95: percentile(samples, 0.95), target, source };
}

export const passes = (r: Row): boolean | null => (r.target === null ? null : r.p95 < r.target);

// How long the disk takes to make a write durable while a scenario runs: a 4 KB write and an
// fsync in the server's data folder, ten a second, from the bench process. Verkstad commits
// each command with synchronous=FULL, so a note waits at least this long; a slow fsync holds
// the server's event loop too (better-sqlite3 is synchronous).
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface DiskSync {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function startDiskProbe(dir: string, everyMs = 100): { stop(): Promise<DiskSync> } {
  const times: number[] = [];
  const block = Buffer.alloc(4096, 7);
  let running = true;
  const path = join(dir, 'bench-fsync-probe');
  const done = (async () => {
    const file = await open(path, 'w');
    try {
      while (running) {
        const t0 = performance.now();
        await file.write(block, 0, block.length, 0);
        await file.sync();
        times.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    } finally {
      await file.close();
      await rm(path, { force: true });
    }
  })();
  // A failure is reported by stop(); until then it must not count as unhandled.
  done.catch(() => {});
  return {
    async stop() {
      running = false;
      await done;
      const sorted = [...times].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
    },
  };
}

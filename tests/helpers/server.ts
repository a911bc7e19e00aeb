// Test servers: a real Verkstad server on an ephemeral port with the real SQLite store in a
// temp folder. `restart()` closes it and starts a fresh one on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type VerkstadServer } from '../../server/server.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { MemoryStore } from '../../server/store/memory.ts';
import type { CodeGuessLimiter } from '../../server/limits.ts';
import type { RealtimeLimits } from '../../server/realtime.ts';
import type { QuotaLimits } from '../../server/quotas.ts';

export interface TestServer {
  url: string;
  server: VerkstadServer;
  dataDir: string;
  restart(): Promise<void>;
  close(): Promise<void>;
  /** A workshop's seq as stored (after every command answered before this call). */
  seq(workshopId: string): Promise<number | undefined>;
}

export function tempDir(prefix = 'verkstad-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startServer(
  opts: {
    dataDir?: string;
    memory?: boolean;
    clientDir?: string;
    publicUrl?: string;
    codeGuesses?: CodeGuessLimiter;
    realtimeLimits?: RealtimeLimits;
    /** The server's clock (default Date.now). */
    now?: () => number;
    retentionDays?: number | null;
    allowedOrigins?: string[];
    quotas?: Partial<QuotaLimits>;
    idleMs?: number;
    trustProxy?: string;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const make = () =>
    createServer({
      store: opts.memory ? new MemoryStore() : new SqliteStore(dataDir),
      clientDir: opts.clientDir,
      publicUrl: opts.publicUrl ?? null,
      codeGuesses: opts.codeGuesses,
      realtimeLimits: opts.realtimeLimits,
      now: opts.now,
      retentionDays: opts.retentionDays,
      allowedOrigins: opts.allowedOrigins,
      quotas: opts.quotas,
      idleMs: opts.idleMs,
      trustProxy: opts.trustProxy,
    });
  const handle: TestServer = {
    url: '',
    server: make(),
    dataDir,
    async restart() {
      const port = Number(new URL(handle.url).port);
      await handle.server.close();
      handle.server = make();
      handle.url = await handle.server.listen(port, '127.0.0.1');
    },
    seq: (workshopId) => handle.server.workshops.read(workshopId, ({ state }) => state.seq),
    async close() {
      await handle.server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  handle.url = await handle.server.listen(0, '127.0.0.1');
  return handle;
}

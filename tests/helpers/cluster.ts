// Several real Verkstad servers on one fresh PostgreSQL database, behind HAProxy with the
// repository's own configuration (deploy/haproxy.cfg, its ports and server lines rewritten): the
// deployment docs/operations.md ("Several servers") describes, for tests and the cluster bench.
// Each server is `node --import tsx server/index.ts` in its own process (childServer.ts), so a
// test can SIGKILL one and start it again on its port; HAProxy runs in the foreground (-db) in its
// own process, and its runtime API (a stats socket) says which servers it holds UP and how many
// connections each has. The database connection can be cut for a while (cutDatabase).
//
// Skipped, saying why, when PostgreSQL does not answer (no DATABASE_URL) or haproxy is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChildServer, type ChildServer } from './childServer.ts';
import { testDatabase, type TestDatabase } from './postgres.ts';

const TEMPLATE = fileURLToPath(new URL('../../deploy/haproxy.cfg', import.meta.url));
const BACKEND = 'verkstad_servers';

export interface ClusterOptions {
  /** Verkstad servers behind HAProxy (default 3), named s1, s2, … as in deploy/haproxy.cfg. */
  servers?: number;
  /** More environment for every server, e.g. QUOTAS for bots that post faster than people. */
  env?: Record<string, string>;
  /** An existing database (its URL) instead of a fresh one; it is then not dropped. */
  databaseUrl?: string;
}

export interface ServerState {
  name: string;
  /** HAProxy's view: UP, DOWN, MAINT, or a transition such as "UP 1/2". */
  status: string;
  /** Connections open to it now (a WebSocket is one for its whole life). */
  current: number;
  /** Connections it has been given in all. */
  total: number;
}

export interface Cluster {
  /** HAProxy's frontend, http://127.0.0.1:<port>: where phones connect. */
  readonly url: string;
  /** The database's URL (every server's DATABASE_URL). */
  readonly databaseUrl: string;
  /** Look at the tables directly. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** The servers, in the order of HAProxy's server lines (s1 first). */
  readonly servers: ChildServer[];
  /** s1, s2, … */
  readonly names: string[];
  /** HAProxy's view of each server, from its runtime API. */
  states(): Promise<ServerState[]>;
  /** Wait until HAProxy holds server `name` UP (or DOWN); resolves with the ms waited. */
  waitFor(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<number>;
  /** The server HAProxy sends requests with ?w=<workshopId> to (its X-Verkstad-Server header). */
  serverFor(workshopId: string): Promise<string>;
  /** SIGKILL server `name`; resolves when the process is gone. */
  kill(name: string): Promise<void>;
  /** Start server `name` again on its port; resolves when HAProxy holds it UP again. */
  restart(name: string): Promise<void>;
  /**
   * Cut every server off its database for `downMs`: every connection to the test database is
   * ended (pg_terminate_backend) and new ones are refused meanwhile (ALLOW_CONNECTIONS false),
   * which to the servers looks like a PostgreSQL restart. Only this run's database is touched.
   */
  cutDatabase(downMs: number): Promise<{ terminated: number }>;
  /** HAProxy's own output (state changes, alerts), for failure reports. */
  haproxyOutput(): string;
  /** Every server's stderr lines so far, tagged with its name. */
  serverErrors(): string[];
  /** Stop HAProxy and the servers, drop the database (unless `keepDatabase` and CLUSTER_KEEP_DATABASE=1). */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The haproxy program: on PATH, or where Debian puts it (/usr/sbin, not on every user's PATH). */
function haproxyBinary(): string | null {
  for (const candidate of ['haproxy', '/usr/sbin/haproxy']) {
    const found = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (!found.error && found.status === 0) return candidate;
  }
  return null;
}

/** Why the cluster cannot run here, or null when it can. */
export function haproxyMissing(): string | null {
  return haproxyBinary() ? null : 'haproxy is not installed (Debian: apt-get install -y haproxy)';
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * deploy/haproxy.cfg for this run: its frontend on `port`, its server lines replaced by `servers`
 * (name → host:port), its stats socket at `socket`. Everything else as shipped.
 */
export function haproxyConfig(port: number, servers: Array<[string, string]>, socket: string): string {
  const text = readFileSync(TEMPLATE, 'utf8');
  const lines = text.split('\n');
  const serverLines = servers.map(([name, address]) => `    server ${name} ${address}`);
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (/^\s*bind\s/.test(line)) out.push(`    bind 127.0.0.1:${port}`);
    else if (/^\s*stats socket\s/.test(line)) out.push(`    stats socket ${socket} mode 600 level admin`);
    else if (/^\s*server\s/.test(line)) {
      if (!placed) out.push(...serverLines);
      placed = true;
    } else out.push(line);
  }
  if (!placed) throw new Error(`${TEMPLATE} has no server lines to replace`);
  return out.join('\n');
}

/** One command to HAProxy's runtime API; its whole answer. */
function runtime(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = createConnection({ path: socket });
    let answer = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => (answer += chunk));
    conn.once('error', reject);
    conn.once('end', () => resolve(answer));
    conn.setTimeout(3000, () => conn.destroy(new Error(`${command}: no answer from HAProxy`)));
    conn.write(`${command}\n`);
  });
}

/** `show stat` as rows of the backend's servers. */
function parseStat(csv: string): ServerState[] {
  const [head, ...rows] = csv.trim().split('\n');
  const columns = head.replace(/^# /, '').split(',');
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split(','))
    .filter((cells) => cells[at('pxname')] === BACKEND && !['FRONTEND', 'BACKEND'].includes(cells[at('svname')]))
    .map((cells) => ({
      name: cells[at('svname')],
      status: cells[at('status')],
      current: Number(cells[at('scur')]),
      total: Number(cells[at('stot')]),
    }));
}

interface Haproxy {
  output(): string;
  stop(): Promise<void>;
}

/** HAProxy with deploy/haproxy.cfg in front of servers that run already. */
export interface Balancer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** HAProxy's view of each server, from its runtime API. */
  states(): Promise<ServerState[]>;
  /** Wait until HAProxy holds server `name` UP (or DOWN); resolves with the ms waited. */
  waitFor(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<number>;
  /** The server HAProxy sends requests with ?w=<workshopId> to (its X-Verkstad-Server header). */
  serverFor(workshopId: string): Promise<string>;
  /** HAProxy's process id (its runtime API's `show info`), e.g. for its CPU time. */
  pid(): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

// A test that crashes must not leave HAProxy behind.
const liveHaproxies = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveHaproxies) child.kill('SIGKILL');
});

async function startHaproxy(cfg: string, socket: string, port: number): Promise<Haproxy> {
  // HAProxy is no Node process: a watchdog shell ends it should this process die without cleaning
  // up (the runner SIGKILLs a test file that overruns), instead of leaving it on its port.
  const watchdog = `"$3" -f "$1" -db & h=$!; trap 'kill $h 2>/dev/null' EXIT TERM INT;
    while kill -0 "$2" 2>/dev/null && kill -0 $h 2>/dev/null; do sleep 0.25; done`;
  const binary = haproxyBinary() ?? 'haproxy';
  const child = spawn('bash', ['-c', watchdog, 'haproxy-watchdog', cfg, String(process.pid), binary], { stdio: ['ignore', 'pipe', 'pipe'] });
  liveHaproxies.add(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited at start:\n${output}`);
    const listening = await new Promise<boolean>((resolve) => {
      const conn = createConnection({ port, host: '127.0.0.1' });
      conn.once('connect', () => (conn.destroy(), resolve(true)));
      conn.once('error', () => resolve(false));
    });
    if (listening) {
      try {
        await runtime(socket, 'show info');
        break;
      } catch {
        // the stats socket comes a moment later
      }
    }
    if (Date.now() > until) throw new Error(`haproxy did not listen on ${port} within 10 s:\n${output}`);
    await sleep(50);
  }
  return {
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      liveHaproxies.delete(child);
    },
  };
}

/**
 * HAProxy in its own process with this run's copy of deploy/haproxy.cfg, in front of `servers`
 * (name → host:port); resolves when it holds every one UP.
 */
export async function startBalancer(servers: Array<[string, string]>): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'verkstad-haproxy-'));
  const socket = join(dir, 'haproxy.sock');
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(port, servers, socket));
  let haproxy: Haproxy;
  try {
    haproxy = await startHaproxy(cfg, socket, port);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  const states = async () => parseStat(await runtime(socket, 'show stat'));
  async function waitFor(name: string, status: 'UP' | 'DOWN', timeoutMs = 15_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const state = (await states()).find((s) => s.name === name);
      // "UP 1/2" is still going down, "DOWN 1/2" still coming up: only the settled word counts.
      if (state?.status === status) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`HAProxy did not hold ${name} ${status} within ${timeoutMs} ms (it says ${state?.status})`);
      await sleep(20);
    }
  }
  const balancer: Balancer = {
    url,
    states,
    waitFor,
    async serverFor(workshopId) {
      const res = await fetch(`${url}/api/health?w=${encodeURIComponent(workshopId)}`);
      await res.arrayBuffer();
      const name = res.headers.get('x-verkstad-server');
      if (!name) throw new Error(`no X-Verkstad-Server header (status ${res.status})`);
      return name;
    },
    async pid() {
      const pid = /^Pid: (\d+)/m.exec(await runtime(socket, 'show info'));
      if (!pid) throw new Error('show info gave no Pid');
      return Number(pid[1]);
    },
    output: () => haproxy.output(),
    async stop() {
      await haproxy.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(servers.map(([name]) => waitFor(name, 'UP')));
  } catch (err) {
    await balancer.stop();
    throw err;
  }
  return balancer;
}

/**
 * Start a database, the servers and HAProxy; resolves when HAProxy holds every server UP. Or
 * `{ skipped }` when PostgreSQL or haproxy is not there.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster | { skipped: string }> {
  const missing = haproxyMissing();
  if (missing) return { skipped: missing };
  let db: TestDatabase | null = null;
  let databaseUrl = options.databaseUrl;
  let look: pg.Client | null = null;
  if (!databaseUrl) {
    const found = await testDatabase();
    if ('skipped' in found) return found;
    db = found;
    databaseUrl = found.url;
  } else {
    look = new pg.Client({ connectionString: databaseUrl });
    await look.connect();
  }
  const query = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) =>
    db ? db.query<R>(sql, params) : (await look!.query<R>(sql, params)).rows;
  const count = options.servers ?? 3;
  const names = Array.from({ length: count }, (_, i) => `s${i + 1}`);
  const servers: ChildServer[] = [];
  let balancer: Balancer | null = null;

  const stopAll = async (keepDatabase = false) => {
    await balancer?.stop();
    await Promise.all(servers.map((s) => s.stop().catch(() => {})));
    // Kept only when asked (CLUSTER_KEEP_DATABASE=1): its connections then stay open, and so
    // does this process, until it is stopped by hand.
    if (db && keepDatabase && process.env.CLUSTER_KEEP_DATABASE === '1') console.log(`test database kept: ${databaseUrl}`);
    else await db?.drop().catch((err: Error) => console.error(`dropping the test database: ${err.message}`));
    await look?.end().catch(() => {});
  };

  try {
    // One first, so the migrations run once; the others then find the tables made.
    const env = { DATABASE_URL: databaseUrl, TRUST_PROXY: 'loopback', ...options.env };
    servers.push(await startChildServer({ env }));
    servers.push(...(await Promise.all(names.slice(1).map(() => startChildServer({ env })))));
    balancer = await startBalancer(names.map((name, i) => [name, `127.0.0.1:${servers[i].port}`]));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const lb = balancer;
  const serverOf = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`no server ${name}; there are ${names.join(', ')}`);
    return servers[i];
  };
  const cluster: Cluster = {
    url: lb.url,
    databaseUrl: databaseUrl!,
    query,
    servers,
    names,
    states: lb.states,
    waitFor: lb.waitFor,
    serverFor: lb.serverFor,
    kill: (name) => serverOf(name).kill(),
    async restart(name) {
      await serverOf(name).restart();
      await lb.waitFor(name, 'UP');
    },
    async cutDatabase(downMs) {
      const target = new URL(databaseUrl!).pathname.slice(1);
      const admin = new URL(databaseUrl!);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      // This process's own connection for looking at the tables stays; every server's goes.
      const mine = (await query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;
      try {
        await client.query(`ALTER DATABASE "${target}" ALLOW_CONNECTIONS false`);
        const { rows } = await client.query<{ ended: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
          [target, mine],
        );
        await sleep(downMs);
        return { terminated: rows.filter((r) => r.ended).length };
      } finally {
        await client.query(`ALTER DATABASE "${target}" ALLOW_CONNECTIONS true`).finally(() => client.end());
      }
    },
    haproxyOutput: () => lb.output(),
    serverErrors: () => servers.flatMap((s, i) => s.errors.map((line) => `${names[i]}: ${line}`)),
    stop: ({ keepDatabase = false } = {}) => stopAll(keepDatabase),
  };
  return cluster;
}

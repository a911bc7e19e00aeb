// What the cluster scenario (bench/cluster.ts) is made of: a fresh PostgreSQL database with
// workshops and their participants written into it first, N Verkstad servers on it (each
// `server/index.ts` in its own process, bench/loadServer.ts), HAProxy with deploy/haproxy.cfg in
// front of them (tests/helpers/cluster.ts), and the CPU each process used over a phase, so the
// figures can say what bounded them on this machine.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { Workshops } from '../server/workshops.ts';
import { PostgresStore } from '../server/store/postgres.ts';
import { startBalancer, type Balancer } from '../tests/helpers/cluster.ts';
import { testDatabase, type TestDatabase } from '../tests/helpers/postgres.ts';
import { newToken } from './load.ts';
import { cpuSeconds, startServer, type ServerProcess } from './loadServer.ts';

export interface SeededWorkshop {
  workshopId: string;
  key: string;
  activityId: string;
  /** Bot number (unique in the run) and token of each participant, in seeding order. */
  participants: Array<{ i: number; token: string; id: string }>;
}

/** A fresh database of its own, dropped by `drop()`; or why there is none. */
export async function benchDatabase(): Promise<TestDatabase> {
  const found = await testDatabase();
  if ('skipped' in found) throw new Error(`the cluster bench needs PostgreSQL: ${found.skipped}`);
  return found;
}

/**
 * `count` workshops of `each` participants written through the server's own Workshops and
 * PostgresStore before any server starts, so phones connect as returning participants (their
 * token known, a snapshot each): joining thousands over sockets would fan every join out to
 * everyone already in. Bot numbers run on from `firstBot`.
 */
export async function seedWorkshops(url: string, count: number, each: number, firstBot = 0): Promise<SeededWorkshop[]> {
  const store = await PostgresStore.open(url);
  try {
    const workshops = new Workshops(store);
    const kinds = ['kommun', 'region', 'kommun', 'brukarrepresentant', 'annan'] as const;
    const seeded: SeededWorkshop[] = [];
    for (let w = 0; w < count; w++) {
      const { workshop, facilitatorKey } = await workshops.create({
        title: `Lasttest ${w + 1}`,
        date: '',
        place: '',
        purpose: '',
        goal: '',
        language: 'sv',
        agenda: [{ kind: 'brainstorm', title: 'Idéer' }],
      });
      const participants = await Promise.all(
        Array.from({ length: each }, (_, k) => {
          const i = firstBot + w * each + k;
          const token = newToken(i);
          const request = { token, name: `Deltagare ${i}`, organisation: `Organisation ${i % 40}`, orgKind: kinds[i % 5] };
          return new Promise<{ i: number; token: string; id: string }>((resolve, reject) =>
            workshops.join(workshop.id, request, (joined) =>
              joined.ok ? resolve({ i, token, id: joined.value.participant.id }) : reject(new Error(`seeding participant ${i}: ${joined.error}`)),
            ),
          );
        }),
      );
      seeded.push({ workshopId: workshop.id, key: facilitatorKey, activityId: workshop.currentActivityId!, participants });
    }
    return seeded;
  } finally {
    await store.close();
  }
}

/** Servers on one database behind HAProxy. */
export interface ServerGroup {
  servers: ServerProcess[];
  /** s1, s2, … as HAProxy names them. */
  names: string[];
  balancer: Balancer;
  stop(): Promise<void>;
}

/** `count` servers on `databaseUrl` (bots post faster than people, all from 127.0.0.1), then HAProxy. */
export async function startGroup(count: number, databaseUrl: string): Promise<ServerGroup> {
  const env = {
    DATABASE_URL: databaseUrl,
    TRUST_PROXY: 'loopback',
    // Every phone of the bench comes from 127.0.0.1: the per-address limits would count them as one.
    QUOTAS: 'visitorSocketsPerAddress=100000,joinsPerAddress=100000',
  };
  const started = await Promise.allSettled(Array.from({ length: count }, () => startServer('verkstad', { env })));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  const names = servers.map((_, i) => `s${i + 1}`);
  let balancer: Balancer;
  try {
    balancer = await startBalancer(names.map((name, i) => [name, new URL(servers[i].url).host]));
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return {
    servers,
    names,
    balancer,
    async stop() {
      await balancer.stop();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

/** Busy share of the whole machine since the last call, from /proc/stat (1 = every core busy). */
export function machineMeter(): () => number {
  const read = () => {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3] + n[4];
    return { idle, total: n.reduce((a, b) => a + b, 0) };
  };
  let last = read();
  return () => {
    const now = read();
    const busy = 1 - (now.idle - last.idle) / Math.max(1, now.total - last.total);
    last = now;
    return busy;
  };
}

/** CPU seconds of the PostgreSQL backends serving this database now (their pids from pg_stat_activity). */
export async function postgresMeter(databaseUrl: string): Promise<() => number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const name = new URL(databaseUrl).pathname.slice(1);
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  await client.end();
  const pids = rows.map((r) => r.pid);
  return () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/**
 * How often workshops were read whole from the store between this call and its answer's: `open` reads a
 * workshop's credentials (the only query that reads them all), so the index scans of the
 * credentials table count the reads (and token lookups, none while phones only post).
 */
export async function storeReads(databaseUrl: string): Promise<() => Promise<number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const read = async () => {
    // The statistics of other backends reach this one's view once they flush (at most ~1 s), and
    // a transaction sees one snapshot of them: a fresh one each time.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>(
      "SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS n FROM pg_stat_user_tables WHERE relname = 'credentials'",
    );
    return Number(rows[0]?.n ?? 0);
  };
  const first = await read();
  // Asked once, at the end of a phase: the connection goes then (a dropped database must find none).
  return async () => {
    try {
      return (await read()) - first;
    } finally {
      await client.end();
    }
  };
}

/** What the servers logged besides the bench's own lines: each kind of line (digits as #) and how often. */
export function serverLog(group: ServerGroup): string {
  const kinds = new Map<string, number>();
  for (const [i, server] of group.servers.entries())
    for (const line of server.output().split('\n')) {
      if (!line.trim() || line.startsWith('bench: ') || /^(Verkstad is running|Closed workshops|Phones on the same|Join links)/.test(line)) continue;
      const kind = `${group.names[i]}: ${line.replace(/\d+/g, '#').slice(0, 120)}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  if (!kinds.size) return 'nothing';
  return [...kinds].map(([kind, n]) => `${kind} (×${n})`).join('; ');
}

/** HAProxy's lines of servers going DOWN or UP (its log holds nothing else at level notice). */
export function stateChanges(group: ServerGroup): string[] {
  return group.balancer
    .output()
    .split('\n')
    .filter((line) => /^Server \S+ is (DOWN|UP)/.test(line))
    .map((line) => line.replace(/, check duration.*$/, ''));
}

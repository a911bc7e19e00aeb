// Where the crash scenario (crashScenario.ts) runs: one server process on its SQLite file, or
// several on one PostgreSQL behind HAProxy (cluster.ts). Each says where the bots connect, which
// server a kill takes (the one holding most of the bots' connections), how the store is read
// beside the running servers, and what the servers printed.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import { startChildServer } from './childServer.ts';
import type { Cluster } from './cluster.ts';

export interface StoredWorkshop {
  events: Sequenced[];
  /** command id → the seq it was recorded with. */
  commands: Map<string, number>;
  /** 'ok', or what is wrong with the store's own bookkeeping. */
  integrity: string;
}

export interface Deployment {
  /** Where bots, facilitator and API calls go. */
  readonly url: string;
  /** SIGKILL the server holding most of the bots' connections; resolves (with its name) once it is gone. */
  kill(): Promise<string>;
  /** Start the killed server again; resolves once phones can reach it. */
  restart(): Promise<void>;
  /** A killed server has not been started again yet. */
  readonly down: boolean;
  /** Cut the servers off their database for `downMs` (PostgreSQL only); says what was cut. */
  cutDatabase?(downMs: number): Promise<string>;
  /** Ids of the notes stored for a workshop, read beside (or without) the servers. */
  noteIds(workshopId: string): Promise<Set<string>>;
  read(workshopId: string): Promise<StoredWorkshop>;
  /** What went wrong in the servers: lines on stderr that are not expected under the faults, a server that died unasked. */
  problems(): Promise<string[]>;
  /** The servers' last lines, for a failure report. */
  output(): string;
  /** Stop everything. When `keep`, the data stays: resolves with where. */
  stop(keep: boolean): Promise<string | null>;
}

const parse = (rows: Array<{ seq: number; data: string }>): Sequenced[] =>
  rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.data) as WorkshopEvent }));

/** One `server/index.ts` on a SQLite file in a temp folder, reached directly. */
export async function singleServer(env: Record<string, string>): Promise<Deployment> {
  const server = await startChildServer({ env });
  const open = () => new Database(join(server.dataDir, 'verkstad.db'), { readonly: true, fileMustExist: true });
  return {
    url: server.url,
    async kill() {
      await server.kill();
      return 'the server';
    },
    restart: () => server.restart(),
    get down() {
      return !server.running;
    },
    async noteIds(workshopId) {
      const db = open();
      try {
        const rows = db
          .prepare("SELECT json_extract(data, '$.note.id') AS id FROM events WHERE workshop_id = ? AND type = 'note.added'")
          .all(workshopId) as Array<{ id: string }>;
        return new Set(rows.map((r) => r.id));
      } finally {
        db.close();
      }
    },
    async read(workshopId) {
      const db = open();
      try {
        const rows = db.prepare('SELECT seq, data FROM events WHERE workshop_id = ? ORDER BY seq').all(workshopId) as Array<{
          seq: number;
          data: string;
        }>;
        const commands = db.prepare('SELECT command_id, seq FROM commands WHERE workshop_id = ?').all(workshopId) as Array<{
          command_id: string;
          seq: number;
        }>;
        const integrity = String(db.pragma('integrity_check', { simple: true }));
        return { events: parse(rows), commands: new Map(commands.map((c) => [c.command_id, c.seq])), integrity };
      } finally {
        db.close();
      }
    },
    async problems() {
      return server.errors.length ? [`the server printed errors: ${server.errors.slice(0, 5).join(' | ')}`] : [];
    },
    output: () => server.output(),
    async stop(keep) {
      await server.stop({ keepData: keep }).catch(() => {});
      return keep ? server.dataDir : null;
    },
  };
}

/**
 * What a server prints by design when PostgreSQL is slow (shared limits fall back to counting in
 * memory past 250 ms, sharedLimits.ts: a 2-core machine running three servers, HAProxy, PostgreSQL
 * and 40 fast bots gets there), and, after a database cut, its own lines of what failed while the
 * database was gone. Listed, not failures; anything else on stderr is a problem, and so is any
 * line of a process dying (an unhandled error).
 */
/** What a server says when PostgreSQL answers the shared limits late: it counts in memory meanwhile. */
export const EXPECTED_UNDER_LOAD = [/\] Limits: PostgreSQL (failed \(no answer within|answers again)/];
const EXPECTED_AT_CUT = [
  /\] (PostgreSQL|cluster) connection lost: /,
  /\] Limits: PostgreSQL (failed|answers again)/,
  /\] (append|workshop load) failed \S+ (database "\w+" is not currently accepting connections|terminating connection due to administrator command|Connection terminated|Client has encountered a connection error and is not queryable)/,
  /\] cluster poll failed (terminating connection due to administrator command|database "\w+" is not currently accepting connections|Connection terminated)/,
];
const DYING = /Unhandled|throw er|^\S+ \[server \d+\] Node\.js v/;

/** The servers of `cluster` behind its HAProxy; a kill takes the one HAProxy counts most connections on. */
export function haproxyCluster(cluster: Cluster): Deployment {
  let killed: string | null = null;
  let cuts = 0;
  return {
    url: cluster.url,
    async kill() {
      const up = (await cluster.states()).filter((s) => s.status === 'UP');
      const busiest = up.reduce((a, b) => (b.current > a.current ? b : a));
      await cluster.kill(busiest.name);
      killed = busiest.name;
      return `${busiest.name} (${busiest.current} connections; ${up.map((s) => `${s.name} ${s.current}`).join(', ')})`;
    },
    async restart() {
      if (!killed) return;
      await cluster.restart(killed);
      killed = null;
    },
    get down() {
      return killed !== null;
    },
    async cutDatabase(downMs) {
      cuts++;
      const { terminated } = await cluster.cutDatabase(downMs);
      return `${terminated} connections ended, new ones refused for ${downMs} ms`;
    },
    async noteIds(workshopId) {
      const rows = await cluster.query<{ id: string }>(
        "SELECT (data::jsonb)->'note'->>'id' AS id FROM events WHERE workshop_id = $1 AND type = 'note.added'",
        [workshopId],
      );
      return new Set(rows.map((r) => r.id));
    },
    async read(workshopId) {
      const rows = await cluster.query<{ seq: number; data: string }>('SELECT seq, data FROM events WHERE workshop_id = $1 ORDER BY seq', [
        workshopId,
      ]);
      const commands = await cluster.query<{ command_id: string; seq: number }>(
        'SELECT command_id, seq FROM commands WHERE workshop_id = $1',
        [workshopId],
      );
      // The store's own bookkeeping: the fence (last_seq) is the last event's seq, seqs have no holes.
      const [record] = await cluster.query<{ last_seq: number }>('SELECT last_seq FROM workshops WHERE id = $1', [workshopId]);
      const last = rows.at(-1)?.seq ?? 0;
      const integrity =
        record?.last_seq !== last ? `workshops.last_seq is ${record?.last_seq}, the last event's seq ${last}` : rows.length !== last ? `${rows.length} events up to seq ${last}` : 'ok';
      return { events: parse(rows), commands: new Map(commands.map((c) => [c.command_id, c.seq])), integrity };
    },
    async problems() {
      const found: string[] = [];
      const expected = [...EXPECTED_UNDER_LOAD, ...(cuts ? EXPECTED_AT_CUT : [])];
      const all = cluster.serverErrors();
      const lines = all.filter((line) => DYING.test(line) || !expected.some((re) => re.test(line)));
      if (lines.length) found.push(`the servers printed errors: ${lines.slice(0, 8).join(' | ')}`);
      const known = all.length - lines.length;
      if (known) console.log(`the servers printed ${known} lines of what they do when PostgreSQL is slow or gone, e.g. ${all.find((l) => !lines.includes(l))}`);
      const gone = (await cluster.states()).filter((s) => s.status !== 'UP');
      if (gone.length) found.push(`HAProxy holds ${gone.map((s) => `${s.name} ${s.status}`).join(', ')} at the end: a server died unasked`);
      return found;
    },
    output: () => cluster.servers.map((s, i) => `${cluster.names[i]}:\n${s.output().split('\n').slice(-15).join('\n')}`).join('\n'),
    async stop(keep) {
      const kept = keep && process.env.CLUSTER_KEEP_DATABASE === '1';
      await cluster.stop({ keepDatabase: kept });
      return kept ? cluster.databaseUrl : null;
    },
  };
}

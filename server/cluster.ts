// Several servers on one PostgreSQL (DATABASE_URL). Any server serves any workshop: each holds
// the workshops its sockets follow and sends their events to its own sockets. Events travel
// through the store, never through the Socket.IO adapter: after a commit a server tells the
// others "workshop W is at seq S" (a hint, gathered every HINT_EVERY_MS, through the adapter's
// serverSideEmit), and each reads what it misses from the store (Workshops.refresh). A hint can
// be lost (every adapter drops messages while it reconnects): a slow poll of the store is the
// backstop, so a lost hint only delays. A deletion and presence go through the adapter too,
// with the poll (for deletions) and a repeat (for presence) behind them.
import { createAdapter } from '@socket.io/postgres-adapter';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Io } from './fanout.ts';
import type { Workshops } from './workshops.ts';

const HINT_EVERY_MS = 25;
/** How often workshops followed here are compared with the store, hints or not. */
const POLL_EVERY_MS = 2000;
/** How often a server says again who is online on it (presence.ts forgets after 30 s). */
const PRESENCE_EVERY_MS = 10_000;

/** The adapter's table for payloads larger than a NOTIFY may carry. */
const ATTACHMENTS = `CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT NOW(),
  payload bytea
)`;

export interface ClusterHooks {
  /** Another server deleted a workshop, or the store no longer has one held here. */
  deleted(workshopId: string): void;
  /** Another server's list of who is online on it. */
  presence(server: string, workshopId: string, online: string[]): void;
  /** Time to say again who is online here. */
  repeatPresence(): void;
  /** Whether sockets on this server follow a workshop. */
  followed(workshopId: string): boolean;
}

type Message =
  | { kind: 'seq'; hints: Array<[string, number]> }
  | { kind: 'deleted'; workshopId: string }
  | { kind: 'presence'; server: string; workshopId: string; online: string[] };

/**
 * Every connection of the pool gets an 'error' listener, from its first: the adapter's LISTEN
 * connection has none of its own, so a connection PostgreSQL ends (a restart,
 * pg_terminate_backend) would end the process. With one, the adapter sees the connection end
 * and makes another; a hint meanwhile is lost, which the poll makes good. Call it before the
 * pool is first used.
 */
export function guardPool(pool: pg.Pool): void {
  const lost = (err: Error) => console.error('cluster connection lost:', err.message);
  pool.on('connect', (client) => {
    client.on('error', lost);
    // The adapter drops a LISTEN connection that ended without giving it back, and the pool
    // would wait for it for ever when it ends (a server that never stops). Given back here;
    // one given back already is refused by pg, which is all right.
    client.on('end', () => {
      try {
        (client as pg.PoolClient).release(true);
      } catch {
        // released already
      }
    });
  });
  pool.on('error', lost);
}

/** The adapter on the pool's database, and the hints, polls and messages between servers. */
export async function attachCluster(io: Io, workshops: Workshops, pool: pg.Pool, hooks: ClusterHooks) {
  await pool.query(ATTACHMENTS);
  // Below the ~8,000-byte NOTIFY payload that 0.5.0 mishandles (STACK.md).
  io.adapter(createAdapter(pool, { payloadThreshold: 7000 }));
  const server = randomUUID();
  const send = (message: Message) => io.serverSideEmit('verkstad', message);

  const pending = new Map<string, number>();
  let hintTimer: NodeJS.Timeout | null = null;
  function flushHints() {
    hintTimer = null;
    if (!pending.size) return;
    send({ kind: 'seq', hints: [...pending] });
    pending.clear();
  }

  io.on('verkstad' as never, (message: Message) => {
    switch (message.kind) {
      case 'seq':
        for (const [workshopId, seq] of message.hints) {
          const held = workshops.heldSeq(workshopId);
          if (held !== undefined && held < seq) void workshops.refresh(workshopId).catch(() => {}); // the poll tries again
        }
        return;
      case 'deleted':
        return hooks.deleted(message.workshopId);
      case 'presence':
        if (message.server !== server) hooks.presence(message.server, message.workshopId, message.online);
    }
  });

  // The backstop: every workshop followed here is compared with the store.
  let polling = false;
  const poll = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      for (const workshopId of workshops.heldIds()) {
        if (!hooks.followed(workshopId)) continue;
        if (!(await workshops.store.get(workshopId))) hooks.deleted(workshopId);
        else await workshops.refresh(workshopId);
      }
    } catch (err) {
      console.error('cluster poll failed', (err as Error).message);
    } finally {
      polling = false;
    }
  }, POLL_EVERY_MS);
  poll.unref();
  const presence = setInterval(() => hooks.repeatPresence(), PRESENCE_EVERY_MS);
  presence.unref();

  return {
    /** This server stored events of a workshop up to `seq`: the others hear of it soon. */
    stored(workshopId: string, seq: number) {
      pending.set(workshopId, Math.max(seq, pending.get(workshopId) ?? 0));
      hintTimer ??= setTimeout(flushHints, HINT_EVERY_MS);
    },
    deleted(workshopId: string) {
      send({ kind: 'deleted', workshopId });
    },
    presence(workshopId: string, online: string[]) {
      send({ kind: 'presence', server, workshopId, online });
    },
    stop() {
      clearInterval(poll);
      clearInterval(presence);
      if (hintTimer) clearTimeout(hintTimer);
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof attachCluster>>;

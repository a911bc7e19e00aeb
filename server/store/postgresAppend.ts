// Appends to PostgreSQL: one total order per workshop, whichever server writes. A lane sends the
// appends of a run without waiting between them (server/lane.ts); they queue here per workshop,
// in call order, and all that queued while the last write ran go into the next one (group
// commit per workshop; PostgreSQL itself groups the WAL flushes of concurrent workshops). Each
// is answered once that write has committed. Other workshops never wait: each has its own
// queue, and its write its own pooled connection.
//
// A batch is one statement, so one transaction, fenced on the workshop's last seq: no lock is
// held across a round trip to this server, so a server that stalls or dies mid-append holds up
// no other. It is written optimistically (the seq the lane expects, no command id or token
// taken); should the fence or a primary key say otherwise, nothing of it is kept, the store is
// read, and the batch planned again on what is really there (postgresPlan.ts).
import type pg from 'pg';
import type { WorkshopEvent } from '../../shared/workshop/events.ts';
import { plan, type Known, type Plan } from './postgresPlan.ts';
import { SeqConflict, type AppendOptions } from './store.ts';

interface Pending {
  expectedSeq: number;
  events: WorkshopEvent[];
  options: AppendOptions;
  resolve(seq: number): void;
  reject(err: Error): void;
}

/** After a commit: the workshop's seq now, and the seq of its latest stored snapshot (0: none). */
export type OnCommitted = (workshopId: string, lastSeq: number, snapshotSeq: number) => void;

/** At most this many appends share a statement, so that its row lock is held briefly. */
const MAX_BATCH = 100;
/** Writes of one batch before it is refused: each retry means another server just wrote. */
const MAX_ATTEMPTS = 5;
const UNIQUE_VIOLATION = '23505';

/**
 * The fence moves `last_seq` only if it is where the batch begins (an UPDATE that waited for
 * another server's rechecks it on the row that server left); without its row nothing is
 * inserted. A command id or token taken meanwhile fails a primary key: the whole statement
 * then keeps nothing.
 */
const WRITE = `WITH fence AS (
    UPDATE workshops SET last_seq = last_seq + $3, closed_at = CASE WHEN $4 THEN $5::bigint ELSE closed_at END
    WHERE id = $1 AND last_seq = $2 RETURNING last_seq
  ), written_events AS (
    INSERT INTO events (workshop_id, seq, type, data)
    SELECT $1, e.seq, e.type, e.data FROM fence, unnest($6::int[], $7::text[], $8::text[]) AS e(seq, type, data)
  ), written_commands AS (
    INSERT INTO commands (workshop_id, command_id, seq)
    SELECT $1, c.id, c.seq FROM fence, unnest($9::text[], $10::int[]) AS c(id, seq)
  ), written_credentials AS (
    INSERT INTO credentials (workshop_id, token_hash, participant_id)
    SELECT $1, t.hash, t.participant FROM fence, unnest($11::text[], $12::text[]) AS t(hash, participant)
  )
  SELECT last_seq, (SELECT seq FROM snapshots WHERE workshop_id = $1) AS snapshot_seq FROM fence`;

/** The workshop as stored, for the batch's command ids and tokens: one statement, one moment. */
const READ = `SELECT last_seq,
    (SELECT json_object_agg(command_id, seq) FROM commands WHERE workshop_id = $1 AND command_id = ANY($2::text[])) AS commands,
    ARRAY(SELECT token_hash FROM credentials WHERE workshop_id = $1 AND token_hash = ANY($3::text[])) AS tokens
  FROM workshops WHERE id = $1`;

export class Appender {
  /** Appends waiting per workshop; a workshop is in here while its queue is being drained. */
  readonly #queues = new Map<string, Pending[]>();
  readonly #drains = new Set<Promise<void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onCommitted: OnCommitted,
  ) {}

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const pending = { expectedSeq, events, options, resolve, reject };
      const waiting = this.#queues.get(workshopId);
      if (waiting) return void waiting.push(pending);
      const queue = [pending];
      this.#queues.set(workshopId, queue);
      // After the caller's synchronous run: the appends it sends in a row share the first batch.
      queueMicrotask(() => {
        const drain = this.#drain(workshopId, queue).finally(() => this.#drains.delete(drain));
        this.#drains.add(drain);
      });
    });
  }

  /** Once every append asked for so far is answered (closing waits for them). */
  async idle(): Promise<void> {
    while (this.#queues.size) {
      await Promise.resolve(); // a queue's drain starts a microtask after its first append
      await Promise.all(this.#drains);
    }
  }

  async #drain(workshopId: string, queue: Pending[]) {
    while (queue.length) await this.#commit(workshopId, queue.splice(0, MAX_BATCH), queue);
    this.#queues.delete(workshopId);
  }

  /** Write the batch and answer each append, then refuse the queued ones built on a refused one. */
  async #commit(workshopId: string, batch: Pending[], queue: Pending[]) {
    let failedEnds: Set<number>;
    try {
      const { p, snapshotSeq } = await this.#write(workshopId, batch);
      p.outcomes.forEach((outcome, i) => (typeof outcome === 'number' ? batch[i].resolve(outcome) : batch[i].reject(outcome)));
      if (snapshotSeq !== undefined) this.onCommitted(workshopId, p.lastSeq, snapshotSeq);
      failedEnds = p.failedEnds;
    } catch (err) {
      // Nothing of the batch is kept. Should a commit's answer itself be lost, it may have
      // been: the lane then reloads the workshop, and a resend meets its command id.
      for (const pending of batch) pending.reject(err as Error);
      failedEnds = new Set(batch.filter((p) => p.events.length).map((p) => p.expectedSeq + p.events.length));
    }
    // In the same turn as the answers: whatever is queued now was asked before them.
    rejectChained(workshopId, queue, failedEnds);
  }

  async #write(workshopId: string, batch: Pending[]): Promise<{ p: Plan; snapshotSeq?: number }> {
    let known: Known = { lastSeq: batch[0].expectedSeq, commands: new Map(), tokens: new Set() };
    for (let attempt = 1; ; attempt++) {
      const p = plan(workshopId, batch, known);
      if (!p.writes) return { p };
      const written = await this.#tryWrite(workshopId, p);
      if (written) return { p, snapshotSeq: written.snapshot_seq ?? 0 };
      if (attempt === MAX_ATTEMPTS) throw new SeqConflict(workshopId, batch[0].expectedSeq, known.lastSeq);
      known = await this.#read(workshopId, batch);
    }
  }

  /** The batch's statement; undefined when the fence or a primary key refused it (nothing kept). */
  async #tryWrite(workshopId: string, p: Plan) {
    try {
      const { rows } = await this.pool.query<{ last_seq: number; snapshot_seq: number | null }>({
        name: 'verkstad-append',
        text: WRITE,
        values: [
          workshopId, p.firstSeq, p.lastSeq - p.firstSeq, p.closedAt !== undefined, p.closedAt ?? null,
          p.events.seq, p.events.type, p.events.data,
          p.commands.id, p.commands.seq,
          p.credentials.hash, p.credentials.participant,
        ],
      });
      return rows[0];
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
      throw err;
    }
  }

  async #read(workshopId: string, batch: Pending[]): Promise<Known> {
    const commandIds = batch.flatMap((p) => (p.options.commandId === undefined ? [] : [p.options.commandId]));
    const tokenHashes = batch.flatMap((p) => (p.options.credential ? [p.options.credential.tokenHash] : []));
    const { rows } = await this.pool.query<{ last_seq: number; commands: Record<string, number> | null; tokens: string[] }>({
      name: 'verkstad-append-read',
      text: READ,
      values: [workshopId, commandIds, tokenHashes],
    });
    if (!rows.length) throw new Error(`unknown workshop ${workshopId}`);
    return { lastSeq: rows[0].last_seq, commands: new Map(Object.entries(rows[0].commands ?? {})), tokens: new Set(rows[0].tokens) };
  }
}

/**
 * The appends still queued were asked before the refusals just answered: one that starts where
 * a refused one would have ended was decided on its events, and is refused too (and so on).
 */
function rejectChained(workshopId: string, queue: Pending[], failedEnds: Set<number>) {
  for (let i = 0; i < queue.length; ) {
    const pending = queue[i];
    if (!failedEnds.has(pending.expectedSeq)) {
      i += 1;
      continue;
    }
    if (pending.events.length) failedEnds.add(pending.expectedSeq + pending.events.length);
    const message = `workshop ${workshopId}: expected seq ${pending.expectedSeq}, which a refused append was to reach`;
    pending.reject(Object.assign(new SeqConflict(workshopId, pending.expectedSeq, 0), { message }));
    queue.splice(i, 1);
  }
}

// Rate limits that several servers share through PostgreSQL (rate-limiter-flexible's
// RateLimiterPostgres, one table per limit), for quotas.ts and limits.ts when DATABASE_URL is
// set. PostgreSQL is the count; each server also counts in its own memory, and answers from
// there when PostgreSQL fails or takes longer than TIMEOUT_MS: limits then hold per server, as
// with one server, never wide open and never shut for everyone. docs/operations.md ("Limits").
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

/** The limiter calls quotas.ts and limits.ts make: RateLimiterMemory's, and SharedLimiter's. */
export interface Limiter {
  /** Resolves within the points, rejects with the RateLimiterRes when over them (still counted). */
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  /** Adds points without refusing; reward takes them back. */
  penalty(key: string, points?: number): Promise<RateLimiterRes>;
  reward(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
}

export interface LimitOptions {
  /** The table, and the key prefix within it. */
  table: string;
  points: number;
  /** Window in seconds. */
  duration: number;
}

/**
 * Longer than this and the server answers from its own count. A check is one upsert by primary
 * key: ~0.3–0.5 ms here, and a busy PostgreSQL on a LAN is still far below. A command waits
 * for its check, so this is what a phone's note waits at most for a stuck database.
 */
export const TIMEOUT_MS = 250;

/** After a failure or a timeout, PostgreSQL is left alone this long before it is tried again. */
export const RETRY_AFTER_FAILURE_MS = 2_000;

/** Every Verkstad server takes this advisory lock to make the limit tables ('vklm'). */
const TABLES_LOCK = 0x766b6c6d;

/** A refusal (RateLimiterRes) is an answer; anything else is the limiter failing. */
const outcome = <T extends RateLimiterRes | null>(call: Promise<T>): Promise<{ res: T | RateLimiterRes; over: boolean }> =>
  call.then(
    (res) => ({ res, over: false }),
    (err: unknown) => {
      if (err instanceof RateLimiterRes) return { res: err, over: true };
      throw err;
    },
  );

/** One PostgreSQL pool's limits: their tables, and whether PostgreSQL is answering. */
export class SharedLimits {
  readonly #pool: pg.Pool;
  readonly #tables: string[] = [];
  #ready: Promise<void> | undefined;
  #skipUntil = 0;
  #failing = false;
  /** Calls that timed out and have not ended: each may hold one of the pool's connections. */
  #stuck = 0;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  limiter(options: LimitOptions): SharedLimiter {
    if (!/^[a-z_]+$/.test(options.table)) throw new Error(`not a table name: ${options.table}`);
    this.#tables.push(options.table);
    const { table, points, duration } = options;
    const shared = new RateLimiterPostgres({
      storeClient: this.#pool,
      storeType: 'pool',
      tableName: table,
      keyPrefix: table,
      points,
      duration,
      // Made by ready(), before the server takes requests; until then, and whenever a table is
      // missing, the memory count answers. Left to the library, a failed CREATE at start would
      // be thrown where nobody catches it, and the limiter would never try again.
      tableCreated: true,
    });
    return new SharedLimiter(this, shared, new RateLimiterMemory({ points, duration }));
  }

  /**
   * Make the tables if missing; idempotent, safe with servers starting together (an advisory
   * lock: two concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL's catalogue). The
   * columns are those RateLimiterPostgres itself would make.
   */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [TABLES_LOCK]);
        for (const table of this.#tables)
          await client.query(`CREATE TABLE IF NOT EXISTS "${table}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        this.#ready = undefined;
        throw err;
      } finally {
        client.release();
      }
    })();
    return this.#ready;
  }

  /**
   * PostgreSQL's answer, or null when it failed or took over TIMEOUT_MS, or did so in the last
   * RETRY_AFTER_FAILURE_MS, or a call that took too long has still not ended: then nothing more
   * is sent, so a stuck PostgreSQL does not take every connection of a pool the store shares.
   */
  async ask(call: () => Promise<RateLimiterRes | null>): Promise<{ res: RateLimiterRes | null; over: boolean } | null> {
    if (this.#stuck > 0 || Date.now() < this.#skipUntil) return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, TIMEOUT_MS, 'late')));
    try {
      const asked = outcome(call()).catch((err: Error) => err);
      const answer = await Promise.race([asked, late]);
      if (answer === 'late') {
        this.#stuck++;
        asked.then(() => this.#stuck--);
      }
      if (answer === 'late' || answer instanceof Error) {
        this.#failed(answer === 'late' ? `no answer within ${TIMEOUT_MS} ms` : answer.message);
        // A table missing (ready() not awaited, or dropped): made now, counted there after.
        if ((answer as { code?: string }).code === '42P01') this.ready().catch(() => {});
        return null;
      }
      if (this.#failing) {
        this.#failing = false;
        console.warn('Limits: PostgreSQL answers again; counting there');
      }
      return answer;
    } finally {
      clearTimeout(timer);
    }
  }

  #failed(why: string) {
    this.#skipUntil = Date.now() + RETRY_AFTER_FAILURE_MS;
    if (this.#failing) return;
    this.#failing = true;
    console.warn(`Limits: PostgreSQL failed (${why}); counting in this server's memory until it answers`);
  }
}

/**
 * One limit, counted in PostgreSQL and mirrored in this server's memory. The mirror sees every
 * call this server makes, so when PostgreSQL fails it already holds this server's share of each
 * count: an address that spent its budget here does not get a fresh one at each hiccup (as a
 * cold insuranceLimiter would give it), and nobody is refused for what other servers counted.
 */
export class SharedLimiter implements Limiter {
  readonly #limits: SharedLimits;
  readonly #shared: RateLimiterPostgres;
  readonly #mirror: RateLimiterMemory;

  constructor(limits: SharedLimits, shared: RateLimiterPostgres, mirror: RateLimiterMemory) {
    this.#limits = limits;
    this.#shared = shared;
    this.#mirror = mirror;
  }

  async consume(key: string, points = 1): Promise<RateLimiterRes> {
    const local = outcome(this.#mirror.consume(key, points));
    const answer = (await this.#limits.ask(() => this.#shared.consume(key, points))) ?? (await local);
    if (answer.over) throw answer.res;
    return answer.res!;
  }

  async penalty(key: string, points = 1): Promise<RateLimiterRes> {
    const local = this.#mirror.penalty(key, points);
    return ((await this.#limits.ask(() => this.#shared.penalty(key, points)))?.res ?? (await local))!;
  }

  async reward(key: string, points = 1): Promise<RateLimiterRes> {
    const local = this.#mirror.reward(key, points);
    return ((await this.#limits.ask(() => this.#shared.reward(key, points)))?.res ?? (await local))!;
  }

  async get(key: string): Promise<RateLimiterRes | null> {
    const answer = await this.#limits.ask(() => this.#shared.get(key));
    return answer ? answer.res : this.#mirror.get(key);
  }
}

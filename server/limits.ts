// Join codes can be guessed, so wrong codes are counted: per address (addresses.ts: an IPv6
// client by its /64), and across the server only to make each wrong guess dearer. Right codes
// never count, and the overall count never refuses anyone: an address that is not over its own
// budget always gets its right code through. Values and the guessing odds: docs/operations.md.
// With a PostgreSQL pool (several servers) every count is shared there (sharedLimits.ts).
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { addressKey } from './addresses.ts';
import { SharedLimits, type Limiter, type SharedLimiter } from './sharedLimits.ts';

export interface CodeGuessLimits {
  /** Wrong codes one address may send in a window while the server is calm. */
  perAddress: number;
  /** Wrong codes from everywhere in a window before each one costs an address more. */
  overall: number;
  /** Window in seconds. */
  duration: number;
}

/**
 * 100 wrong codes per 15 minutes: a hall of 300 phones behind one venue address, a third of
 * them typing the code and a fifth of those mistyping it twice, makes some 40. 1,000 across the
 * server is far above a regional server's typos and far below what guessing takes.
 */
export const DEFAULT_CODE_GUESS_LIMITS: CodeGuessLimits = { perAddress: 100, overall: 1000, duration: 900 };

/** A lookup allowed to run; `settle` says whether the code was wrong, and must be called once. */
export type Admission = { ok: true; settle(wrong: boolean): Promise<void> } | { ok: false; retryAfter: number };

/** A consume that went over its points still counted: its result either way. */
const counted = (consume: Promise<RateLimiterRes>) =>
  consume.catch((res: unknown) => {
    if (res instanceof RateLimiterRes) return res;
    throw res;
  });

/**
 * Window of the lookups running per address on every server (shared only): a hold that is
 * never given back (its server died, or PostgreSQL missed the release) is gone within it. A
 * release landing just after its window ended leaves -1 for one window: one lookup more may
 * run in parallel then, no more.
 */
const HOLD_SECONDS = 60;

export class CodeGuessLimiter {
  readonly limits: CodeGuessLimits;
  #perAddress: Limiter;
  #overall: Limiter;
  /** Lookups running per address key: each may turn out wrong, so each holds a point. */
  #inFlight = new Map<string, number>();
  readonly #shared: SharedLimits | null;
  /** Shared only: #inFlight, counted on every server. */
  readonly #held: SharedLimiter | null;

  /** `shared`: count in this PostgreSQL, with the other servers on it; await ready() first. */
  constructor(limits: CodeGuessLimits = DEFAULT_CODE_GUESS_LIMITS, shared?: { pool: pg.Pool }) {
    this.limits = limits;
    const { perAddress, overall, duration } = limits;
    if (!shared) {
      this.#shared = this.#held = null;
      this.#perAddress = new RateLimiterMemory({ points: perAddress, duration });
      this.#overall = new RateLimiterMemory({ points: overall, duration });
      return;
    }
    this.#shared = new SharedLimits(shared.pool);
    this.#perAddress = this.#shared.limiter({ table: 'limits_code_address', points: perAddress, duration });
    this.#overall = this.#shared.limiter({ table: 'limits_code_all', points: overall, duration });
    this.#held = this.#shared.limiter({ table: 'limits_code_held', points: perAddress, duration: HOLD_SECONDS });
  }

  /** The shared tables made (if missing); resolves at once without a pool. */
  async ready(): Promise<void> {
    await this.#shared?.ready();
  }

  /** Seconds before this address may look up a code again, or 0 if it may now. */
  async retryAfter(address: string): Promise<number> {
    const key = addressKey(address);
    const [mine, held] = await Promise.all([this.#perAddress.get(key), this.#held ? this.#held.get(key) : null]);
    return this.#wait(mine, this.#held ? Math.max(0, held?.consumedPoints ?? 0) : (this.#inFlight.get(key) ?? 0));
  }

  /** Before a lookup: refused while the address is over its budget, else held until settled. */
  async admit(address: string): Promise<Admission> {
    const key = addressKey(address);
    if (this.#held) return this.#admitShared(key, this.#held);
    const wait = this.#wait(await this.#perAddress.get(key), this.#inFlight.get(key) ?? 0);
    if (wait > 0) return { ok: false, retryAfter: wait };
    // Held in the same turn as the check, so parallel lookups cannot overrun the budget.
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let settled = false;
    return {
      ok: true,
      settle: async (wrong) => {
        if (settled) return;
        settled = true;
        try {
          if (wrong) await this.#countWrong(key);
        } finally {
          // Released only once counted, so the point is never missing from both.
          const left = (this.#inFlight.get(key) ?? 1) - 1;
          if (left > 0) this.#inFlight.set(key, left);
          else this.#inFlight.delete(key);
        }
      },
    };
  }

  /**
   * As admit, with the holds of every server: the hold is taken first and the wrong codes read
   * after, so of lookups from one address on many servers at once each sees those before it
   * either still held or already counted, and no more than the budget can run.
   */
  async #admitShared(key: string, held: SharedLimiter): Promise<Admission> {
    const holds = (await held.penalty(key, 1)).consumedPoints;
    const wait = this.#wait(await this.#perAddress.get(key), Math.max(0, holds - 1));
    if (wait > 0) {
      await held.reward(key, 1);
      return { ok: false, retryAfter: wait };
    }
    let settled = false;
    return {
      ok: true,
      settle: async (wrong) => {
        if (settled) return;
        settled = true;
        try {
          if (wrong) await this.#countWrong(key);
        } finally {
          await held.reward(key, 1);
        }
      },
    };
  }

  /** Count one wrong code from this address (what a settled wrong lookup does). */
  async wrong(address: string): Promise<void> {
    await this.#countWrong(addressKey(address));
  }

  /** From the address's wrong codes and the lookups of it running (not counting this one). */
  #wait(mine: RateLimiterRes | null, running: number): number {
    const used = mine?.consumedPoints ?? 0;
    if (used + running < this.limits.perAddress) return 0;
    // Full only with lookups still running: those end within milliseconds.
    if (!mine || used < this.limits.perAddress) return 1;
    return Math.max(1, Math.ceil(mine.msBeforeNext / 1000));
  }

  /**
   * A wrong code costs 1 while the server has seen at most `overall` wrong codes in the window,
   * a tenth of an address budget up to twice that, and the whole budget beyond: many addresses
   * guessing together are each stopped after ten guesses, then after one, while a venue's typos
   * on a calm day cost what they always did. docs/operations.md has the odds each step gives.
   */
  async #countWrong(key: string): Promise<void> {
    const { perAddress, overall } = this.limits;
    const seen = (await counted(this.#overall.consume('all'))).consumedPoints;
    const cost = seen <= overall ? 1 : seen <= 2 * overall ? Math.ceil(perAddress / 10) : perAddress;
    await counted(this.#perAddress.consume(key, cost));
  }
}

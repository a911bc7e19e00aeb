// Join codes have only a million values, so guessing them is throttled: wrong codes count
// per address and across the server. Right codes never count — a whole hall joining from
// one municipal Wi-Fi address must not be locked out.
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface CodeGuessLimits {
  perAddress: number;
  overall: number;
  /** Window in seconds. */
  duration: number;
}

export const DEFAULT_CODE_GUESS_LIMITS: CodeGuessLimits = { perAddress: 20, overall: 500, duration: 600 };

export class CodeGuessLimiter {
  #perAddress: RateLimiterMemory;
  #overall: RateLimiterMemory;

  constructor(limits: CodeGuessLimits = DEFAULT_CODE_GUESS_LIMITS) {
    this.#perAddress = new RateLimiterMemory({ points: limits.perAddress, duration: limits.duration });
    this.#overall = new RateLimiterMemory({ points: limits.overall, duration: limits.duration });
  }

  /** Seconds to wait before this address may look up a code again, or 0 if it may now. */
  async blockedFor(address: string): Promise<number> {
    const [mine, all] = await Promise.all([this.#perAddress.get(address), this.#overall.get('all')]);
    const over = [mine, all].filter((res) => res && res.remainingPoints <= 0);
    return over.length ? Math.ceil(Math.max(...over.map((res) => res!.msBeforeNext)) / 1000) : 0;
  }

  /** Count one wrong code from this address. */
  async miss(address: string): Promise<void> {
    // Rejections only say the limit is reached, which blockedFor reports next time.
    await Promise.allSettled([this.#perAddress.consume(address), this.#overall.consume('all')]);
  }
}

// Limits that hold per participant, per address and per workshop, whatever number of sockets
// they come on: one phone opening fifty sockets, or a script joining a thousand participants from
// one address, gets no more than the values below. Sized in docs/operations.md ("Limits") from
// the seeds' meetings (20–40 people) and a hall of 1,000 whose phones may share one address.
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface QuotaLimits {
  /** Commands per participant per minute, over all their sockets (a note, an edit, a dot...). */
  commandsPerParticipant: number;
  /** New notes per participant per minute. */
  notesPerParticipant: number;
  /** Commands from all participants of one workshop per minute. */
  commandsPerWorkshop: number;
  /** Sockets open at once per participant (phone, laptop, a reload whose old socket lingers). */
  socketsPerParticipant: number;
  /** Sockets open at once per address that have not joined (join pages, projectors). */
  visitorSocketsPerAddress: number;
  /** New participants per address per minute. */
  joinsPerAddress: number;
  /** Workshops created per address per hour, and by everyone per hour. */
  createsPerAddress: number;
  creates: number;
}

export const DEFAULT_QUOTAS: QuotaLimits = {
  commandsPerParticipant: 120,
  notesPerParticipant: 30,
  commandsPerWorkshop: 30_000,
  socketsPerParticipant: 5,
  visitorSocketsPerAddress: 1_000,
  joinsPerAddress: 300,
  createsPerAddress: 20,
  creates: 200,
};

/** Seconds until a refused request may be made again; 0: not refused. */
export type Wait = number;

const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Take one point (or `points`) from each limiter; the longest wait if any refused. */
async function take(points: number, ...checks: Array<[RateLimiterMemory, string]>): Promise<Wait> {
  const outcomes = await Promise.allSettled(checks.map(([limiter, key]) => limiter.consume(key, points)));
  let wait = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') continue;
    const res = outcome.reason as { msBeforeNext?: number } | Error;
    // An Error is the limiter failing, not a refusal: let the request through.
    if (!(res instanceof Error)) wait = Math.max(wait, secondsOf(res.msBeforeNext ?? 1000));
  }
  return wait;
}

/** Who a socket is counted as, once admitted. */
export interface SocketKeys {
  address: string;
  /** `workshopId/participantId` of a joined participant; null for a visitor or facilitator. */
  participant: string | null;
  facilitator: boolean;
}

export class Quotas {
  readonly limits: QuotaLimits;
  readonly #commands: RateLimiterMemory;
  readonly #notes: RateLimiterMemory;
  readonly #workshopCommands: RateLimiterMemory;
  readonly #joins: RateLimiterMemory;
  readonly #createsPerAddress: RateLimiterMemory;
  readonly #creates: RateLimiterMemory;
  /** Open sockets by participant key and visitors by address. */
  readonly #sockets = new Map<string, number>();

  constructor(limits: Partial<QuotaLimits> = {}) {
    this.limits = { ...DEFAULT_QUOTAS, ...limits };
    const perMinute = (points: number) => new RateLimiterMemory({ points, duration: 60 });
    this.#commands = perMinute(this.limits.commandsPerParticipant);
    this.#notes = perMinute(this.limits.notesPerParticipant);
    this.#workshopCommands = perMinute(this.limits.commandsPerWorkshop);
    this.#joins = perMinute(this.limits.joinsPerAddress);
    this.#createsPerAddress = new RateLimiterMemory({ points: this.limits.createsPerAddress, duration: 3600 });
    this.#creates = new RateLimiterMemory({ points: this.limits.creates, duration: 3600 });
  }

  /** One command of a participant; a new note counts against the notes limit too. */
  async command(workshopId: string, participantId: string, isNote: boolean): Promise<{ wait: Wait; detail: 'participant' | 'workshop' }> {
    const key = `${workshopId}/${participantId}`;
    // The participant's own limits first: what they are refused must not use up the workshop's.
    const mine = await take(1, [this.#commands, key], ...(isNote ? [[this.#notes, key] as [RateLimiterMemory, string]] : []));
    if (mine) return { wait: mine, detail: 'participant' };
    return { wait: await take(1, [this.#workshopCommands, workshopId]), detail: 'workshop' };
  }

  /** One participant joining from this address. */
  join(address: string): Promise<Wait> {
    return take(1, [this.#joins, address]);
  }

  /** One workshop created from this address. */
  async create(address: string): Promise<Wait> {
    return (await take(1, [this.#createsPerAddress, address])) || take(1, [this.#creates, 'all']);
  }

  #socketKey({ address, participant, facilitator }: SocketKeys): string | null {
    if (facilitator) return null; // the facilitator key is the limit: 192 bits nobody guesses
    return participant ? `p:${participant}` : `a:${address}`;
  }

  /**
   * Count a socket in, or refuse it (false) when its participant, or as a visitor its address,
   * already has as many open as allowed (`always`: count it in regardless, for a socket that
   * was admitted as a visitor and has just joined). Synchronous, so that sockets arriving
   * together cannot all pass before any is counted.
   */
  admit(keys: SocketKeys, always = false): boolean {
    const key = this.#socketKey(keys);
    if (!key) return true;
    const open = this.#sockets.get(key) ?? 0;
    const max = keys.participant ? this.limits.socketsPerParticipant : this.limits.visitorSocketsPerAddress;
    if (open >= max && !always) return false;
    this.#sockets.set(key, open + 1);
    return true;
  }

  /** A socket admitted with these keys is gone. */
  release(keys: SocketKeys): void {
    const key = this.#socketKey(keys);
    if (!key) return;
    const open = (this.#sockets.get(key) ?? 0) - 1;
    if (open > 0) this.#sockets.set(key, open);
    else this.#sockets.delete(key);
  }
}

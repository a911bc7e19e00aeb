// Limits that hold per participant, per address and per workshop, whatever number of sockets
// they come on: one phone opening fifty sockets, or a script joining a thousand participants from
// one address, gets no more than the values below. Sized in docs/operations.md ("Limits") from
// the seeds' meetings (20–40 people) and a hall of 1,000 whose phones may share one address.
// With a PostgreSQL pool (DATABASE_URL, several servers) the rate limits are counted there, so
// they hold across servers (sharedLimits.ts); the socket counts stay each server's own.
import type pg from 'pg';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { SharedLimits, type Limiter } from './sharedLimits.ts';

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
async function take(points: number, ...checks: Array<[Limiter, string]>): Promise<Wait> {
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

/**
 * Runs the tasks of one key one after another, so their results come out in the order they
 * were asked for. Memory answers in the turn it is asked; PostgreSQL's round trips need not.
 */
class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    tail.then(() => this.#tails.get(key) === tail && this.#tails.delete(key));
    return result;
  }
}

/** Table names of the shared limits (PostgreSQL). */
const TABLES = {
  commands: 'limits_participant_commands',
  notes: 'limits_participant_notes',
  workshopCommands: 'limits_workshop_commands',
  joins: 'limits_address_joins',
  createsPerAddress: 'limits_address_creates',
  creates: 'limits_creates',
};

export class Quotas {
  readonly limits: QuotaLimits;
  readonly #commands: Limiter;
  readonly #notes: Limiter;
  readonly #workshopCommands: Limiter;
  readonly #joins: Limiter;
  readonly #createsPerAddress: Limiter;
  readonly #creates: Limiter;
  readonly #shared: SharedLimits | null;
  /** Shared only: a participant's checks, one at a time (see command). */
  readonly #inOrder = new KeyedQueue();
  /**
   * Open sockets by participant key and visitors by address. Each server's own, also with a
   * shared pool: the load balancer keeps a workshop's sockets on one server, so a participant's
   * sockets meet there; an address's visitors are capped per server.
   */
  readonly #sockets = new Map<string, number>();

  /** `shared`: count the rate limits in this PostgreSQL, with the other servers on it; await ready() first. */
  constructor(limits: Partial<QuotaLimits> = {}, shared?: { pool: pg.Pool }) {
    this.limits = { ...DEFAULT_QUOTAS, ...limits };
    this.#shared = shared ? new SharedLimits(shared.pool) : null;
    const limiter = (name: keyof typeof TABLES, points: number, duration: number): Limiter =>
      this.#shared ? this.#shared.limiter({ table: TABLES[name], points, duration }) : new RateLimiterMemory({ points, duration });
    this.#commands = limiter('commands', this.limits.commandsPerParticipant, 60);
    this.#notes = limiter('notes', this.limits.notesPerParticipant, 60);
    this.#workshopCommands = limiter('workshopCommands', this.limits.commandsPerWorkshop, 60);
    this.#joins = limiter('joins', this.limits.joinsPerAddress, 60);
    this.#createsPerAddress = limiter('createsPerAddress', this.limits.createsPerAddress, 3600);
    this.#creates = limiter('creates', this.limits.creates, 3600);
  }

  /** The shared tables made (if missing); resolves at once without a pool. */
  async ready(): Promise<void> {
    await this.#shared?.ready();
  }

  /** One command of a participant; a new note counts against the notes limit too. */
  command(workshopId: string, participantId: string, isNote: boolean): Promise<{ wait: Wait; detail: 'participant' | 'workshop' }> {
    const key = `${workshopId}/${participantId}`;
    // realtime.ts hands a command to its lane when this resolves, so a participant's checks
    // must resolve in the order asked. In memory they do; PostgreSQL's round trips need not,
    // so they queue, which also keeps the refused ones the last sent, as in memory.
    if (this.#shared) return this.#inOrder.run(key, () => this.#commandShared(workshopId, key, isNote));
    return this.#command(workshopId, key, isNote);
  }

  async #command(workshopId: string, key: string, isNote: boolean): Promise<{ wait: Wait; detail: 'participant' | 'workshop' }> {
    // The participant's own limits first: what they are refused must not use up the workshop's.
    const mine = await take(1, ...this.#mine(key, isNote));
    if (mine) return { wait: mine, detail: 'participant' };
    return { wait: await take(1, [this.#workshopCommands, workshopId]), detail: 'workshop' };
  }

  /**
   * As #command in one round trip, not two: the workshop's point is taken with the
   * participant's and given back if theirs refused it. Queued per participant, each has at
   * most one such point out at a time.
   */
  async #commandShared(workshopId: string, key: string, isNote: boolean): Promise<{ wait: Wait; detail: 'participant' | 'workshop' }> {
    const [mine, workshop] = await Promise.all([take(1, ...this.#mine(key, isNote)), take(1, [this.#workshopCommands, workshopId])]);
    if (!mine) return { wait: workshop, detail: 'workshop' };
    await this.#workshopCommands.reward(workshopId, 1);
    return { wait: mine, detail: 'participant' };
  }

  #mine(key: string, isNote: boolean): Array<[Limiter, string]> {
    return isNote ? [[this.#commands, key], [this.#notes, key]] : [[this.#commands, key]];
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

// One workshop's lane: its commands are decided one after another, never interleaved, and
// different workshops never wait for each other. The lane does not wait for the disk between
// commands: the commands that queue up while a commit runs are decided in a row on the state
// as they leave it, their appends go to the store together (one group commit), and each is
// answered, in order, once its events are durable. Reads run between such runs, on a state in
// which every event is stored, so no viewer ever sees an event that a crash could take back.
import { applyInPlace } from '../shared/workshop/apply.ts';
import type { Sequenced, WorkshopEvent } from '../shared/workshop/events.ts';
import type { Refusal } from '../shared/workshop/decision.ts';
import { deliveries, type Delivery } from '../shared/workshop/view.ts';
import { DuplicateCommand, SeqConflict, type AppendOptions, type EventStore, type OpenedWorkshop } from './store/store.ts';

/** A workshop as its lane holds it: the opened workshop, kept up to date. */
export type Loaded = OpenedWorkshop;

/** An event as stored, with who receives it, judged on the state right after it. */
export interface Committed extends Sequenced {
  deliveries: Delivery[];
}

export type Written<T = undefined> = {
  ok: true;
  /** The workshop's seq after the command (for a duplicate: after its first run). */
  seq: number;
  /** The new events; none for a no-op or a duplicate. */
  events: Committed[];
  duplicate: boolean;
  value: T;
};

type Decided = Refusal | { ok: true; events: WorkshopEvent[]; options?: AppendOptions };

export interface Write {
  /** The command's id, for the duplicate check before `decide`. */
  commandId?: string;
  decide(workshop: Loaded): Decided;
  /** Runs in the lane once the answer is known, before anything queued after this write. */
  done(result: Written | Refusal, workshop: Loaded | undefined): void;
}

type Job =
  | { kind: 'write'; write: Write }
  | { kind: 'read'; run(workshop: Loaded | undefined): void; fail(err: Error): void }
  | { kind: 'exclusive'; run(workshop: Loaded | undefined): Promise<void> };

/** A write on its way through a run: what was decided, its append, and its answer once known. */
interface Step {
  write: Write;
  answer?: Written | Refusal;
  append?: Promise<number>;
  committed: Committed[];
  duplicateOf?: number;
}

const NOT_FOUND: Refusal = { ok: false, error: 'not_found', detail: 'workshop' };
const INTERNAL: Refusal = { ok: false, error: 'internal' };

export class Lane {
  #jobs: Job[] = [];
  #running = false;
  #workshop: Loaded | undefined;
  #forgotten = false;
  /** Writes decided again after another server wrote first, and how often. */
  #redecided = new WeakMap<Write, number>();
  /** When a job last came (server clock), for dropping workshops nobody uses. */
  lastUsed = Date.now();

  constructor(
    readonly id: string,
    private readonly store: EventStore,
    private readonly recent: number,
    private readonly hooks: {
      /** The queue ran dry and the lane holds no workshop: it may be dropped. */
      idle(): void;
      /** A run failed part-way: whoever was sent this workshop's stream must start over. */
      broken(): void;
      /**
       * Other servers write to this workshop's store too (set only then). Another server wrote
       * first: the lane holds the workshop as stored again, and the sockets following it here
       * are sent what they miss after `since` — before the writes are decided again on it.
       */
      caughtUp?(workshop: Loaded, since: number): void;
    },
  ) {}

  /** A workshop just created: it need not be read back from the store. */
  adopt(workshop: Loaded): void {
    this.#workshop = workshop;
  }

  /** Deleted: what the lane holds goes; a later job finds nothing in the store. */
  forget(): void {
    this.#workshop = undefined;
    this.#forgotten = true;
  }

  write(write: Write): void {
    this.#push({ kind: 'write', write });
  }

  /**
   * Run `read` on a state in which every event is stored: between two runs of writes. Reads do
   * not keep their place among writes (a reader cannot tell; the events of the writes reach it
   * afterwards like any others), so a connecting crowd never splits a group commit.
   */
  read<T>(read: (workshop: Loaded) => T): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) =>
      this.#push({
        kind: 'read',
        run: (workshop) => {
          try {
            resolve(workshop ? read(workshop) : undefined);
          } catch (err) {
            reject(err);
          }
        },
        fail: reject,
      }),
    );
  }

  /** Run alone: after every write before it is answered, before any write after it is decided. */
  exclusive<T>(run: (workshop: Loaded | undefined) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.#push({ kind: 'exclusive', run: (workshop) => run(workshop).then(resolve, reject) }),
    );
  }

  /** Whether jobs are queued or running: such a lane must not be dropped. */
  get busy(): boolean {
    return this.#running || this.#jobs.length > 0;
  }

  /** Whether the lane holds its workshop in memory. */
  get holds(): boolean {
    return !!this.#workshop;
  }

  /** The seq of the workshop held, undefined when none. */
  get heldSeq(): number | undefined {
    return this.#workshop?.state.seq;
  }

  #push(job: Job) {
    this.lastUsed = Date.now();
    this.#jobs.push(job);
    if (!this.#running) void this.#pump();
  }

  async #load(): Promise<Loaded | undefined> {
    if (!this.#workshop && !this.#forgotten) this.#workshop = await this.store.open(this.id, this.recent);
    return this.#workshop;
  }

  async #pump() {
    this.#running = true;
    try {
      while (this.#jobs.length) {
        let workshop: Loaded | undefined;
        let unreadable: Error | null = null;
        try {
          workshop = await this.#load();
        } catch (err) {
          unreadable = err as Error;
          console.error('workshop load failed', this.id, unreadable.message);
        }
        const job = this.#jobs[0];
        if (job.kind === 'exclusive') {
          this.#jobs.shift();
          await job.run(workshop).catch((err: Error) => console.error('lane job failed', this.id, err.message));
          continue;
        }
        // Up to the next exclusive job: the reads first, then every write as one run.
        const end = this.#jobs.findIndex((j) => j.kind === 'exclusive');
        const taken = this.#jobs.splice(0, end < 0 ? this.#jobs.length : end);
        for (const j of taken) if (j.kind === 'read') unreadable ? j.fail(unreadable) : j.run(workshop);
        const run = taken.flatMap((j) => (j.kind === 'write' ? [j.write] : []));
        if (!run.length) continue;
        if (!workshop) {
          for (const write of run) answer(write, unreadable ? INTERNAL : NOT_FOUND, undefined);
          continue;
        }
        const base = workshop.state.seq;
        const steps = this.#decide(workshop, run);
        await this.#answer(workshop, steps, base);
      }
    } finally {
      this.#running = false;
      if (!this.#workshop) this.hooks.idle();
    }
  }

  /**
   * Decide each write on the state the ones before it left and send its append to the store
   * without waiting: the store commits them together, in this order.
   */
  #decide(workshop: Loaded, writes: Write[]): Step[] {
    const steps: Step[] = [];
    let broken = false;
    for (const write of writes) {
      const step: Step = { write, committed: [] };
      steps.push(step);
      // After a throw the state may be half changed: nothing more is decided on it.
      if (broken) {
        step.answer = INTERNAL;
        continue;
      }
      const seen = write.commandId !== undefined ? workshop.commands.get(write.commandId) : undefined;
      if (seen !== undefined) {
        step.duplicateOf = seen;
        continue;
      }
      try {
        this.#decideOne(workshop, step);
      } catch (err) {
        console.error('command failed', this.id, (err as Error).message);
        step.answer = INTERNAL;
        step.append = Promise.reject(err);
        step.append.catch(() => {});
        broken = true;
      }
    }
    return steps;
  }

  #decideOne(workshop: Loaded, step: Step) {
    const decided = step.write.decide(workshop);
    if (!decided.ok) {
      step.answer = decided;
      return;
    }
    const { events, options = {} } = decided;
    if (!events.length && !options.commandId) {
      step.answer = { ok: true, seq: workshop.state.seq, events: [], duplicate: false, value: undefined };
      return;
    }
    // Closing and reopening move the retention clock, kept beside the record for the purge.
    for (const event of events) {
      if (event.type === 'workshop.closed') options.closedAt = event.at;
      if (event.type === 'workshop.reopened') options.closedAt = null;
    }
    step.append = this.store.append(this.id, workshop.state.seq, events, options);
    // The state moves on now, so that the next command is decided after this one; nobody sees
    // it before the append is durable (reads wait for the run to end, answers for the commit).
    for (const event of events) {
      const seq = workshop.state.seq + 1;
      workshop.state = applyInPlace(workshop.state, event, seq);
      step.committed.push({ seq, event, deliveries: deliveries(workshop.state, event) });
    }
    if (options.commandId) workshop.commands.set(options.commandId, workshop.state.seq);
    if (options.credential) workshop.tokens.set(options.credential.tokenHash, options.credential.participantId);
  }

  /**
   * With other servers on the store, an append refused because another server wrote first (or
   * had stored the command already) is no failure: the writes before it are stored and
   * answered; the lane reads the workshop again, the sockets here are sent what they miss from
   * `base` on (the next job, before anything else), and the refused write and those after it
   * are decided again on what is now stored. A duplicate is then found in the command ids read.
   */
  #otherServerFirst(err: Error, steps: Step[], failed: number, outcomes: PromiseSettledResult<number>[], base: number): boolean {
    const caughtUp = this.hooks.caughtUp;
    if (!caughtUp || !(err instanceof SeqConflict || err instanceof DuplicateCommand)) return false;
    const again: Job[] = [];
    for (const [i, step] of steps.entries()) {
      if (i >= failed) {
        const tries = (this.#redecided.get(step.write) ?? 0) + 1;
        this.#redecided.set(step.write, tries);
        if (tries <= MAX_REDECIDES) again.push({ kind: 'write', write: step.write });
        else answer(step.write, INTERNAL, undefined);
        continue;
      }
      const stored = step.append ? (outcomes[i] as PromiseFulfilledResult<number>).value : undefined;
      answer(
        step.write,
        step.duplicateOf !== undefined
          ? { ok: true, seq: step.duplicateOf, events: [], duplicate: true, value: undefined }
          : stored !== undefined
            ? { ok: true, seq: stored, events: [], duplicate: false, value: undefined }
            : step.answer!,
        undefined,
      );
    }
    // Unreadable now (the database away): they cannot be caught up from here, so they start
    // over (reconnect and catch up from `since`), as after any failed append.
    const resend: Job = { kind: 'read', run: (workshop) => workshop && caughtUp(workshop, base), fail: () => this.hooks.broken() };
    this.#jobs.unshift(resend, ...again);
    return true;
  }

  /** Once the appends are settled, answer each write in order. */
  async #answer(workshop: Loaded, steps: Step[], base: number) {
    const outcomes = await Promise.allSettled(steps.map((s) => s.append ?? Promise.resolve(0)));
    const failed = outcomes.findIndex((o) => o.status === 'rejected');
    if (failed < 0) {
      for (const [i, step] of steps.entries()) {
        if (step.duplicateOf !== undefined) step.answer = { ok: true, seq: step.duplicateOf, events: [], duplicate: true, value: undefined };
        else if (step.append) {
          const seq = (outcomes[i] as PromiseFulfilledResult<number>).value;
          step.answer = { ok: true, seq, events: step.committed, duplicate: false, value: undefined };
          workshop.recent.push(...step.committed);
        }
        answer(step.write, step.answer!, workshop);
      }
      if (workshop.recent.length > this.recent * 2) workshop.recent.splice(0, workshop.recent.length - this.recent);
      return;
    }
    // An append failed: the state held here is ahead of the store. It is dropped (the next job
    // reads the workshop again), and nothing is sent from it. The appends before the failed one
    // are stored: they are acknowledged, and everyone following the workshop starts over from
    // the store (their reconnect catches up from `since`), so no one misses them or sees more.
    // From the failed one on, `internal`: clients send them again, and ids are checked again.
    this.#workshop = undefined;
    const err = (outcomes[failed] as PromiseRejectedResult).reason as Error;
    if (this.#otherServerFirst(err, steps, failed, outcomes, base)) return;
    if (!(err instanceof DuplicateCommand)) console.error('append failed', this.id, err.message);
    for (const [i, step] of steps.entries()) {
      let result: Written | Refusal = INTERNAL;
      if (i < failed && step.duplicateOf !== undefined)
        result = { ok: true, seq: step.duplicateOf, events: [], duplicate: true, value: undefined };
      else if (i < failed && step.append)
        result = { ok: true, seq: (outcomes[i] as PromiseFulfilledResult<number>).value, events: [], duplicate: false, value: undefined };
      else if (i < failed && step.answer) result = step.answer;
      else if (i === failed && err instanceof DuplicateCommand)
        result = { ok: true, seq: err.seq, events: [], duplicate: true, value: undefined };
      answer(step.write, result, undefined);
    }
    this.hooks.broken();
  }
}

/** How often one write is decided again because another server wrote first, before `internal`. */
const MAX_REDECIDES = 20;

function answer(write: Write, result: Written | Refusal, workshop: Loaded | undefined) {
  try {
    write.done(result, workshop);
  } catch (err) {
    console.error('answer failed', (err as Error).message);
  }
}

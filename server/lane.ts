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
import { DuplicateCommand, type AppendOptions, type EventStore, type OpenedWorkshop } from './store/store.ts';

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
  | { kind: 'read'; run(workshop: Loaded | undefined): void }
  | { kind: 'exclusive'; run(workshop: Loaded | undefined): Promise<void> };

const NOT_FOUND: Refusal = { ok: false, error: 'not_found', detail: 'workshop' };
const INTERNAL: Refusal = { ok: false, error: 'internal' };

export class Lane {
  #jobs: Job[] = [];
  #running = false;
  #workshop: Loaded | undefined;
  #forgotten = false;

  constructor(
    readonly id: string,
    private readonly store: EventStore,
    private readonly recent: number,
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
      }),
    );
  }

  /** Run alone: after every write before it is answered, before any write after it is decided. */
  exclusive<T>(run: (workshop: Loaded | undefined) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.#push({ kind: 'exclusive', run: (workshop) => run(workshop).then(resolve, reject) }),
    );
  }

  #push(job: Job) {
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
        let unreadable = false;
        try {
          workshop = await this.#load();
        } catch (err) {
          unreadable = true;
          console.error('workshop load failed', this.id, (err as Error).message);
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
        for (const j of taken) if (j.kind === 'read') j.run(workshop);
        const run = taken.flatMap((j) => (j.kind === 'write' ? [j.write] : []));
        if (!run.length) continue;
        if (!workshop) {
          for (const write of run) write.done(unreadable ? INTERNAL : NOT_FOUND, undefined);
          continue;
        }
        await this.#commit(workshop, run);
      }
    } finally {
      this.#running = false;
    }
  }

  /** Decide each write on the state the ones before it left, append all, answer in order. */
  async #commit(workshop: Loaded, writes: Write[]) {
    type Step = { write: Write; answer?: Written | Refusal; append?: Promise<number>; committed: Committed[]; duplicateOf?: number };
    const steps: Step[] = [];
    for (const write of writes) {
      const step: Step = { write, committed: [] };
      steps.push(step);
      const seen = write.commandId !== undefined ? workshop.commands.get(write.commandId) : undefined;
      if (seen !== undefined) {
        step.duplicateOf = seen;
        continue;
      }
      const decided = write.decide(workshop);
      if (!decided.ok) {
        step.answer = decided;
        continue;
      }
      const { events, options = {} } = decided;
      if (!events.length && !options.commandId) {
        step.answer = { ok: true, seq: workshop.state.seq, events: [], duplicate: false, value: undefined };
        continue;
      }
      // Closing and reopening move the retention clock, kept beside the record for the purge.
      for (const event of events) {
        if (event.type === 'workshop.closed') options.closedAt = event.at;
        if (event.type === 'workshop.reopened') options.closedAt = null;
      }
      step.append = this.store.append(this.id, workshop.state.seq, events, options);
      // The state moves on now, so that the next command is decided after this one; nobody
      // sees it before the append is durable (reads wait for the run to end).
      for (const event of events) {
        const seq = workshop.state.seq + 1;
        workshop.state = applyInPlace(workshop.state, event, seq);
        step.committed.push({ seq, event, deliveries: deliveries(workshop.state, event) });
      }
      if (options.commandId) workshop.commands.set(options.commandId, workshop.state.seq);
      if (options.credential) workshop.tokens.set(options.credential.tokenHash, options.credential.participantId);
    }
    const outcomes = await Promise.allSettled(steps.map((s) => s.append ?? Promise.resolve(0)));
    // After the first append that failed, the state held here is not the stored one: every
    // later answer of this run is `internal` (clients resend; ids are checked again), and the
    // workshop is read again from the store before the next job.
    let broken = false;
    for (const [i, step] of steps.entries()) {
      const outcome = outcomes[i];
      if (!broken && outcome.status === 'rejected') {
        broken = true;
        const err = outcome.reason as Error;
        if (err instanceof DuplicateCommand) step.answer = { ok: true, seq: err.seq, events: [], duplicate: true, value: undefined };
        else console.error('append failed', this.id, err.message);
      }
      let answer = step.answer;
      if (broken) answer = answer?.ok && answer.duplicate ? answer : INTERNAL;
      else if (step.duplicateOf !== undefined)
        answer = { ok: true, seq: step.duplicateOf, events: [], duplicate: true, value: undefined };
      else if (step.append) {
        answer = { ok: true, seq: (outcome as PromiseFulfilledResult<number>).value, events: step.committed, duplicate: false, value: undefined };
        workshop.recent.push(...step.committed);
      }
      try {
        step.write.done(answer!, broken ? undefined : workshop);
      } catch (err) {
        console.error('answer failed', this.id, (err as Error).message);
      }
    }
    if (workshop.recent.length > this.recent * 2) workshop.recent.splice(0, workshop.recent.length - this.recent);
    if (broken) this.#workshop = undefined;
  }
}

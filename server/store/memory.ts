// In-memory EventStore, for tests. Behaves like the SQLite store, keeps nothing. Each call takes
// effect when it is made, in call order (as the SQLite writer commits them); the answer comes
// a turn later, as it would from a store that waits for a disk.
import { fold } from '../../shared/workshop/apply.ts';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import {
  DuplicateCommand,
  SeqConflict,
  type AppendOptions,
  type EventStore,
  type OpenedWorkshop,
  type WorkshopRecord,
} from './store.ts';

interface Entry {
  record: WorkshopRecord;
  events: Sequenced[];
  commands: Map<string, number>;
  tokens: Map<string, string>;
  closedAt: number | null;
}

const later = <T>(run: () => T): Promise<T> => {
  try {
    const value = run();
    return new Promise((resolve) => setImmediate(() => resolve(value)));
  } catch (err) {
    return new Promise((_, reject) => setImmediate(() => reject(err)));
  }
};

export class MemoryStore implements EventStore {
  #workshops = new Map<string, Entry>();
  #codes = new Map<string, string>();

  create(record: WorkshopRecord, events: WorkshopEvent[]): Promise<void> {
    return later(() => {
      if (this.#workshops.has(record.id) || this.#codes.has(record.joinCode))
        throw new Error('workshop id or join code taken');
      this.#workshops.set(record.id, {
        record: { ...record },
        events: events.map((event, i) => ({ seq: i + 1, event: structuredClone(event) })),
        commands: new Map(),
        tokens: new Map(),
        closedAt: null,
      });
      this.#codes.set(record.joinCode, record.id);
    });
  }

  get(workshopId: string): Promise<WorkshopRecord | undefined> {
    return later(() => {
      const record = this.#workshops.get(workshopId)?.record;
      return record && { ...record };
    });
  }

  idForCode(joinCode: string): Promise<string | undefined> {
    return later(() => this.#codes.get(joinCode));
  }

  load(workshopId: string, afterSeq = 0): Promise<Sequenced[]> {
    return later(() => {
      const entry = this.#workshops.get(workshopId);
      return entry ? structuredClone(entry.events.filter((e) => e.seq > afterSeq)) : [];
    });
  }

  open(workshopId: string, recent: number): Promise<OpenedWorkshop | undefined> {
    return later(() => {
      const entry = this.#workshops.get(workshopId);
      const state = entry && fold(structuredClone(entry.events));
      if (!entry || !state) return undefined;
      return {
        record: { ...entry.record },
        state,
        recent: structuredClone(entry.events.slice(-recent)),
        commands: new Map(entry.commands),
        tokens: new Map(entry.tokens),
      };
    });
  }

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions = {}): Promise<number> {
    return later(() => {
      const entry = this.#workshops.get(workshopId);
      if (!entry) throw new Error(`unknown workshop ${workshopId}`);
      const last = entry.events.length;
      if (last !== expectedSeq) throw new SeqConflict(workshopId, expectedSeq, last);
      const seen = options.commandId ? entry.commands.get(options.commandId) : undefined;
      if (seen !== undefined) throw new DuplicateCommand(options.commandId!, seen);
      if (options.credential && entry.tokens.has(options.credential.tokenHash)) throw new Error('token taken');
      events.forEach((event, i) => entry.events.push({ seq: last + i + 1, event: structuredClone(event) }));
      const seq = last + events.length;
      if (options.commandId) entry.commands.set(options.commandId, seq);
      if (options.credential) entry.tokens.set(options.credential.tokenHash, options.credential.participantId);
      if (options.closedAt !== undefined) entry.closedAt = options.closedAt;
      return seq;
    });
  }

  commandSeq(workshopId: string, commandId: string): Promise<number | undefined> {
    return later(() => this.#workshops.get(workshopId)?.commands.get(commandId));
  }

  participantForToken(workshopId: string, tokenHash: string): Promise<string | undefined> {
    return later(() => this.#workshops.get(workshopId)?.tokens.get(tokenHash));
  }

  closedBefore(time: number): Promise<string[]> {
    return later(() =>
      [...this.#workshops.values()].filter((e) => e.closedAt !== null && e.closedAt < time).map((e) => e.record.id),
    );
  }

  delete(workshopId: string): Promise<boolean> {
    return later(() => {
      const entry = this.#workshops.get(workshopId);
      if (!entry) return false;
      this.#workshops.delete(workshopId);
      this.#codes.delete(entry.record.joinCode);
      return true;
    });
  }

  async close(): Promise<void> {}
}

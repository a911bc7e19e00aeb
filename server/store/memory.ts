// In-memory EventStore, for tests. Behaves like the SQLite store, keeps nothing.
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import { SeqConflict, type AppendOptions, type EventStore, type WorkshopRecord } from './store.ts';

interface Entry {
  record: WorkshopRecord;
  events: Sequenced[];
  commands: Map<string, number>;
  tokens: Map<string, string>;
  closedAt: number | null;
}

export class MemoryStore implements EventStore {
  #workshops = new Map<string, Entry>();
  #codes = new Map<string, string>();

  create(record: WorkshopRecord, events: WorkshopEvent[]): void {
    if (this.#workshops.has(record.id) || this.#codes.has(record.joinCode))
      throw new Error('workshop id or join code taken');
    this.#workshops.set(record.id, {
      record,
      events: events.map((event, i) => ({ seq: i + 1, event: structuredClone(event) })),
      commands: new Map(),
      tokens: new Map(),
      closedAt: null,
    });
    this.#codes.set(record.joinCode, record.id);
  }

  get(workshopId: string): WorkshopRecord | undefined {
    return this.#workshops.get(workshopId)?.record;
  }

  idForCode(joinCode: string): string | undefined {
    return this.#codes.get(joinCode);
  }

  load(workshopId: string, afterSeq = 0): Sequenced[] {
    const entry = this.#workshops.get(workshopId);
    return entry ? structuredClone(entry.events.filter((e) => e.seq > afterSeq)) : [];
  }

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions = {}): number {
    const entry = this.#workshops.get(workshopId);
    if (!entry) throw new Error(`unknown workshop ${workshopId}`);
    const last = entry.events.length;
    if (last !== expectedSeq) throw new SeqConflict(workshopId, expectedSeq, last);
    if (options.commandId && entry.commands.has(options.commandId)) throw new Error('duplicate command id');
    if (options.credential && entry.tokens.has(options.credential.tokenHash)) throw new Error('token taken');
    events.forEach((event, i) => entry.events.push({ seq: last + i + 1, event: structuredClone(event) }));
    const seq = last + events.length;
    if (options.commandId) entry.commands.set(options.commandId, seq);
    if (options.credential) entry.tokens.set(options.credential.tokenHash, options.credential.participantId);
    if (options.closedAt !== undefined) entry.closedAt = options.closedAt;
    return seq;
  }

  commandSeq(workshopId: string, commandId: string): number | undefined {
    return this.#workshops.get(workshopId)?.commands.get(commandId);
  }

  participantForToken(workshopId: string, tokenHash: string): string | undefined {
    return this.#workshops.get(workshopId)?.tokens.get(tokenHash);
  }

  closedBefore(time: number): string[] {
    return [...this.#workshops.values()]
      .filter((e) => e.closedAt !== null && e.closedAt < time)
      .map((e) => e.record.id);
  }

  delete(workshopId: string): boolean {
    const entry = this.#workshops.get(workshopId);
    if (!entry) return false;
    this.#workshops.delete(workshopId);
    this.#codes.delete(entry.record.joinCode);
    return true;
  }

  close(): void {}
}

// The EventStore interface: events are the record of every workshop. Implementations must
// pass tests/store.contract.ts. Synchronous on purpose: with one Node thread, a command's
// check-decide-append runs without interleaving, so commands of a workshop are serialised.
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';

export interface WorkshopRecord {
  id: string;
  joinCode: string;
  /** sha256 of the facilitator key; the key itself is never stored. */
  keyHash: string;
  createdAt: number;
}

export interface AppendOptions {
  /** The command that caused the events; a later command with this id is a duplicate. */
  commandId?: string;
  /** A participant's token hash, stored with the event that made them join. */
  credential?: { participantId: string; tokenHash: string };
  /** The workshop was closed at this time (or reopened: null); kept for the retention purge. */
  closedAt?: number | null;
}

export class SeqConflict extends Error {
  constructor(workshopId: string, expected: number, actual: number) {
    super(`workshop ${workshopId}: expected seq ${expected}, store has ${actual}`);
  }
}

export interface EventStore {
  /**
   * Store a new workshop with its first events (`workshop.created` at seq 1, then e.g. the
   * follow-up notes of the previous meeting). Throws if the id or code is taken.
   */
  create(record: WorkshopRecord, events: WorkshopEvent[]): void;
  get(workshopId: string): WorkshopRecord | undefined;
  idForCode(joinCode: string): string | undefined;
  /** Events after `afterSeq`, in order. */
  load(workshopId: string, afterSeq?: number): Sequenced[];
  /**
   * Append events atomically after `expectedSeq` (throws SeqConflict otherwise), together with
   * the command id and credential. Returns the new last seq. Nothing is kept on failure.
   */
  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options?: AppendOptions): number;
  /** The seq recorded for a command already applied, if any. */
  commandSeq(workshopId: string, commandId: string): number | undefined;
  participantForToken(workshopId: string, tokenHash: string): string | undefined;
  /** Ids of workshops closed before `time` (and not reopened since). */
  closedBefore(time: number): string[];
  /**
   * Erase a workshop for good: its record, events, command ids and credentials, in one
   * transaction. Returns false when there was no such workshop.
   */
  delete(workshopId: string): boolean;
  close(): void;
}

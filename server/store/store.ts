// The EventStore contract: events are the record of every workshop. Implementations must pass
// tests/store.contract.ts. Asynchronous, so that no store ever makes the event loop wait for a
// disk (SQLite writes in a worker thread, PostgreSQL over the network). Callers serialise the
// commands of one workshop themselves (a lane per workshop, server/lane.ts) and may have
// several appends of one workshop under way at once: each names the seq it expects, so they
// chain, and a store commits them in the order they were asked for.
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import type { Workshop } from '../../shared/workshop/model.ts';

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

/** Everything a server needs to run a workshop, read in one go when it is first used. */
export interface OpenedWorkshop {
  record: WorkshopRecord;
  /** Folded from the latest stored state snapshot and the events after it. */
  state: Workshop;
  /** The last events (at most `recent` of them, oldest first), for catch-up by events. */
  recent: Sequenced[];
  /** Every command id recorded for the workshop, with the seq its events ended at. */
  commands: Map<string, number>;
  /** Participant id by token hash. */
  tokens: Map<string, string>;
}

export class SeqConflict extends Error {
  constructor(workshopId: string, expected: number, actual: number) {
    super(`workshop ${workshopId}: expected seq ${expected}, store has ${actual}`);
  }
}

/** The command id is recorded already: its events are stored, ending at `seq`. */
export class DuplicateCommand extends Error {
  constructor(
    commandId: string,
    readonly seq: number,
  ) {
    super(`command ${commandId} was applied already (seq ${seq})`);
  }
}

/**
 * A state snapshot is stored after this many events since the last one, so that opening a
 * workshop folds at most this many events onto it (a few ms) instead of its whole history.
 */
export const SNAPSHOT_EVERY = 2000;

export interface EventStore {
  /**
   * Store a new workshop with its first events (`workshop.created` at seq 1, then e.g. the
   * follow-up notes of the previous meeting). Rejects if the id or code is taken.
   */
  create(record: WorkshopRecord, events: WorkshopEvent[]): Promise<void>;
  get(workshopId: string): Promise<WorkshopRecord | undefined>;
  idForCode(joinCode: string): Promise<string | undefined>;
  /** Events after `afterSeq`, in order. */
  load(workshopId: string, afterSeq?: number): Promise<Sequenced[]>;
  /** A workshop as a server runs it (see OpenedWorkshop), or undefined if there is none. */
  open(workshopId: string, recent: number): Promise<OpenedWorkshop | undefined>;
  /**
   * Append events atomically after `expectedSeq`, together with the command id and credential.
   * Resolves with the new last seq once they are durable; nothing is kept on failure. Rejects
   * with SeqConflict when the workshop is not at `expectedSeq` (also when an append this one
   * chains on failed), with DuplicateCommand when the command id is recorded already.
   */
  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options?: AppendOptions): Promise<number>;
  /**
   * Command ids recorded at or after `seq`, with their seqs: what a server holding the workshop
   * learns of the commands other servers ran (only a store several servers share has it).
   */
  commandsAfter?(workshopId: string, seq: number): Promise<Array<[string, number]>>;
  /** The seq recorded for a command already applied, if any. */
  commandSeq(workshopId: string, commandId: string): Promise<number | undefined>;
  participantForToken(workshopId: string, tokenHash: string): Promise<string | undefined>;
  /** Ids of workshops closed before `time` (and not reopened since). */
  closedBefore(time: number): Promise<string[]>;
  /**
   * Erase a workshop for good: its record, events, snapshots, command ids and credentials, in
   * one transaction. Resolves false when there was no such workshop.
   */
  delete(workshopId: string): Promise<boolean>;
  close(): Promise<void>;
}

// What a batch of appends to one workshop writes, decided in order as if each were its own
// transaction (pure: postgresAppend.ts does the I/O). Kept apart so that the rules of the order
// can be read, and tested, without a database.
import type { WorkshopEvent } from '../../shared/workshop/events.ts';
import { DuplicateCommand, SeqConflict, type AppendOptions } from './store.ts';

export interface Ask {
  expectedSeq: number;
  events: WorkshopEvent[];
  options: AppendOptions;
}

/** The workshop as the store holds it, or as a batch first guesses it. */
export interface Known {
  lastSeq: number;
  /** Seq by command id, for the batch's command ids that are recorded. */
  commands: Map<string, number>;
  /** The batch's token hashes that are taken. */
  tokens: Set<string>;
}

/** What a batch writes, and each append's answer (its new last seq, or why it was refused). */
export interface Plan {
  outcomes: Array<number | Error>;
  firstSeq: number;
  lastSeq: number;
  events: { seq: number[]; type: string[]; data: string[] };
  commands: { id: string[]; seq: number[] };
  credentials: { hash: string[]; participant: string[] };
  /** undefined: closed_at is left as it is. */
  closedAt?: number | null;
  /** Some append is accepted: the fence must run, even for one that adds no event. */
  writes: boolean;
  /** The seqs that refused appends would have left: an append asked on top of one is refused too. */
  failedEnds: Set<number>;
}

/**
 * Each append in order: a command id recorded already answers DuplicateCommand with its seq;
 * one that does not start where the one before left the workshop is a SeqConflict, and so is
 * one that starts where a refused one would have ended — it was decided on events that were
 * never stored, even when another server's events happen to end at that same seq. (Where an
 * accepted append of the batch ended there too, the next is taken to build on that one: of two
 * appends at one seq the first asked wins, and what follows follows it.)
 */
export function plan(workshopId: string, batch: Ask[], known: Known): Plan {
  const commands = new Map(known.commands);
  const tokens = new Set(known.tokens);
  const p: Plan = {
    outcomes: [],
    firstSeq: known.lastSeq,
    lastSeq: known.lastSeq,
    events: { seq: [], type: [], data: [] },
    commands: { id: [], seq: [] },
    credentials: { hash: [], participant: [] },
    writes: false,
    failedEnds: new Set(),
  };
  /** Seqs an accepted append of this batch ended at: what comes next may build on it. */
  const reached = new Set<number>();
  for (const { expectedSeq, events, options } of batch) {
    const { commandId, credential } = options;
    const seen = commandId === undefined ? undefined : commands.get(commandId);
    let refusal: Error | undefined;
    if (seen !== undefined) refusal = new DuplicateCommand(commandId!, seen);
    else if (expectedSeq !== p.lastSeq || p.failedEnds.has(expectedSeq))
      refusal = new SeqConflict(workshopId, expectedSeq, p.lastSeq);
    else if (credential && tokens.has(credential.tokenHash)) refusal = new Error('token taken');
    if (refusal) {
      if (events.length && !reached.has(expectedSeq + events.length)) p.failedEnds.add(expectedSeq + events.length);
      p.outcomes.push(refusal);
      continue;
    }
    for (const event of events) {
      p.events.seq.push(++p.lastSeq);
      p.events.type.push(event.type);
      p.events.data.push(JSON.stringify(event));
    }
    if (commandId !== undefined) {
      commands.set(commandId, p.lastSeq);
      p.commands.id.push(commandId);
      p.commands.seq.push(p.lastSeq);
    }
    if (credential) {
      tokens.add(credential.tokenHash);
      p.credentials.hash.push(credential.tokenHash);
      p.credentials.participant.push(credential.participantId);
    }
    if (options.closedAt !== undefined) p.closedAt = options.closedAt;
    p.outcomes.push(p.lastSeq);
    p.failedEnds.delete(p.lastSeq);
    reached.add(p.lastSeq);
    p.writes = true;
  }
  return p;
}

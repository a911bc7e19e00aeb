// The workshops this server runs: creates them, keeps each one's state in memory, and turns
// commands into stored events (dedupe -> decide -> append -> apply) in the workshop's lane.
// No socket code here: who hears of a change is fanout.ts's job, in the `done` callbacks.
import { createHash, timingSafeEqual } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import type { Command, CreateWorkshop, JoinRequest } from '../shared/schema.ts';
import { makeActivity, agendaFromTemplate } from '../shared/templates.ts';
import { apply, applyInPlace, fold } from '../shared/workshop/apply.ts';
import { deliveries } from '../shared/workshop/view.ts';
import { decide } from '../shared/workshop/decide.ts';
import { placeNewcomer } from '../shared/workshop/decideRooms.ts';
import type { WorkshopEvent } from '../shared/workshop/events.ts';
import { FACILITATOR_ID, LIMITS, newNote, type Actor, type Participant, type Workshop } from '../shared/workshop/model.ts';
import { Lane, type Write } from './lane.ts';
import type { EventStore, OpenedWorkshop } from './store/store.ts';

import type { Refusal } from '../shared/workshop/decision.ts';
export type { Committed, Loaded, Written } from './lane.ts';
import type { Committed, Loaded, Written } from './lane.ts';

const newJoinCode = customAlphabet('0123456789', 8); // 10^8: the guessing odds are in docs/operations.md
const DAY_MS = 24 * 60 * 60 * 1000;
/** Events kept in memory per workshop for catch-up; a client further behind gets a snapshot. */
export const MAX_CATCH_UP = 500;
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface WorkshopsOptions {
  now?: () => number;
  /** Closed workshops are erased this many days after closing; null keeps them until deleted. */
  retentionDays?: number | null;
  /** Events a workshop may hold before its participants' commands are refused (LIMITS.events). */
  maxEvents?: number;
  /**
   * Other servers write to the same store (several servers on one PostgreSQL): what this one
   * holds may be behind, and is brought up to date by `refresh`; a token this one has not seen
   * may be another server's join.
   */
  shared?: boolean;
}

export class Workshops {
  #lanes = new Map<string, Lane>();
  #deletedListeners: Array<(id: string, language: Workshop['language']) => void> = [];
  #brokenListeners: Array<(id: string) => void> = [];
  #evictedListeners: Array<(id: string) => void> = [];
  #refreshedListeners: Array<(workshop: Loaded, events: Committed[]) => void> = [];
  #caughtUpListeners: Array<(workshop: Loaded, since: number) => void> = [];
  readonly shared: boolean;
  private readonly now: () => number;
  readonly retentionDays: number | null;
  readonly #maxEvents: number;

  constructor(
    readonly store: EventStore,
    options: WorkshopsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.retentionDays = options.retentionDays ?? null;
    this.#maxEvents = options.maxEvents ?? LIMITS.events;
    this.shared = options.shared ?? false;
  }

  #lane(id: string): Lane {
    let lane = this.#lanes.get(id);
    if (!lane) {
      const made: Lane = new Lane(id, this.store, MAX_CATCH_UP, {
        // A lane that found nothing (an id anyone may make up) is not kept.
        idle: () => this.#lanes.get(id) === made && this.#lanes.delete(id),
        broken: () => this.#brokenListeners.forEach((listener) => listener(id)),
        ...(this.shared && { caughtUp: (workshop, since) => this.#caughtUpListeners.forEach((listener) => listener(workshop, since)) }),
      });
      this.#lanes.set(id, (lane = made));
    }
    return lane;
  }

  async create(input: CreateWorkshop): Promise<{ workshop: Workshop; facilitatorKey: string }> {
    const id = nanoid(12);
    const facilitatorKey = nanoid(32); // 192 bits
    const lang = input.language;
    const activities = Array.isArray(input.agenda)
      ? input.agenda.map((draft) => makeActivity(nanoid(10), draft.kind, lang, draft))
      : input.agenda
        ? agendaFromTemplate(input.agenda, lang, () => nanoid(10))
        : [];
    const createdAt = this.now();
    // The last meeting's open next steps come first, as notes on their own board.
    const followUp = input.followUp?.length ? makeActivity(nanoid(10), 'followUp', lang) : null;
    if (followUp) activities.unshift(followUp);
    const followUpNotes: WorkshopEvent[] = (input.followUp ?? []).map((item) => ({
      type: 'note.added',
      note: newNote(followUp!, { id: nanoid(12), columnId: 'open', authorId: FACILITATOR_ID, ...item }, createdAt),
    }));
    for (let attempt = 0; ; attempt++) {
      const joinCode = newJoinCode();
      if ((await this.store.idForCode(joinCode)) && attempt < 20) continue;
      const event: WorkshopEvent = {
        type: 'workshop.created',
        workshop: {
          id,
          joinCode,
          createdAt,
          status: 'open',
          title: input.title,
          date: input.date,
          place: input.place,
          purpose: input.purpose,
          goal: input.goal,
          language: lang,
          activities,
          currentActivityId: activities[0]?.id ?? null,
        },
      };
      const events = [event, ...followUpNotes];
      const record = { id, joinCode, keyHash: hashSecret(facilitatorKey), createdAt };
      await this.store.create(record, events);
      const sequenced = events.map((e, i) => ({ seq: i + 1, event: e }));
      const workshop = fold(structuredClone(sequenced))!;
      const opened: OpenedWorkshop = {
        record,
        state: workshop,
        recent: sequenced,
        commands: new Map(),
        tokens: new Map(),
      };
      this.#lane(id).adopt(opened);
      return { workshop: structuredClone(workshop), facilitatorKey };
    }
  }

  /**
   * Run `read` on the workshop as stored, in its lane, between two runs of commands: every event
   * in the state it sees is durable. Undefined when there is no such workshop. `read` runs
   * synchronously and must not keep the state: it changes in place with the next command.
   */
  read<T>(id: string, read: (workshop: Loaded) => T): Promise<T | undefined> {
    return this.#lane(id).read(read);
  }

  /** A copy of the state as stored, to keep across awaits (exports). */
  copy(id: string): Promise<Workshop | undefined> {
    return this.read(id, (w) => structuredClone(w.state));
  }

  /** The workshop a join code opens: a copy of its title block, or undefined. */
  async byCode(code: string): Promise<Pick<Workshop, 'id' | 'title' | 'language' | 'status'> | undefined> {
    const id = await this.store.idForCode(code);
    if (!id) return undefined;
    return this.read(id, ({ state }) => ({ id: state.id, title: state.title, language: state.language, status: state.status }));
  }

  static isFacilitatorKey(workshop: Loaded, key: string): boolean {
    const a = Buffer.from(hashSecret(key), 'hex');
    const b = Buffer.from(workshop.record.keyHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  static participantForToken(workshop: Loaded, token: string): Participant | undefined {
    const participantId = workshop.tokens.get(hashSecret(token));
    return participantId ? workshop.state.participants[participantId] : undefined;
  }

  /**
   * Join a participant, or resume the one this token already belongs to. `done` runs in the
   * lane once the join is durable, before anything after it: the place to tell the others.
   */
  join(id: string, request: JoinRequest, done: (result: Written<{ participant: Participant }> | Refusal, workshop: Loaded | undefined) => void): void {
    const tokenHash = hashSecret(request.token);
    let participant: Participant | undefined;
    this.#lane(id).write({
      decide: ({ state, tokens }) => {
        const knownId = tokens.get(tokenHash);
        const known = knownId ? state.participants[knownId] : undefined;
        if (known) {
          participant = known;
          return known.removed ? { ok: false, error: 'removed' } : { ok: true, events: [] };
        }
        if (state.status === 'closed') return { ok: false, error: 'closed' };
        if (Object.keys(state.participants).length >= LIMITS.participants)
          return { ok: false, error: 'limit', detail: 'participants' };
        participant = {
          id: nanoid(12),
          name: request.name,
          organisation: request.organisation,
          orgKind: request.orgKind,
          joinedAt: this.now(),
          removed: false,
        };
        // Someone arriving during a breakout goes straight into a room, by the breakout's rule.
        const joined: WorkshopEvent = { type: 'participant.joined', participant };
        const placed = placeNewcomer(apply(state, joined, state.seq + 1), participant.id);
        return { ok: true, events: [joined, ...placed], options: { credential: { participantId: participant.id, tokenHash } } };
      },
      done: (result, workshop) => done(result.ok ? { ...result, value: { participant: participant! } } : result, workshop),
    });
  }

  /** Run one validated command. A command id seen before is acknowledged again, not re-run. */
  execute(id: string, command: Command, actor: Actor, done: Write['done']): void {
    this.#lane(id).write({
      commandId: command.id,
      decide: ({ state, commands }) => {
        // A workshop's size on disk and in memory is bounded by what its participants may add
        // (their commands that change nothing are recorded too); the facilitator can still
        // close it, tidy it and take out the minutes.
        if (actor.role === 'participant' && Math.max(state.seq, commands.size) >= this.#maxEvents)
          return { ok: false, error: 'limit', detail: 'events' };
        const decision = decide(state, command, actor, { now: this.now(), makeActivity });
        return decision.ok ? { ok: true, events: decision.events, options: { commandId: command.id } } : decision;
      },
      done,
    });
  }

  /** The same, answered by a promise (tests, scripts). */
  run(id: string, command: Command, actor: Actor): Promise<Written | Refusal> {
    return new Promise((resolve) => this.execute(id, command, actor, (result) => resolve(result)));
  }

  /** Erase a workshop for good; whoever is connected to it is told (see `onDeleted`). */
  async delete(id: string): Promise<boolean> {
    const lane = this.#lane(id);
    const deleted = await lane.exclusive(async (workshop) => {
      const erased = await this.store.delete(id);
      return { erased, language: workshop?.state.language ?? 'sv' };
    });
    lane.forget();
    this.#lanes.delete(id);
    if (deleted?.erased) for (const listener of this.#deletedListeners) listener(id, deleted.language);
    return deleted?.erased ?? false;
  }

  onDeleted(listener: (id: string, language: Workshop['language']) => void): void {
    this.#deletedListeners.push(listener);
  }

  /**
   * A run of commands failed part-way (the store refused an append): the workshop is read again
   * from the store, and whoever follows it must start over from there (see lane.ts).
   */
  onBroken(listener: (id: string) => void): void {
    this.#brokenListeners.push(listener);
  }

  /**
   * Let workshops leave memory that nobody has used for `idleMs` and nobody follows (`followed`:
   * whether sockets are open to it). Their state is read again from the store when needed, so a
   * server's memory grows with the workshops in use, not with every workshop since it started.
   * Returns how many left.
   */
  evictIdle(idleMs: number, followed: (id: string) => boolean): number {
    const before = Date.now() - idleMs;
    let evicted = 0;
    for (const [id, lane] of this.#lanes) {
      if (lane.busy || lane.lastUsed > before || followed(id)) continue;
      this.#lanes.delete(id);
      if (lane.holds) evicted++;
      for (const listener of this.#evictedListeners) listener(id);
    }
    return evicted;
  }

  /**
   * Bring a workshop held here up to date with what other servers stored: the events after
   * its seq are read, folded, and handed to `onRefreshed` listeners with who receives each,
   * judged on the state right after it, as for this server's own commands. In the lane, so
   * they come between runs, in order. A workshop not held here is left alone: whoever needs
   * it next reads it whole.
   */
  async refresh(id: string): Promise<void> {
    const lane = this.#lanes.get(id);
    if (!lane?.holds) return;
    await lane.exclusive(async (workshop) => {
      if (!workshop) return;
      const from = workshop.state.seq;
      const missed = await this.store.load(id, from);
      // Nothing new, no new command either: a command's id is stored with its events.
      if (!missed.length) return;
      // Read before anything is folded: a failed read leaves the workshop as it was.
      const commands = (await this.store.commandsAfter?.(id, from)) ?? [];
      const committed: Committed[] = [];
      for (const { seq, event } of missed) {
        if (seq !== workshop.state.seq + 1) break; // never a gap: the next refresh reads on from here
        workshop.state = applyInPlace(workshop.state, event, seq);
        committed.push({ seq, event, deliveries: deliveries(workshop.state, event) });
      }
      workshop.recent.push(...committed);
      if (workshop.recent.length > MAX_CATCH_UP * 2) workshop.recent.splice(0, workshop.recent.length - MAX_CATCH_UP);
      // Commands another server ran: resent here (its phones moved), they are answered, not run
      // again. Only those whose events are folded here: an ack never runs ahead of its events.
      for (const [commandId, seq] of commands)
        if (seq <= workshop.state.seq) workshop.commands.set(commandId, seq);
      for (const listener of this.#refreshedListeners) listener(workshop, committed);
    });
  }

  onRefreshed(listener: (workshop: Loaded, events: Committed[]) => void): void {
    this.#refreshedListeners.push(listener);
  }

  /**
   * Another server wrote first while this one was writing: the workshop is held as stored
   * again, and whoever follows it here must be sent what they miss after `since` (lane.ts).
   */
  onCaughtUp(listener: (workshop: Loaded, since: number) => void): void {
    this.#caughtUpListeners.push(listener);
  }

  /** The seq of a workshop as held here, or undefined when it is not held. */
  heldSeq(id: string): number | undefined {
    return this.#lanes.get(id)?.heldSeq;
  }

  /** Ids of the workshops held here. */
  heldIds(): string[] {
    return [...this.#lanes].filter(([, lane]) => lane.holds).map(([id]) => id);
  }

  /**
   * The participant a token belongs to. With other servers on the store, a token this server
   * has not seen may be a join on another: the store is asked, and the workshop brought up to
   * date so that it knows the participant.
   */
  async participantIdForToken(id: string, token: string): Promise<string | undefined> {
    const hash = hashSecret(token);
    const known = await this.read(id, ({ tokens }) => tokens.get(hash));
    if (known || !this.shared) return known;
    const stored = await this.store.participantForToken(id, hash);
    if (!stored) return undefined;
    await this.refresh(id);
    await this.read(id, ({ tokens }) => tokens.set(hash, stored));
    return stored;
  }

  /** Another server deleted this workshop: what is held of it here goes. */
  forgetDeleted(id: string): void {
    this.#lanes.get(id)?.forget();
    this.#lanes.delete(id);
  }

  onEvicted(listener: (id: string) => void): void {
    this.#evictedListeners.push(listener);
  }

  /** How many workshops are held in memory now. */
  get held(): number {
    let n = 0;
    for (const lane of this.#lanes.values()) if (lane.holds) n++;
    return n;
  }

  /** Erase the workshops closed longer ago than the retention setting. Returns how many. */
  async purgeExpired(): Promise<number> {
    if (this.retentionDays === null) return 0;
    const expired = await this.store.closedBefore(this.now() - this.retentionDays * DAY_MS);
    let erased = 0;
    for (const id of expired) if (await this.delete(id)) erased++;
    return erased;
  }
}

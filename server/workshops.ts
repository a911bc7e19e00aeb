// The workshops this server runs: creates them, keeps their state in memory, and turns
// commands into stored events (dedupe -> decide -> append -> apply). No socket code here.
import { createHash, timingSafeEqual } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import type { Command, CreateWorkshop, JoinRequest } from '../shared/schema.ts';
import { makeActivity, agendaFromTemplate } from '../shared/templates.ts';
import { apply, fold } from '../shared/workshop/apply.ts';
import { decide } from '../shared/workshop/decide.ts';
import { placeNewcomer } from '../shared/workshop/decideRooms.ts';
import type { Sequenced, WorkshopEvent } from '../shared/workshop/events.ts';
import { FACILITATOR_ID, newNote, type Actor, type ErrorCode, type Participant, type Workshop } from '../shared/workshop/model.ts';
import type { EventStore } from './store/store.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorCode; detail?: string };

export interface Executed {
  seq: number;
  /** The new events, empty for a no-op or a duplicate. */
  events: Sequenced[];
  duplicate: boolean;
}

const newJoinCode = customAlphabet('0123456789', 6);
const DAY_MS = 24 * 60 * 60 * 1000;
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface WorkshopsOptions {
  now?: () => number;
  /** Closed workshops are erased this many days after closing; null keeps them until deleted. */
  retentionDays?: number | null;
}

export class Workshops {
  #states = new Map<string, Workshop>();
  #deletedListeners: Array<(id: string, language: Workshop['language']) => void> = [];
  private readonly now: () => number;
  readonly retentionDays: number | null;

  constructor(
    readonly store: EventStore,
    options: WorkshopsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.retentionDays = options.retentionDays ?? null;
  }

  create(input: CreateWorkshop): { workshop: Workshop; facilitatorKey: string } {
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
      if (this.store.idForCode(joinCode) && attempt < 20) continue;
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
      this.store.create({ id, joinCode, keyHash: hashSecret(facilitatorKey), createdAt }, events);
      const workshop = fold(events.map((e, i) => ({ seq: i + 1, event: e })))!;
      this.#states.set(id, workshop);
      return { workshop, facilitatorKey };
    }
  }

  /** The current state, folded from the store on first use. */
  get(id: string): Workshop | undefined {
    const cached = this.#states.get(id);
    if (cached) return cached;
    if (!this.store.get(id)) return undefined;
    const state = fold(this.store.load(id));
    if (state) this.#states.set(id, state);
    return state ?? undefined;
  }

  byCode(code: string): Workshop | undefined {
    const id = this.store.idForCode(code);
    return id ? this.get(id) : undefined;
  }

  isFacilitatorKey(id: string, key: string): boolean {
    const record = this.store.get(id);
    if (!record) return false;
    const a = Buffer.from(hashSecret(key), 'hex');
    const b = Buffer.from(record.keyHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  participantForToken(id: string, token: string): Participant | undefined {
    const participantId = this.store.participantForToken(id, hashSecret(token));
    return participantId ? this.get(id)?.participants[participantId] : undefined;
  }

  /** Join a participant, or resume the one this token already belongs to. */
  join(id: string, request: JoinRequest): Outcome<{ participant: Participant; events: Sequenced[] }> {
    const state = this.get(id);
    if (!state) return { ok: false, error: 'not_found' };
    const known = this.participantForToken(id, request.token);
    if (known) {
      return known.removed ? { ok: false, error: 'removed' } : { ok: true, value: { participant: known, events: [] } };
    }
    if (state.status === 'closed') return { ok: false, error: 'closed' };
    const participant: Participant = {
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
    const events = this.#commit(state, [joined, ...placed], {
      credential: { participantId: participant.id, tokenHash: hashSecret(request.token) },
    });
    return { ok: true, value: { participant, events } };
  }

  /** Run one validated command. A command id seen before is acknowledged again, not re-run. */
  execute(id: string, command: Command, actor: Actor): Outcome<Executed> {
    const state = this.get(id);
    if (!state) return { ok: false, error: 'not_found' };
    const seen = this.store.commandSeq(id, command.id);
    if (seen !== undefined) return { ok: true, value: { seq: seen, events: [], duplicate: true } };
    const decision = decide(state, command, actor, { now: this.now() });
    if (!decision.ok) return decision;
    const events = this.#commit(state, decision.events, { commandId: command.id });
    return { ok: true, value: { seq: this.get(id)!.seq, events, duplicate: false } };
  }

  /** Erase a workshop for good; whoever is connected to it is told (see `onDeleted`). */
  delete(id: string): boolean {
    const language = this.get(id)?.language ?? 'sv';
    const deleted = this.store.delete(id);
    this.#states.delete(id);
    if (deleted) for (const listener of this.#deletedListeners) listener(id, language);
    return deleted;
  }

  onDeleted(listener: (id: string, language: Workshop['language']) => void): void {
    this.#deletedListeners.push(listener);
  }

  /** Erase the workshops closed longer ago than the retention setting. Returns how many. */
  purgeExpired(): number {
    if (this.retentionDays === null) return 0;
    const expired = this.store.closedBefore(this.now() - this.retentionDays * DAY_MS);
    return expired.filter((id) => this.delete(id)).length;
  }

  #commit(state: Workshop, events: WorkshopEvent[], options: Parameters<EventStore['append']>[3] = {}): Sequenced[] {
    // Closing and reopening move the retention clock, kept beside the record for the purge.
    for (const event of events) {
      if (event.type === 'workshop.closed') options = { ...options, closedAt: event.at };
      if (event.type === 'workshop.reopened') options = { ...options, closedAt: null };
    }
    const last = this.store.append(state.id, state.seq, events, options);
    const sequenced = events.map((event, i) => ({ seq: last - events.length + i + 1, event }));
    let next = state;
    for (const { seq, event } of sequenced) next = apply(next, event, seq);
    // A command that made no events still counts as done; the seq stays where it was.
    this.#states.set(state.id, next);
    return sequenced;
  }

}

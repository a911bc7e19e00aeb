// Builders for the pure core: a workshop in one line, commands through the real schema, and a
// `Story` that runs commands through decide + apply the way the server does.
import { parseCommand, type Command } from '../../shared/schema.ts';
import { agendaFromTemplate, makeActivity, type ActivityOptions } from '../../shared/templates.ts';
import { fold, apply } from '../../shared/workshop/apply.ts';
import { decide, type Decision } from '../../shared/workshop/decide.ts';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import type {
  Activity,
  ActivityKind,
  Actor,
  ErrorCode,
  Language,
  OrgKind,
  Participant,
  Viewer,
  Workshop,
} from '../../shared/workshop/model.ts';

export const T0 = Date.UTC(2026, 2, 12, 9, 0);

export const facilitator: Actor = { role: 'facilitator' };
export const participant = (participantId: string): Actor => ({ role: 'participant', participantId });
export const projector: Viewer = { role: 'public' };

type CreatedEvent = Extract<WorkshopEvent, { type: 'workshop.created' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A command as a test writes it: no id, the builder gives one. */
export type CommandInput = DistributiveOmit<Command, 'id'>;

export interface WorkshopOptions {
  id?: string;
  joinCode?: string;
  title?: string;
  language?: Language;
  /** Activity kinds (each gets the id `<kind>-1`, `<kind>-2`, …) or the `lgs` agenda. */
  agenda?: Array<ActivityKind | { kind: ActivityKind; id?: string } & ActivityOptions> | 'lgs';
  /** Participant ids (6–40 url-safe characters) who have joined. */
  participants?: string[];
  /** Which activity is current; the first one by default, like `Workshops.create`. */
  current?: string | null;
}

function agenda(opts: WorkshopOptions, lang: Language): Activity[] {
  if (opts.agenda === 'lgs') {
    let n = 0;
    return agendaFromTemplate('lgs', lang, () => `act-${String(++n).padStart(3, '0')}`);
  }
  const counts: Partial<Record<ActivityKind, number>> = {};
  return (opts.agenda ?? []).map((entry) => {
    const draft = typeof entry === 'string' ? { kind: entry } : entry;
    const n = (counts[draft.kind] = (counts[draft.kind] ?? 0) + 1);
    return makeActivity(draft.id ?? `${draft.kind}-${n}`, draft.kind, lang, draft);
  });
}

/** The `workshop.created` event, shaped like the one `Workshops.create` stores. */
export function createdEvent(opts: WorkshopOptions = {}): CreatedEvent {
  const language = opts.language ?? 'sv';
  const activities = agenda(opts, language);
  return {
    type: 'workshop.created',
    workshop: {
      id: opts.id ?? 'ws-test-01',
      joinCode: opts.joinCode ?? '123456',
      createdAt: T0,
      status: 'open',
      title: opts.title ?? 'LGS Kalmar län, våren',
      date: '2026-03-12',
      place: 'Kalmar',
      purpose: 'Gemensam bild av läget',
      goal: 'Tre nästa steg',
      language,
      activities,
      currentActivityId: opts.current === undefined ? (activities[0]?.id ?? null) : opts.current,
    },
  };
}

export function joinedEvent(participantId: string, orgKind: OrgKind = 'kommun'): WorkshopEvent {
  const participant: Participant = {
    id: participantId,
    name: participantId.replace(/^p-/, ''),
    organisation: 'Nybro kommun',
    orgKind,
    joinedAt: T0,
    removed: false,
  };
  return { type: 'participant.joined', participant };
}

/** The history of a new workshop: created, then each participant joined. */
export function history(opts: WorkshopOptions = {}): Sequenced[] {
  const events = [createdEvent(opts), ...(opts.participants ?? []).map((id) => joinedEvent(id))];
  return events.map((event, i) => ({ seq: i + 1, event }));
}

/** A folded workshop in one line: `workshop({ agenda: ['swot'], participants: ['p-anna'] })`. */
export function workshop(opts: WorkshopOptions = {}): Workshop {
  return fold(history(opts))!;
}

let commandCount = 0;

/** A command through the real wire schema; throws if the test wrote an invalid one. */
export function command(input: CommandInput | (Record<string, unknown> & { type: string })): Command {
  const parsed = parseCommand({ id: `cmd-${String(++commandCount).padStart(6, '0')}`, ...input });
  if (!parsed.ok) throw new Error(`test wrote an invalid command ${JSON.stringify(input)}: ${parsed.detail}`);
  return parsed.value;
}

/** 'ok' or the error code: what a test asserts about a decision. */
export const outcome = (decision: Decision): 'ok' | ErrorCode => (decision.ok ? 'ok' : decision.error);

/** A workshop as it goes: commands run through decide and apply, events kept with their seq. */
export class Story {
  state: Workshop;
  readonly log: Sequenced[];
  now = T0;

  constructor(opts: WorkshopOptions = {}) {
    this.log = history(opts);
    this.state = fold(this.log)!;
  }

  /** Run a command as `actor`; on success its events are applied. Returns the decision. */
  run(actor: Actor, input: CommandInput): Decision {
    this.now += 1000;
    const decision = decide(this.state, command(input), actor, { now: this.now, makeActivity });
    if (decision.ok) for (const event of decision.events) this.record(event);
    return decision;
  }

  /** Run a command and say only 'ok' or why it was refused. */
  try(actor: Actor, input: CommandInput): 'ok' | ErrorCode {
    return outcome(this.run(actor, input));
  }

  /** Run a command that must be accepted; throws with the reason otherwise. */
  must(actor: Actor, input: CommandInput): WorkshopEvent[] {
    const decision = this.run(actor, input);
    if (!decision.ok) throw new Error(`${input.type} refused: ${decision.error} ${decision.detail ?? ''}`);
    return decision.events;
  }

  /** Append an event that is not a command (a participant joining). */
  record(event: WorkshopEvent): void {
    const seq = this.state.seq + 1;
    this.log.push({ seq, event });
    this.state = apply(this.state, event, seq);
  }

  /** A note by `actor` on an activity (its first column unless given). */
  note(actor: Actor, noteId: string, activityId: string, text = 'En lapp', columnId?: string): 'ok' | ErrorCode {
    const column = columnId ?? this.state.activities.find((a) => a.id === activityId)?.columns[0]?.id ?? 'q1';
    return this.try(actor, { type: 'note.add', noteId, activityId, columnId: column, text });
  }
}

/** `new Story(opts)` in one call. */
export const story = (opts: WorkshopOptions = {}) => new Story(opts);

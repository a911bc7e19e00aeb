// Scale questions (skalfrågor): statements (the activity's columns) each answered on a 1–5 or
// 1–10 scale, optionally "Vet inte". Same life as a vote: open, closed, results hidden until
// revealed or live. Answers are secret; the tally shows each kind of organisation side by side
// only where three or more of it answered (voting.ts's `withheldKinds`). Pure.
import type { Command } from '../schema.ts';
import { accept, findActivity, mayWrite, refuse, type Decision } from './decision.ts';
import { ORG_KINDS, type Activity, type Actor, type KindWithheld, type OrgKind, type Workshop } from './model.ts';
import { MIN_KIND_VOTERS, withheldKinds } from './voting.ts';

/** A step of the scale (1…max), or "Vet inte". */
export type ScaleAnswer = number | 'dontKnow';
export const SCALE_MAXES = [5, 10] as const;

export interface ScaleSettings {
  /** The scale runs from 1 to this. */
  max: (typeof SCALE_MAXES)[number];
  /** Words at the ends of the scale ("Stämmer inte alls" / "Stämmer helt"); may be empty. */
  minLabel: string;
  maxLabel: string;
  /** "Vet inte" may be answered. */
  dontKnow: boolean;
  /** Participants may answer and change their answers while open. */
  open: boolean;
  /** Results shown to everyone as they come in, not only after reveal. */
  live: boolean;
  revealed: boolean;
}

/** Answers per activity, per participant, per statement (column id). Secret like ballots. */
export type ScaleAnswers = Record<string, Record<string, Record<string, ScaleAnswer>>>;

export type ScaleEvent =
  | { type: 'scale.started'; activityId: string; scale: ScaleSettings }
  | { type: 'scale.changed'; activityId: string; open?: boolean; revealed?: boolean; live?: boolean }
  /** One answer given, changed or (null) taken back. Only its author and facilitators see it. */
  | { type: 'scale.answered'; activityId: string; participantId: string; statementId: string; value: ScaleAnswer | null };

type ScaleCommand = Extract<Command, { type: `scale.${string}` }>;

export function decideScale(state: Workshop, command: ScaleCommand, actor: Actor): Decision {
  const activity = findActivity(state, command.activityId);
  if (!activity) return refuse('not_found', 'activity');
  switch (command.type) {
    case 'scale.start': {
      if (activity.kind !== 'scale') return refuse('invalid', 'activityId');
      // Settings can be corrected until the first answer; after that the question stands.
      if (activity.scale && hasAnswers(state, activity.id)) return refuse('exists', 'voting');
      const { max, minLabel, maxLabel, dontKnow } = command;
      const scale: ScaleSettings = { max, minLabel, maxLabel, dontKnow, open: true, live: command.live ?? false, revealed: false };
      return accept({ type: 'scale.started', activityId: activity.id, scale });
    }
    case 'scale.change': {
      const scale = activity.scale;
      if (!scale) return refuse('not_found', 'voting');
      const change: { open?: boolean; revealed?: boolean } = {};
      if (command.open !== undefined && command.open !== scale.open) change.open = command.open;
      if (command.revealed !== undefined && command.revealed !== scale.revealed) change.revealed = command.revealed;
      return Object.keys(change).length ? accept({ type: 'scale.changed', activityId: activity.id, ...change }) : accept();
    }
    case 'scale.answer': {
      if (actor.role !== 'participant') return refuse('forbidden', 'participant_only');
      const scale = activity.scale;
      if (!scale) return refuse('not_found', 'voting');
      const denied = mayWrite(state, activity, actor);
      if (denied) return denied;
      if (!scale.open) return refuse('voting_closed');
      if (!activity.columns.some((c) => c.id === command.statementId)) return refuse('not_found', 'column');
      const { value } = command;
      if (value === 'dontKnow' ? !scale.dontKnow : value !== null && value > scale.max) return refuse('invalid', 'value');
      const mine = state.scaleAnswers?.[activity.id]?.[actor.participantId]?.[command.statementId] ?? null;
      if (mine === value) return accept();
      return accept({
        type: 'scale.answered',
        activityId: activity.id,
        participantId: actor.participantId,
        statementId: command.statementId,
        value,
      });
    }
  }
}

function hasAnswers(state: Workshop, activityId: string): boolean {
  return Object.values(state.scaleAnswers?.[activityId] ?? {}).some((a) => Object.keys(a).length > 0);
}

/**
 * The fold of scale events. Always copying, also under `applyInPlace`: a phone lays its unsent
 * answers on its shared state that way (optimistic.ts copies only the records it knows).
 */
export function applyScale(state: Workshop, event: ScaleEvent): Workshop {
  const mapScale = (f: (a: Activity) => Activity) =>
    state.activities.some((a) => a.id === event.activityId)
      ? { ...state, activities: state.activities.map((a) => (a.id === event.activityId ? f(a) : a)) }
      : state;
  switch (event.type) {
    case 'scale.started': {
      const started = mapScale((a) => ({ ...a, scale: event.scale }));
      if (started === state) return state;
      return { ...started, scaleAnswers: { ...state.scaleAnswers, [event.activityId]: {} } };
    }
    case 'scale.changed': {
      const { type: _type, activityId: _id, ...change } = event;
      return mapScale((a) => (a.scale ? { ...a, scale: { ...a.scale, ...change } } : a));
    }
    case 'scale.answered': {
      if (!state.activities.some((a) => a.id === event.activityId)) return state;
      const all = state.scaleAnswers ?? {};
      const byPerson = all[event.activityId] ?? {};
      const { [event.statementId]: _old, ...rest } = byPerson[event.participantId] ?? {};
      const mine = event.value === null ? rest : { ...rest, [event.statementId]: event.value };
      return { ...state, scaleAnswers: { ...all, [event.activityId]: { ...byPerson, [event.participantId]: mine } } };
    }
  }
}

/** Only `me`'s answers (none for the projector): what a participant's view holds. */
export function ownScaleAnswers(answers: ScaleAnswers | undefined, me: string | null): ScaleAnswers | undefined {
  if (!answers) return answers;
  return Object.fromEntries(
    Object.entries(answers).map(([activityId, byPerson]) => [activityId, me && byPerson[me] ? { [me]: byPerson[me] } : {}]),
  );
}

// --- the tally ------------------------------------------------------------------------------

/** Answers of one group to one statement. `distribution[i]` counts the answer i + 1. */
export interface ScaleFigures {
  respondents: number;
  distribution: number[];
  dontKnow: number;
  /** Of the answers on the scale; null when all said "Vet inte". */
  mean: number | null;
}

export interface StatementResult extends ScaleFigures {
  statementId: string;
  text: string;
  /** Per kind of organisation; a kind with one or two respondents (and see withheldKinds) never shows. */
  byKind: Record<OrgKind, ScaleFigures | KindWithheld>;
  /** Mean of kommun less mean of region, when both are shown with three or more answers on the scale. */
  gap: number | null;
  /** This statement has the question's largest kommun/region gap (one statement at most). */
  largestGap: boolean;
}

export interface ScaleResult {
  max: number;
  minLabel: string;
  maxLabel: string;
  dontKnow: boolean;
  /** Participants (not removed) who answered at least one statement. */
  respondents: number;
  statements: StatementResult[];
}

const figures = (max: number): ScaleFigures => ({ respondents: 0, distribution: Array(max).fill(0), dontKnow: 0, mean: null });

function count(f: ScaleFigures, answer: ScaleAnswer): void {
  f.respondents += 1;
  if (answer === 'dontKnow') f.dontKnow += 1;
  else f.distribution[answer - 1] += 1;
}

function withMean(f: ScaleFigures): ScaleFigures {
  const n = f.respondents - f.dontKnow;
  const sum = f.distribution.reduce((s, c, i) => s + c * (i + 1), 0);
  return { ...f, mean: n ? sum / n : null };
}

const onScale = (f: ScaleFigures | KindWithheld): f is ScaleFigures =>
  typeof f === 'object' && f.respondents - f.dontKnow >= MIN_KIND_VOTERS && f.mean !== null;

/** The results of a scale question, or null if it has not started. */
export function scaleTally(state: Workshop, activityId: string): ScaleResult | null {
  const activity = findActivity(state, activityId);
  const scale = activity?.scale;
  if (!activity || !scale) return null;
  const answers = Object.entries(state.scaleAnswers?.[activityId] ?? {}).filter(
    ([pid, mine]) => !state.participants[pid]?.removed && activity.columns.some((c) => mine[c.id] !== undefined),
  );
  const statements = activity.columns.map((column): StatementResult => {
    const all = figures(scale.max);
    const kinds = Object.fromEntries(ORG_KINDS.map((k) => [k, figures(scale.max)])) as Record<OrgKind, ScaleFigures>;
    for (const [pid, mine] of answers) {
      const answer = mine[column.id];
      if (answer === undefined || (typeof answer === 'number' && answer > scale.max)) continue;
      count(all, answer);
      count(kinds[state.participants[pid]?.orgKind ?? 'annan'], answer);
    }
    const withheld = withheldKinds(Object.fromEntries(ORG_KINDS.map((k) => [k, kinds[k].respondents])) as Record<OrgKind, number>);
    const byKind = Object.fromEntries(ORG_KINDS.map((k) => [k, withheld.get(k) ?? withMean(kinds[k])])) as StatementResult['byKind'];
    const { kommun, region } = byKind;
    const gap = onScale(kommun) && onScale(region) ? kommun.mean! - region.mean! : null;
    return { statementId: column.id, text: column.title, ...withMean(all), byKind, gap, largestGap: false };
  });
  const widest = statements.reduce<StatementResult | null>(
    (best, s) => (s.gap !== null && s.gap !== 0 && (!best || Math.abs(s.gap) > Math.abs(best.gap!)) ? s : best),
    null,
  );
  if (widest) widest.largestGap = true;
  const { max, minLabel, maxLabel, dontKnow } = scale;
  return { max, minLabel, maxLabel, dontKnow, respondents: answers.length, statements };
}

/** How many (not removed) have answered at least one statement: for the projector, never who. */
export function scaleRespondents(state: Workshop, activityId: string): number {
  return Object.entries(state.scaleAnswers?.[activityId] ?? {}).filter(
    ([pid, mine]) => !state.participants[pid]?.removed && Object.keys(mine).length > 0,
  ).length;
}

/** Whether participants and the projector may see a scale question's results now. */
export function scaleResultsVisible(activity: Activity): boolean {
  return !!activity.scale && (activity.scale.revealed || activity.scale.live);
}

/** A mean as these groups write it: one decimal, comma in Swedish. */
export function formatMean(mean: number | null, lang: 'sv' | 'en'): string {
  if (mean === null) return '–';
  const text = mean.toFixed(1);
  return lang === 'sv' ? text.replace('.', ',') : text;
}

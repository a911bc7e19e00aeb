// What a decision is, and the small helpers every part of `decide` shares.
import type { DetailOf } from '../protocol.ts';
import type { WorkshopEvent } from './events.ts';
import type { Activity, Actor, Column, ErrorCode, Workshop } from './model.ts';

/** A refusal as a value: its code, and what `detail` may say with that code (protocol.ts). */
export type Refusal = { [C in ErrorCode]: { ok: false; error: C; detail?: DetailOf<C> } }[ErrorCode];

export type Decision = { ok: true; events: WorkshopEvent[] } | Refusal;

export interface DecideContext {
  now: number;
  /**
   * Makes a new activity from its template (shared/templates.ts), titled in the workshop's
   * language. Passed in rather than imported: the templates name their titles from every
   * dictionary, and a phone, which runs `decide` for its optimistic view but never adds an
   * activity, must not download them. Without it `activity.add` is refused as `internal`.
   */
  makeActivity?: typeof import('../templates.ts').makeActivity;
}

export const refuse = <C extends ErrorCode>(error: C, detail?: DetailOf<C>): Refusal =>
  ({ ok: false, error, ...(detail !== undefined && { detail }) }) as Refusal;
export const accept = (...events: WorkshopEvent[]): Decision => ({ ok: true, events });

export function findActivity(state: Workshop, id: string): Activity | undefined {
  return state.activities.find((a) => a.id === id);
}

/** A participant writes and votes only on the current, unlocked activity; a facilitator anywhere. */
export function mayWrite(state: Workshop, activity: Activity, actor: Actor): Refusal | null {
  if (actor.role === 'facilitator') return null;
  if (state.currentActivityId !== activity.id) return refuse('not_current', 'activity');
  if (activity.locked) return refuse('locked');
  return null;
}

/** The first column `columns` would drop that still holds notes: why `column_not_empty`. */
export function emptiedColumn(state: Workshop, activity: Activity, columns: readonly Column[]): Column | undefined {
  const kept = new Set(columns.map((c) => c.id));
  const holding = new Set(Object.values(state.notes).filter((n) => n.activityId === activity.id).map((n) => n.columnId));
  return activity.columns.find((c) => !kept.has(c.id) && holding.has(c.id));
}

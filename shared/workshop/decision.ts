// What a decision is, and the small helpers every part of `decide` shares.
import type { WorkshopEvent } from './events.ts';
import type { Activity, ErrorCode, Workshop } from './model.ts';

export type Decision =
  | { ok: true; events: WorkshopEvent[] }
  | { ok: false; error: ErrorCode; detail?: string };

export interface DecideContext {
  now: number;
}

export const refuse = (error: ErrorCode, detail?: string): Decision => ({ ok: false, error, detail });
export const accept = (...events: WorkshopEvent[]): Decision => ({ ok: true, events });

export function findActivity(state: Workshop, id: string): Activity | undefined {
  return state.activities.find((a) => a.id === id);
}

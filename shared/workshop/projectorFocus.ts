// The projector's focus: one column, theme or room of an activity shown alone on the big
// screen, chosen from the facilitator's laptop. Phones do not follow it.
import type { Command } from '../schema.ts';
import { accept, findActivity, refuse, type Decision } from './decision.ts';
import type { Activity, ProjectorFocus, Workshop } from './model.ts';

/** The name of what a focus points at, or null when it is gone (a column removed, a theme deleted). */
export function focusTarget(state: Pick<Workshop, 'themes'>, activity: Activity, focus: ProjectorFocus): string | null {
  if (focus.activityId !== activity.id) return null;
  switch (focus.kind) {
    case 'column':
      return activity.columns.find((c) => c.id === focus.id)?.title ?? null;
    case 'theme': {
      const theme = Object.hasOwn(state.themes, focus.id) ? state.themes[focus.id] : undefined;
      return theme?.activityId === activity.id ? theme.name : null;
    }
    case 'room':
      return activity.breakout?.rooms.find((r) => r.id === focus.id)?.name ?? null;
  }
}

const same = (a: ProjectorFocus | null, b: ProjectorFocus | null) =>
  a === b || (!!a && !!b && a.activityId === b.activityId && a.kind === b.kind && a.id === b.id);

export function decideProjectorFocus(state: Workshop, command: Extract<Command, { type: 'projector.focus' }>): Decision {
  const { focus } = command;
  if (focus) {
    const activity = findActivity(state, focus.activityId);
    if (!activity) return refuse('not_found', 'activity');
    if (focusTarget(state, activity, focus) === null) return refuse('not_found', focus.kind);
  }
  if (same(focus, state.projectorFocus ?? null)) return accept();
  return accept({ type: 'projector.focused', focus: focus && { activityId: focus.activityId, kind: focus.kind, id: focus.id } });
}

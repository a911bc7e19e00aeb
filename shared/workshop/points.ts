// Points (100 poäng): each participant shares out a budget (100 by default) over the
// facilitator's options; the result is each option's points in all and per respondent, overall
// and by organisation kind. Same life as a dot vote (the activity's `voting`) and the same secret
// ballots (`state.ballots`: option id -> points), so `view` keeps them from everyone else.
import type { Command } from '../schema.ts';
import { accept, findActivity, mayWrite, refuse, type Decision } from './decision.ts';
import { ORG_KINDS, type ActivityKind, type Actor, type KindWithheld, type OrgKind, type Voting, type Workshop } from './model.ts';
import { optionsOf, withheldKinds } from './voting.ts';

export const isPoints = (kind: ActivityKind | undefined): boolean => kind === 'points';

export const DEFAULT_BUDGET = 100;
export const budgetOf = (voting: Pick<Voting, 'budget'> | null | undefined): number => voting?.budget ?? DEFAULT_BUDGET;

export interface PointsOption {
  optionId: string;
  /** All points given to the option. */
  total: number;
  /** Points per respondent, two decimals. */
  mean: number;
  /** 1 for the most points; equal totals share a rank. */
  rank: number;
  /** Mean points per respondent of each kind, or why it is not shown (the same kinds on every option). */
  byKind: Record<OrgKind, number | KindWithheld>;
}

export interface PointsResult {
  budget: number;
  respondents: number;
  respondentsByKind: Record<OrgKind, number | KindWithheld>;
  /** Most points first. */
  options: PointsOption[];
}

const zeros = (): Record<OrgKind, number> => Object.fromEntries(ORG_KINDS.map((k) => [k, 0])) as Record<OrgKind, number>;
const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Points per option, overall and by kind. A respondent is a participant not removed with points
 * on one of the current options; points left on an option that is gone count for nothing. A kind
 * with fewer than 3 respondents, and the one more that would give it away, are withheld
 * (voting.ts `withheldKinds`).
 */
export function pointsTally(state: Workshop, activityId: string): PointsResult {
  const activity = findActivity(state, activityId);
  const options = activity ? optionsOf(state, activity).map((o) => o.id) : [];
  const sum = new Map(options.map((id) => [id, { all: 0, byKind: zeros() }]));
  const respondents = zeros();
  for (const [participantId, ballot] of Object.entries(state.ballots[activityId] ?? {})) {
    const who = state.participants[participantId];
    if (!who || who.removed || !options.some((id) => (ballot[id] ?? 0) > 0)) continue;
    respondents[who.orgKind] += 1;
    for (const id of options) {
      const s = sum.get(id)!;
      s.all += ballot[id] ?? 0;
      s.byKind[who.orgKind] += ballot[id] ?? 0;
    }
  }
  const n = ORG_KINDS.reduce((a, k) => a + respondents[k], 0);
  const withheld = withheldKinds(respondents);
  const show = (values: Record<OrgKind, number>) =>
    Object.fromEntries(ORG_KINDS.map((k) => [k, withheld.get(k) ?? values[k]])) as Record<OrgKind, number | KindWithheld>;
  const ranked: PointsOption[] = options
    .map((optionId) => {
      const s = sum.get(optionId)!;
      const means = Object.fromEntries(ORG_KINDS.map((k) => [k, respondents[k] ? round(s.byKind[k] / respondents[k]) : 0])) as Record<OrgKind, number>;
      return { optionId, total: s.all, mean: n ? round(s.all / n) : 0, rank: 0, byKind: show(means) };
    })
    .sort((a, b) => b.total - a.total);
  ranked.forEach((r, i) => (r.rank = i > 0 && ranked[i - 1].total === r.total ? ranked[i - 1].rank : i + 1));
  return { budget: budgetOf(activity?.voting), respondents: n, respondentsByKind: show(respondents), options: ranked };
}

/**
 * `points.submit`: a participant's whole share-out, replacing any earlier one (so it counts
 * once). Every point of the budget goes to a current option: no more, no fewer.
 */
export function decidePoints(state: Workshop, command: Extract<Command, { type: 'points.submit' }>, actor: Actor): Decision {
  if (actor.role !== 'participant') return refuse('forbidden', 'participant_only');
  const activity = findActivity(state, command.activityId);
  if (!activity || !isPoints(activity.kind) || !activity.voting) return refuse('not_found', 'voting');
  const denied = mayWrite(state, activity, actor);
  if (denied) return denied;
  if (!activity.voting.open) return refuse('voting_closed');
  const options = new Set(optionsOf(state, activity).map((o) => o.id));
  const entries = Object.entries(command.points).filter(([, p]) => p > 0);
  if (entries.some(([id]) => !options.has(id))) return refuse('invalid', 'points');
  if (entries.reduce((a, [, p]) => a + p, 0) !== budgetOf(activity.voting)) return refuse('invalid', 'points');
  const ballot = Object.fromEntries(entries);
  const mine = state.ballots[activity.id]?.[actor.participantId] ?? {};
  const same = Object.keys(mine).length === entries.length && entries.every(([id, p]) => mine[id] === p);
  return same ? accept() : accept({ type: 'ballot.set', activityId: activity.id, participantId: actor.participantId, ballot });
}

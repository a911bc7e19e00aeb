// Ranking (rangordning): each participant puts the facilitator's options in order; the result is
// each option's mean place, overall and by organisation kind. Same life as a dot vote (the
// activity's `voting`: open, closed, hidden until revealed or live) and the same secret ballots
// (`state.ballots`: option id -> place, 1 first), so `view` keeps them from everyone else.
import type { Command } from '../schema.ts';
import { accept, findActivity, mayWrite, refuse, type Decision } from './decision.ts';
import { ORG_KINDS, type ActivityKind, type Actor, type KindWithheld, type OrgKind, type Workshop } from './model.ts';
import { optionsOf, withheldKinds } from './voting.ts';

/** The activity kinds whose options are ranked rather than dotted. */
export const isRanking = (kind: ActivityKind | undefined): boolean => kind === 'ranking';

export interface RankedOption {
  optionId: string;
  /** The mean place given (1 = first); lower is better. */
  mean: number;
  /** 1 for the lowest mean place; equal means share a rank. */
  rank: number;
  /** Mean place by the respondents' kind, or why it is not shown (the same kinds on every option). */
  byKind: Record<OrgKind, number | KindWithheld>;
}

export interface RankingResult {
  respondents: number;
  /** How many respondents of each kind, or why it is not shown. */
  respondentsByKind: Record<OrgKind, number | KindWithheld>;
  /** Best (lowest mean place) first. */
  options: RankedOption[];
}

/**
 * A ballot's order over the options as they are now: its options by the place given, then
 * those it never placed (added after the answer) sharing the places left, as their mean.
 */
export function placesOf(ballot: Record<string, number>, options: readonly string[]): Map<string, number> {
  const ranked = options.filter((id) => ballot[id] !== undefined).sort((a, b) => ballot[a] - ballot[b] || (a < b ? -1 : 1));
  const places = new Map(ranked.map((id, i) => [id, i + 1]));
  const rest = options.length - ranked.length;
  const shared = ranked.length + (rest + 1) / 2;
  for (const id of options) if (!places.has(id)) places.set(id, shared);
  return places;
}

/** A participant's current order of the options: their answer, then the options they have not placed. */
export function myOrder(ballot: Record<string, number> | undefined, options: readonly string[]): string[] {
  const b = ballot ?? {};
  const placed = options.filter((id) => b[id] !== undefined).sort((x, y) => b[x] - b[y]);
  return [...placed, ...options.filter((id) => b[id] === undefined)];
}

const zeros = (): Record<OrgKind, number> => Object.fromEntries(ORG_KINDS.map((k) => [k, 0])) as Record<OrgKind, number>;

/**
 * Mean place per option, overall and by kind. A respondent is a participant not removed with an
 * answer that places at least one of the current options. A kind with fewer than 3 respondents,
 * and the one more that would give it away, are withheld (voting.ts `withheldKinds`).
 */
export function rankingTally(state: Workshop, activityId: string): RankingResult {
  const activity = findActivity(state, activityId);
  const options = activity ? optionsOf(state, activity).map((o) => o.id) : [];
  const sum = new Map(options.map((id) => [id, { all: 0, byKind: zeros() }]));
  const respondents = zeros();
  for (const [participantId, ballot] of Object.entries(state.ballots[activityId] ?? {})) {
    const who = state.participants[participantId];
    if (!who || who.removed || !options.some((id) => ballot[id] !== undefined)) continue;
    respondents[who.orgKind] += 1;
    for (const [id, place] of placesOf(ballot, options)) {
      const s = sum.get(id)!;
      s.all += place;
      s.byKind[who.orgKind] += place;
    }
  }
  const n = ORG_KINDS.reduce((a, k) => a + respondents[k], 0);
  const withheld = withheldKinds(respondents);
  const show = (values: Record<OrgKind, number>) =>
    Object.fromEntries(ORG_KINDS.map((k) => [k, withheld.get(k) ?? values[k]])) as Record<OrgKind, number | KindWithheld>;
  const ranked: RankedOption[] = options
    .map((optionId) => {
      const s = sum.get(optionId)!;
      const means = Object.fromEntries(
        ORG_KINDS.map((k) => [k, respondents[k] ? round(s.byKind[k] / respondents[k]) : 0]),
      ) as Record<OrgKind, number>;
      return { optionId, mean: n ? round(s.all / n) : 0, rank: 0, byKind: show(means) };
    })
    .sort((a, b) => a.mean - b.mean);
  ranked.forEach((r, i) => (r.rank = i > 0 && ranked[i - 1].mean === r.mean ? ranked[i - 1].rank : i + 1));
  return { respondents: n, respondentsByKind: show(respondents), options: ranked };
}

/** Two decimals: enough to tell places apart, and equal sums always compare equal. */
const round = (x: number) => Math.round(x * 100) / 100;

/**
 * `ranking.submit`: a participant's whole order, replacing any earlier one (so it counts once).
 * It must name each current option exactly once.
 */
export function decideRanking(state: Workshop, command: Extract<Command, { type: 'ranking.submit' }>, actor: Actor): Decision {
  if (actor.role !== 'participant') return refuse('forbidden', 'participant_only');
  const activity = findActivity(state, command.activityId);
  if (!activity || !isRanking(activity.kind) || !activity.voting) return refuse('not_found', 'voting');
  const denied = mayWrite(state, activity, actor);
  if (denied) return denied;
  if (!activity.voting.open) return refuse('voting_closed');
  const options = new Set(optionsOf(state, activity).map((o) => o.id));
  const order = command.order;
  if (order.length !== options.size || new Set(order).size !== order.length || order.some((id) => !options.has(id)))
    return refuse('invalid', 'order');
  const ballot = Object.fromEntries(order.map((id, i) => [id, i + 1]));
  const mine = state.ballots[activity.id]?.[actor.participantId];
  if (mine && order.every((id, i) => mine[id] === i + 1) && Object.keys(mine).length === order.length) return accept();
  return accept({ type: 'ballot.set', activityId: activity.id, participantId: actor.participantId, ballot });
}

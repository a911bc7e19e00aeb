// Dot voting: what can be voted on, and the tally. Pure; the server sends participants the
// tally (never who voted for what, nor a small group's dots), and only once the results are
// revealed or live.
import { ORG_KINDS, type Activity, type KindWithheld, type OptionResult, type OrgKind, type Workshop } from './model.ts';

export interface VoteOption {
  id: string;
  text: string;
}

/** The options of an activity's vote: its notes (in posting order) or its themes. */
export function optionsOf(state: Workshop, activity: Activity): VoteOption[] {
  if (activity.voting?.target === 'themes')
    return Object.values(state.themes)
      .filter((t) => t.activityId === activity.id)
      .map((t) => ({ id: t.id, text: t.name }));
  return Object.values(state.notes)
    .filter((n) => n.activityId === activity.id)
    .sort((a, b) => a.order - b.order)
    .map((n) => ({ id: n.id, text: n.text }));
}

/** Dots a participant has placed in an activity. */
export function dotsUsed(state: Workshop, activityId: string, participantId: string): number {
  return Object.values(state.ballots[activityId]?.[participantId] ?? {}).reduce((a, b) => a + b, 0);
}

const noKinds = (): Record<OrgKind, number> =>
  Object.fromEntries(ORG_KINDS.map((k) => [k, 0])) as Record<OrgKind, number>;

/** Fewer voters of a kind than this, and its dots are not shown: they would be one or two people's. */
export const MIN_KIND_VOTERS = 3;

/**
 * The kinds whose dots are not shown, from how many of each kind voted: those with one or two
 * voters, and then, if those hold only one or two voters together, also the smallest kind
 * with enough (the first in ORG_KINDS of equals), since the option's total less the kinds shown
 * would be exactly the few's dots. Kinds nobody of voted in show 0: that gives nobody away.
 */
export function withheldKinds(voters: Record<OrgKind, number>): Map<OrgKind, KindWithheld> {
  const withheld = new Map<OrgKind, KindWithheld>();
  const few = ORG_KINDS.filter((k) => voters[k] > 0 && voters[k] < MIN_KIND_VOTERS);
  for (const k of few) withheld.set(k, 'fewerThan3');
  const held = few.reduce((n, k) => n + voters[k], 0);
  if (held === 0 || held >= MIN_KIND_VOTERS) return withheld;
  const shown = ORG_KINDS.filter((k) => voters[k] >= MIN_KIND_VOTERS);
  const smallest = shown.reduce<OrgKind | null>((min, k) => (min === null || voters[k] < voters[min] ? k : min), null);
  if (smallest) withheld.set(smallest, 'withheld');
  return withheld;
}

/**
 * The ranking: options by dots, most first; equal dots share a rank (1, 2, 2, 4); share of
 * all dots; and dots by organisation kind, to see where kommun and region agree or differ,
 * without singling out a small group (`withheldKinds`). A voter is someone not removed with a
 * dot on one of the options; dots left on an option that is gone count for nothing.
 */
export function tally(state: Workshop, activityId: string): OptionResult[] {
  const activity = state.activities.find((a) => a.id === activityId);
  if (!activity) return [];
  const options = optionsOf(state, activity).map((o) => o.id);
  const byOption = new Map(options.map((id) => [id, { total: 0, byKind: noKinds() }]));
  const voters = noKinds();
  let all = 0;
  for (const [participantId, ballot] of Object.entries(state.ballots[activityId] ?? {})) {
    // Someone the facilitator removed no longer counts.
    if (state.participants[participantId]?.removed) continue;
    const kind = state.participants[participantId]?.orgKind ?? 'annan';
    let counted = 0;
    for (const [optionId, dots] of Object.entries(ballot)) {
      const option = byOption.get(optionId);
      if (!option) continue;
      option.total += dots;
      option.byKind[kind] += dots;
      counted += dots;
    }
    if (counted > 0) voters[kind] += 1;
    all += counted;
  }
  const withheld = withheldKinds(voters);
  const ranked: OptionResult[] = options
    .map((optionId) => {
      const { total, byKind } = byOption.get(optionId)!;
      const shown = Object.fromEntries(ORG_KINDS.map((k) => [k, withheld.get(k) ?? byKind[k]])) as OptionResult['byKind'];
      return { optionId, total, byKind: shown, rank: 0, share: all ? total / all : 0 };
    })
    .sort((a, b) => b.total - a.total);
  ranked.forEach((r, i) => (r.rank = i > 0 && ranked[i - 1].total === r.total ? ranked[i - 1].rank : i + 1));
  return ranked;
}

/** The evaluation's average rating (1–5) and how many gave one, from the notes given. */
export function averageRating(notes: Iterable<{ rating?: number }>): { average: number; count: number } | null {
  let sum = 0;
  let count = 0;
  for (const n of notes) {
    if (typeof n.rating !== 'number') continue;
    sum += n.rating;
    count += 1;
  }
  return count ? { average: sum / count, count } : null;
}

/** How many participants (not removed) have at least one dot placed in an activity's vote. */
export function voterCount(state: Workshop, activityId: string): number {
  let n = 0;
  for (const [participantId, ballot] of Object.entries(state.ballots[activityId] ?? {}))
    if (!state.participants[participantId]?.removed && Object.values(ballot).some((dots) => dots > 0)) n += 1;
  return n;
}

/** Whether participants and the projector may see an activity's results now. */
export function resultsVisible(activity: Activity): boolean {
  return !!activity.voting && (activity.voting.revealed || activity.voting.live);
}

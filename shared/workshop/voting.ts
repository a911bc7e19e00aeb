// Dot voting: what can be voted on, and the tally. Pure; the server sends participants the
// tally (never who voted for what), and only once the results are revealed or live.
import { ORG_KINDS, type Activity, type OptionResult, type OrgKind, type Workshop } from './model.ts';

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

/**
 * The ranking: options by dots, most first; equal dots share a rank (1, 2, 2, 4); share of
 * all dots; and dots by organisation kind, to see where kommun and region agree or differ.
 */
export function tally(state: Workshop, activityId: string): OptionResult[] {
  const activity = state.activities.find((a) => a.id === activityId);
  if (!activity) return [];
  const results = new Map<string, OptionResult>(
    optionsOf(state, activity).map((o) => [o.id, { optionId: o.id, total: 0, byKind: noKinds(), rank: 0, share: 0 }]),
  );
  let all = 0;
  for (const [participantId, ballot] of Object.entries(state.ballots[activityId] ?? {})) {
    // Someone the facilitator removed no longer counts.
    if (state.participants[participantId]?.removed) continue;
    const kind = state.participants[participantId]?.orgKind ?? 'annan';
    for (const [optionId, dots] of Object.entries(ballot)) {
      const result = results.get(optionId);
      if (!result) continue;
      result.total += dots;
      result.byKind[kind] += dots;
      all += dots;
    }
  }
  const ranked = [...results.values()].sort((a, b) => b.total - a.total);
  ranked.forEach((r, i) => {
    r.rank = i > 0 && ranked[i - 1].total === r.total ? ranked[i - 1].rank : i + 1;
    r.share = all ? r.total / all : 0;
  });
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

/** Whether participants and the projector may see an activity's results now. */
export function resultsVisible(activity: Activity): boolean {
  return !!activity.voting && (activity.voting.revealed || activity.voting.live);
}

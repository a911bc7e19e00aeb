// Whether a participant's answers have been shown split by kind of organisation: a vote they
// cast dots in (or a word cloud they sent words to, or a scale question they answered) whose results are revealed or live. Their
// kind is then no longer corrected: the split by kind before and after the change would show
// everyone exactly what they answered.
import type { Workshop } from './model.ts';

export function answersShownByKind(state: Workshop, participantId: string): boolean {
  return state.activities.some((activity) => {
    // A word cloud's words by kind, once revealed or live (wordCloud.ts).
    const cloud = activity.wordCloud;
    if (cloud && (cloud.live || cloud.revealed) && (state.words?.[activity.id]?.[participantId]?.length ?? 0) > 0) return true;
    // Scale answers by kind, once revealed or live (scale.ts).
    const scale = activity.scale;
    if (scale && (scale.live || scale.revealed) && Object.keys(state.scaleAnswers?.[activity.id]?.[participantId] ?? {}).length > 0) return true;
    const voting = activity.voting;
    if (!voting || !(voting.live || voting.revealed)) return false;
    const ballot = state.ballots[activity.id]?.[participantId];
    return !!ballot && Object.values(ballot).some((dots) => dots > 0);
  });
}

// Word cloud (ordmoln): each participant sends up to N short words; the tally merges case,
// surrounding space and trailing punctuation ("Tillit", "tillit." are one word) and counts each
// word once per person. Pure. Who wrote what is secret like a ballot: participants and the
// projector get only the tally, only once it is revealed or live, without the words the
// facilitator hid, and no kind of organisation with fewer than 3 respondents (`withheldKinds`).
import type { Command } from '../schema.ts';
import { accept, findActivity, mayWrite, refuse, type Decision } from './decision.ts';
import { ORG_KINDS, type Actor, type KindWithheld, type OrgKind, type Workshop } from './model.ts';
import { withheldKinds } from './voting.ts';

export interface WordCloud {
  /** How many words or phrases each participant may send (1–10). */
  maxWords: number;
  /** How long each may be, in characters. */
  maxLength: number;
  open: boolean;
  live: boolean;
  revealed: boolean;
}

export const WORD_LIMITS = { maxWords: 10, maxLength: 60 } as const;

/** One merged word: its most common spelling, how many sent it, and by kind (or why not). */
export interface WordResult {
  key: string;
  text: string;
  total: number;
  byKind: Record<OrgKind, number | KindWithheld>;
  /** Facilitators' tally only: hidden from everyone else. */
  hidden?: true;
}

export interface WordCloudResult {
  /** Participants (not removed) who sent at least one word. */
  respondents: number;
  respondentsByKind: Record<OrgKind, number | KindWithheld>;
  /** Most sent first; equals in alphabetical order. */
  words: WordResult[];
  /** How many merged words the facilitator hid (not which). */
  hiddenCount: number;
}

/** A word as sent, tidied: no surrounding space, one space inside, no trailing punctuation. */
export function tidyWord(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[\s.,;:!?…]+$/u, '').trim();
}

/** What variants of one word share: the tidied word in lower case. */
export function wordKey(text: string): string {
  return tidyWord(text).toLocaleLowerCase('sv');
}

/** A participant's words tidied, empty ones and repeats (by key) left out, in the order sent. */
export function tidyWords(words: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of words) {
    const text = tidyWord(w);
    const key = text.toLocaleLowerCase('sv');
    if (!text || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}

/** 1 for a word written all in capitals ("TILLIT"), else 0. */
const shouted = (text: string) => (text.length > 1 && text === text.toLocaleUpperCase('sv') && text !== text.toLocaleLowerCase('sv') ? 1 : 0);

const noKinds = (): Record<OrgKind, number> => Object.fromEntries(ORG_KINDS.map((k) => [k, 0])) as Record<OrgKind, number>;

/**
 * The cloud of an activity. `forFacilitator` keeps the hidden words (marked); otherwise they
 * are left out. Respondents by kind decide which kinds' counts are withheld, on every word alike.
 */
export function tallyWords(state: Workshop, activityId: string, forFacilitator = false): WordCloudResult {
  const hidden = new Set(state.hiddenWords?.[activityId] ?? []);
  const counts = new Map<string, { total: number; byKind: Record<OrgKind, number>; spellings: Map<string, number> }>();
  const respondents = noKinds();
  for (const [participantId, words] of Object.entries(state.words?.[activityId] ?? {})) {
    const p = state.participants[participantId];
    if (!p || p.removed || !words.length) continue;
    respondents[p.orgKind] += 1;
    for (const text of words) {
      const key = wordKey(text);
      const c = counts.get(key) ?? { total: 0, byKind: noKinds(), spellings: new Map<string, number>() };
      c.total += 1;
      c.byKind[p.orgKind] += 1;
      c.spellings.set(text, (c.spellings.get(text) ?? 0) + 1);
      counts.set(key, c);
    }
  }
  const withheld = withheldKinds(respondents);
  const shown = (byKind: Record<OrgKind, number>) =>
    Object.fromEntries(ORG_KINDS.map((k) => [k, withheld.get(k) ?? byKind[k]])) as Record<OrgKind, number | KindWithheld>;
  const words: WordResult[] = [];
  for (const [key, c] of counts) {
    if (hidden.has(key) && !forFacilitator) continue;
    // The most used spelling; of equals, one not shouted in capitals, then by code point, so the
    // order respondents came in never matters.
    const text = [...c.spellings].sort((a, b) => b[1] - a[1] || shouted(a[0]) - shouted(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0][0];
    words.push({ key, text, total: c.total, byKind: shown(c.byKind), ...(hidden.has(key) && { hidden: true as const }) });
  }
  words.sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    respondents: ORG_KINDS.reduce((n, k) => n + respondents[k], 0),
    respondentsByKind: shown(respondents),
    words,
    hiddenCount: [...counts.keys()].filter((k) => hidden.has(k)).length,
  };
}

/** Whether participants and the projector may see an activity's cloud now. */
export function wordsVisible(state: Pick<Workshop, 'activities'>, activityId: string): boolean {
  const cloud = state.activities.find((a) => a.id === activityId)?.wordCloud;
  return !!cloud && (cloud.revealed || cloud.live);
}

/** How many (not removed) have sent words: for the projector while collecting, never who. */
export function wordRespondents(state: Workshop, activityId: string): number {
  return Object.entries(state.words?.[activityId] ?? {}).filter(
    ([id, words]) => words.length > 0 && state.participants[id] && !state.participants[id].removed,
  ).length;
}

type WordCommand = Extract<Command, { type: `wordcloud.${string}` | 'words.send' | 'word.hide' }>;

export function decideWordCloud(state: Workshop, command: WordCommand, actor: Actor): Decision {
  const activity = findActivity(state, command.activityId);
  if (!activity || activity.kind !== 'wordCloud') return refuse('not_found', 'activity');
  const cloud = activity.wordCloud;
  switch (command.type) {
    case 'wordcloud.start': {
      // Settings can be corrected until the first word comes in; after that they stand.
      const answered = Object.values(state.words?.[activity.id] ?? {}).some((w) => w.length > 0);
      if (cloud && answered) return refuse('exists', 'voting');
      const wordCloud: WordCloud = {
        maxWords: command.maxWords,
        maxLength: command.maxLength,
        open: true,
        live: command.live ?? false,
        revealed: false,
      };
      return accept({ type: 'wordcloud.started', activityId: activity.id, wordCloud });
    }
    case 'wordcloud.set': {
      if (!cloud) return refuse('not_found', 'voting');
      const change = Object.fromEntries(
        (['open', 'revealed', 'live'] as const).filter((k) => command[k] !== undefined && command[k] !== cloud[k]).map((k) => [k, command[k]]),
      );
      return Object.keys(change).length ? accept({ type: 'wordcloud.changed', activityId: activity.id, ...change }) : accept();
    }
    case 'word.hide': {
      if (!cloud) return refuse('not_found', 'voting');
      const key = wordKey(command.word);
      if (!key) return refuse('invalid', 'payload');
      const isHidden = (state.hiddenWords?.[activity.id] ?? []).includes(key);
      if (isHidden === command.hidden) return accept();
      return accept({ type: 'word.hidden', activityId: activity.id, word: key, hidden: command.hidden });
    }
    case 'words.send': {
      if (actor.role !== 'participant') return refuse('forbidden', 'participant_only');
      if (!cloud) return refuse('not_found', 'voting');
      const denied = mayWrite(state, activity, actor);
      if (denied) return denied;
      if (!cloud.open) return refuse('voting_closed');
      const words = tidyWords(command.words);
      if (words.length > cloud.maxWords || words.some((w) => w.length > cloud.maxLength)) return refuse('invalid', 'words');
      const before = state.words?.[activity.id]?.[actor.participantId] ?? [];
      if (before.length === words.length && before.every((w, i) => w === words[i])) return accept();
      return accept({ type: 'words.sent', activityId: activity.id, participantId: actor.participantId, words });
    }
  }
}

/**
 * The word-cloud parts of the state a participant (`me`) or the projector (null) may see: their
 * own words only, never which words were hidden. Absent parts stay absent.
 */
export function secretWords(state: Workshop, me: string | null): Pick<Workshop, 'words' | 'hiddenWords'> {
  if (!state.words && !state.hiddenWords) return {};
  const words = Object.fromEntries(
    Object.entries(state.words ?? {}).map(([activityId, byPerson]) => [activityId, me && byPerson[me] ? { [me]: byPerson[me] } : {}]),
  );
  return { words, hiddenWords: {} };
}

/** The clouds participants and the projector may see now (revealed or live), without hidden words. */
export function visibleClouds(state: Workshop): Record<string, WordCloudResult> {
  const out: Record<string, WordCloudResult> = {};
  for (const a of state.activities) if (a.wordCloud && wordsVisible(state, a.id)) out[a.id] = tallyWords(state, a.id);
  return out;
}

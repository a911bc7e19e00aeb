// A word cloud (ordmoln) in the minutes: the question, its settings, how many answered, and the
// words with their counts overall and per kind of organisation as the room saw them (hidden
// words left out; a kind with fewer than 3 respondents says "färre än 3", never a figure).
import { translate } from '../../shared/i18n/index.ts';
import { ORG_KINDS, type Activity, type KindWithheld, type Language, type OrgKind, type Workshop } from '../../shared/workshop/model.ts';
import { tallyWords } from '../../shared/workshop/wordCloud.ts';
import type { Labels } from './outline.ts';
import { columnWidths, type Grid } from './tables.ts';
import { oneLine } from './text.ts';

export interface WordCloudPart {
  question: string;
  /** "Upp till 3 ord per person, högst 30 tecken vardera". */
  settings: string;
  /** "Antal svarande: 7". */
  respondents: string;
  /** Word, count, and a column per kind that answered when more than one did; null: no words. */
  grid: Grid | null;
  /** Each word's counts, for the CSV: overall, and per kind that answered (a figure or why not). */
  words: Array<{ text: string; total: number; byKind: Array<{ label: string; text: string }> }>;
  /** What "färre än 3" and "redovisas inte" mean, when a kind's words are not given. */
  note: string | null;
  /** "2 ord som facilitatorn dolde redovisas inte.", or null. */
  hidden: string | null;
}

const fill = (label: string, params: Record<string, string | number>) =>
  label.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));

export function wordCloudPart(state: Workshop, activity: Activity, lang: Language, labels: Labels): WordCloudPart | null {
  const cloud = activity.wordCloud;
  if (activity.kind !== 'wordCloud' || !cloud) return null;
  const result = tallyWords(state, activity.id);
  const kinds = ORG_KINDS.filter((k) => result.respondentsByKind[k] !== 0);
  const kindText = (v: number | KindWithheld) => (v === 'fewerThan3' ? labels.kindFewer : v === 'withheld' ? labels.kindWithheld : String(v));
  const label = (k: OrgKind) => translate(lang, `orgKind.${k}`);
  const perKind = kinds.length > 1 ? kinds : [];
  const head = [labels.word, labels.wordCount, ...perKind.map(label)];
  const rows = result.words.map((w) => [oneLine(w.text), String(w.total), ...perKind.map((k) => kindText(w.byKind[k]))]);
  const grid: Grid | null = rows.length
    ? { name: 'word-cloud', head, rows, widths: columnWidths(head, rows, 0), numeric: head.map((_, i) => i > 0) }
    : null;
  const withheld = kinds.some((k) => typeof result.respondentsByKind[k] !== 'number');
  return {
    question: activity.columns[0]?.title ?? '',
    settings: fill(labels.wordSettings, { n: cloud.maxWords, max: cloud.maxLength }),
    respondents: fill(labels.wordRespondents, { n: result.respondents }),
    grid,
    words: result.words.map((w) => ({
      text: w.text,
      total: w.total,
      byKind: kinds.map((k) => ({ label: label(k), text: kindText(w.byKind[k]) })),
    })),
    note: withheld && perKind.length ? labels.wordKindNote : null,
    hidden: result.hiddenCount ? fill(labels.wordsHidden, { n: result.hiddenCount }) : null,
  };
}

/**
 * The CSV's rows of a word cloud (fields of its table): the settings and how many answered, then
 * each word with its count (the question as its column), and under it a row per kind of
 * organisation that answered (the kind in the theme column), with its count or why it is not given.
 */
export function wordCsvRows(w: WordCloudPart | null | undefined): Array<{ column: string; theme: string; text: string; votes: string }> {
  if (!w) return [];
  const row = (text: string, votes = '', theme = '') => ({ column: w.question, theme, text, votes });
  return [
    row(`${w.settings}. ${w.respondents}`),
    ...w.words.flatMap((word) => [
      row(word.text, String(word.total)),
      ...(word.byKind.length > 1 ? word.byKind.map((k) => row(word.text, k.text, k.label)) : []),
    ]),
    ...[w.note, w.hidden].filter((n): n is string => !!n).map((n) => row(n)),
  ];
}

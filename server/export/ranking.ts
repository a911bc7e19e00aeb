// A ranking's (rangordning) or 100 poäng's part of the minutes, for every format: what was asked
// and how it was counted, the options' figures, and each kind of organisation's figure with its
// number of respondents. A kind with fewer than 3 respondents (or one that would give it away)
// says why. One shape for both, so every format renders them alike.
import { translate } from '../../shared/i18n/index.ts';
import { ORG_KINDS, type Activity, type KindWithheld, type Language, type OrgKind, type Workshop } from '../../shared/workshop/model.ts';
import { pointsTally } from '../../shared/workshop/points.ts';
import { rankingTally } from '../../shared/workshop/ranking.ts';
import { optionsOf } from '../../shared/workshop/voting.ts';
import type { Labels } from './outline.ts';
import { columnWidths, type Grid } from './tables.ts';
import { oneLine } from './text.ts';

export interface RankingPart {
  /** "Rangordning av 4 alternativ. … 7 har svarat." */
  lead: string;
  respondents: number;
  /** Place, option and the figures. */
  overall: Grid;
  /** Respondents, then each option's figure, by kind; null when fewer than two kinds answered. */
  byKind: Grid | null;
  byKindTitle: string;
  /** What "färre än 3" and "redovisas inte" mean, when used. */
  note: string | null;
  /** The same as CSV rows: the group (a kind, or "" for all), what the figure is, the option, the figure. */
  csv: Array<{ group: string; column: string; text: string; value: string }>;
}

const LOCALES: Record<Language, string> = { sv: 'sv-SE', en: 'en-GB' };

interface Tallied {
  respondents: number;
  respondentsByKind: Record<OrgKind, number | KindWithheld>;
  options: Array<{ optionId: string; rank: number; byKind: Record<OrgKind, number | KindWithheld> }>;
}

/** The part for a ranking or 100 poäng once it has been started; null for anything else. */
export function rankingPart(state: Workshop, activity: Activity, labels: Labels): RankingPart | null {
  if (!activity.voting) return null;
  if (activity.kind === 'ranking') {
    const result = rankingTally(state, activity.id);
    const lead = translate(state.language, 'export.rankingMethod', { options: result.options.length, n: result.respondents });
    return part(state, activity, labels, result, {
      lead,
      head: [labels.meanPlace],
      figures: (o, fmt) => [fmt(result.options.find((x) => x.optionId === o)!.mean)],
      kindMeasure: labels.meanPlace,
      byKindTitle: labels.rankingByKind,
    });
  }
  if (activity.kind === 'points') {
    const result = pointsTally(state, activity.id);
    const lead = translate(state.language, 'export.pointsMethod', { budget: result.budget, options: result.options.length, n: result.respondents });
    return part(state, activity, labels, result, {
      lead,
      head: [labels.pointsTotal, labels.pointsMean],
      figures: (o, fmt) => {
        const x = result.options.find((r) => r.optionId === o)!;
        return [String(x.total), fmt(x.mean)];
      },
      kindMeasure: labels.pointsMean,
      byKindTitle: labels.pointsByKind,
    });
  }
  return null;
}

interface Shape {
  lead: string;
  /** The overall figures' headings, after place and option. */
  head: string[];
  figures: (optionId: string, fmt: (x: number) => string) => string[];
  /** What the figure by kind is ("Genomsnittlig placering", "Snitt per person"). */
  kindMeasure: string;
  byKindTitle: string;
}

function part(state: Workshop, activity: Activity, labels: Labels, result: Tallied, shape: Shape): RankingPart {
  const lang = state.language;
  const fmt = (x: number) => new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(x);
  const cell = (v: number | KindWithheld, asFigure: boolean) =>
    v === 'fewerThan3' ? labels.kindFewer : v === 'withheld' ? labels.kindWithheld : asFigure ? fmt(v) : String(v);
  const texts = new Map(optionsOf(state, activity).map((o) => [o.id, oneLine(o.text)]));
  const kinds = ORG_KINDS.filter((k) => result.respondentsByKind[k] !== 0);
  const label = (k: OrgKind) => translate(lang, `orgKind.${k}`);
  const answered = result.respondents > 0;
  const rows = result.options.map((o) => ({
    rank: o.rank,
    text: texts.get(o.optionId) ?? '',
    figures: answered ? shape.figures(o.optionId, fmt) : shape.head.map(() => ''),
    byKind: kinds.map((kind) => ({ kind, label: label(kind), text: cell(o.byKind[kind], true) })),
  }));
  const overallHead = [labels.rank, labels.option, ...shape.head];
  const overallBody = rows.map((r) => [String(r.rank), r.text, ...r.figures]);
  const overall: Grid = {
    name: 'ranking',
    head: overallHead,
    rows: overallBody,
    widths: columnWidths(overallHead, overallBody, 1),
    numeric: [true, false, ...shape.head.map(() => true)],
  };
  let byKind: Grid | null = null;
  if (kinds.length > 1) {
    const head = [labels.option, ...kinds.map(label)];
    const body = [
      [labels.respondents, ...kinds.map((k) => cell(result.respondentsByKind[k], false))],
      ...rows.map((r) => [r.text, ...r.byKind.map((k) => k.text)]),
    ];
    byKind = { name: 'by-kind', head, rows: body, widths: columnWidths(head, body, 0), numeric: [false, ...kinds.map(() => true)] };
  }
  const used = new Set(kinds.map((k) => result.respondentsByKind[k]));
  const note = [used.has('fewerThan3') ? labels.rankingFewerNote : '', used.has('withheld') ? labels.rankingWithheldNote : ''].filter(Boolean).join(' ') || null;
  const csv: RankingPart['csv'] = [
    { group: '', column: labels.results, text: shape.lead, value: '' },
    ...shape.head.flatMap((column, i) => rows.map((r) => ({ group: '', column, text: r.text, value: r.figures[i] }))),
    ...(byKind
      ? kinds.flatMap((k, i) => [
          { group: label(k), column: labels.respondents, text: cell(result.respondentsByKind[k], false), value: '' },
          ...rows.map((r) => ({ group: label(k), column: shape.kindMeasure, text: r.text, value: r.byKind[i].text })),
        ])
      : []),
    ...(note ? [{ group: '', column: labels.results, text: note, value: '' }] : []),
  ];
  return { lead: shape.lead, respondents: result.respondents, overall, byKind, byKindTitle: shape.byKindTitle, note, csv };
}

// A ranking's (rangordning) part of the minutes, for every format: what was asked and how it was
// counted, the options by mean place, and each kind of organisation's mean place with its number
// of respondents. A kind with fewer than 3 respondents (or one that would give it away) says why.
import { translate } from '../../shared/i18n/index.ts';
import { ORG_KINDS, type Activity, type KindWithheld, type Language, type OrgKind, type Workshop } from '../../shared/workshop/model.ts';
import { rankingTally } from '../../shared/workshop/ranking.ts';
import { optionsOf } from '../../shared/workshop/voting.ts';
import type { Labels } from './outline.ts';
import { columnWidths, type Grid } from './tables.ts';
import { oneLine } from './text.ts';

export interface RankingPart {
  /** "Rangordning av 4 alternativ. … 7 har svarat." */
  lead: string;
  respondents: number;
  rows: Array<{ rank: number; text: string; mean: string; byKind: Array<{ kind: OrgKind; label: string; text: string }> }>;
  /** Place, option, mean place. */
  overall: Grid;
  /** Respondents, then each option's mean place, by kind; null when fewer than two kinds answered. */
  byKind: Grid | null;
  /** What "färre än 3" and "redovisas inte" mean, when used. */
  note: string | null;
}

const LOCALES: Record<Language, string> = { sv: 'sv-SE', en: 'en-GB' };

/** The part for a ranking activity once it has been started; null otherwise. */
export function rankingPart(state: Workshop, activity: Activity, labels: Labels): RankingPart | null {
  if (activity.kind !== 'ranking' || !activity.voting) return null;
  const lang = state.language;
  const number = (x: number) => new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(x);
  const cell = (v: number | KindWithheld, asMean: boolean) =>
    v === 'fewerThan3' ? labels.kindFewer : v === 'withheld' ? labels.kindWithheld : asMean ? number(v) : String(v);
  const result = rankingTally(state, activity.id);
  const texts = new Map(optionsOf(state, activity).map((o) => [o.id, oneLine(o.text)]));
  const kinds = ORG_KINDS.filter((k) => result.respondentsByKind[k] !== 0);
  const label = (k: OrgKind) => translate(lang, `orgKind.${k}`);
  const rows = result.options.map((o) => ({
    rank: o.rank,
    text: texts.get(o.optionId) ?? '',
    mean: result.respondents ? number(o.mean) : '',
    byKind: kinds.map((kind) => ({ kind, label: label(kind), text: cell(o.byKind[kind], true) })),
  }));
  const overallBody = rows.map((r) => [String(r.rank), r.text, r.mean]);
  const overallHead = [labels.rank, labels.option, labels.meanPlace];
  const overall: Grid = { name: 'ranking', head: overallHead, rows: overallBody, widths: columnWidths(overallHead, overallBody, 1), numeric: [true, false, true] };
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
  const lead = translate(lang, 'export.rankingMethod', { options: rows.length, n: result.respondents });
  return { lead, respondents: result.respondents, rows, overall, byKind, note };
}

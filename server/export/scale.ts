// Scale questions (skalfrågor) in the minutes: the scale and its end labels, how many answered,
// and per statement a table of everyone and each kind of organisation side by side (answers,
// mean, the spread over the scale, "Vet inte"), with the kommun/region difference and where it
// is largest. A kind with fewer than 3 respondents says "färre än 3", never a figure.
import { translate } from '../../shared/i18n/index.ts';
import { ORG_KINDS, type Activity, type Language, type Workshop } from '../../shared/workshop/model.ts';
import { formatMean, scaleTally, type ScaleFigures } from '../../shared/workshop/scale.ts';
import type { Labels } from './outline.ts';
import { columnWidths, type Grid } from './tables.ts';
import { oneLine } from './text.ts';

export interface ScaleStatementPart {
  text: string;
  /** Group, answers, mean, one column per step, "Vet inte" if offered. */
  grid: Grid;
  /** "Skillnad i medelvärde mellan kommun och region: 1,3", or null when not both are shown. */
  gap: string | null;
  /** This statement splits kommun and region most. */
  largest: boolean;
}

export interface ScalePart {
  /** "Skala 1–5: 1 = Stämmer inte alls, 5 = Stämmer helt". */
  settings: string;
  /** "Svarsalternativet ”Vet inte” fanns med.", or null. */
  dontKnow: string | null;
  /** "Antal svarande: 7". */
  respondents: string;
  statements: ScaleStatementPart[];
  /** What "färre än 3" and "redovisas inte" mean, when a kind's answers are not given. */
  note: string | null;
}

const fill = (label: string, params: Record<string, string | number>) =>
  label.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));

export function scalePart(state: Workshop, activity: Activity, lang: Language, labels: Labels): ScalePart | null {
  const result = activity.kind === 'scale' ? scaleTally(state, activity.id) : null;
  if (!result) return null;
  const steps = Array.from({ length: result.max }, (_, i) => String(i + 1));
  const head = [labels.scaleGroup, labels.scaleAnswers, labels.scaleMean, ...steps, ...(result.dontKnow ? [translate(lang, 'scale.dontKnow')] : [])];
  const figures = (f: ScaleFigures) => [
    String(f.respondents),
    formatMean(f.mean, lang),
    ...f.distribution.map(String),
    ...(result.dontKnow ? [String(f.dontKnow)] : []),
  ];
  let withheld = false;
  const statements = result.statements.map((s): ScaleStatementPart => {
    const rows = [[labels.scaleAll, ...figures(s)]];
    for (const kind of ORG_KINDS) {
      const f = s.byKind[kind];
      if (typeof f === 'object' && f.respondents === 0) continue;
      const name = translate(lang, `orgKind.${kind}`);
      if (typeof f === 'object') rows.push([name, ...figures(f)]);
      else {
        withheld = true;
        rows.push([name, f === 'fewerThan3' ? labels.kindFewer : labels.kindWithheld, ...head.slice(2).map(() => '')]);
      }
    }
    const grid: Grid = { name: 'scale', head, rows, widths: columnWidths(head, rows, 0), numeric: head.map((_, i) => i > 0) };
    const gap = s.gap === null ? null : fill(labels.scaleGap, { gap: formatMean(Math.abs(s.gap), lang) });
    return { text: oneLine(s.text), grid, gap, largest: s.largestGap };
  });
  const ends = result.minLabel || result.maxLabel ? `: ${fill(labels.scaleEnds, { min: result.minLabel, max: result.max, maxLabel: result.maxLabel })}` : '';
  return {
    settings: fill(labels.scaleSettings, { max: result.max }) + ends,
    dontKnow: result.dontKnow ? labels.scaleDontKnow : null,
    respondents: fill(labels.scaleRespondents, { n: result.respondents }),
    statements,
    note: withheld ? labels.scaleKindNote : null,
  };
}

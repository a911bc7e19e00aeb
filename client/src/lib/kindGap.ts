// Where kommun and region differ most in a ranking's or 100 poäng's result: the option whose two
// figures lie furthest apart, when both kinds have figures (3 or more respondents each).
import type { KindWithheld, OrgKind } from '../../../shared/workshop/model.ts';

export interface KindGap {
  optionId: string;
  kommun: number;
  region: number;
}

export function largestGap(options: ReadonlyArray<{ optionId: string; byKind: Record<OrgKind, number | KindWithheld> }>, respondents: Record<OrgKind, number | KindWithheld>): KindGap | null {
  if (typeof respondents.kommun !== 'number' || typeof respondents.region !== 'number' || !respondents.kommun || !respondents.region) return null;
  let best: (KindGap & { d: number }) | null = null;
  for (const o of options) {
    const [kommun, region] = [o.byKind.kommun, o.byKind.region];
    if (typeof kommun !== 'number' || typeof region !== 'number') continue;
    const d = Math.abs(kommun - region);
    if (d > 0 && (!best || d > best.d)) best = { optionId: o.optionId, kommun, region, d };
  }
  return best && { optionId: best.optionId, kommun: best.kommun, region: best.region };
}

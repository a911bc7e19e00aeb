// Numbers as people read them, in the UI language ("38 %", "4,2"), and the sums behind the
// results view.
import { ORG_KINDS, type OptionResult, type OrgKind } from '../../../shared/workshop/model.ts';
import { i18n, t } from './i18n.svelte.ts';

export function percentText(share: number): string {
  return new Intl.NumberFormat(i18n.lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** One decimal with the language's decimal sign: "4,2" in Swedish. */
export function decimalText(value: number): string {
  return new Intl.NumberFormat(i18n.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

export function dotsText(n: number): string {
  return n === 1 ? t('results.dotOne') : t('results.dots', { n });
}

type KindDots = OptionResult['byKind'];

/**
 * All dots each organisation kind placed in the vote, or why a kind's are not shown (the tally
 * holds back the same kinds on every option).
 */
export function dotsByKind(results: OptionResult[]): KindDots {
  const sums = Object.fromEntries(ORG_KINDS.map((k) => [k, 0])) as KindDots;
  for (const r of results)
    for (const k of ORG_KINDS) {
      const dots = r.byKind[k];
      const sum = sums[k];
      sums[k] = typeof dots !== 'number' ? dots : typeof sum === 'number' ? sum + dots : sum;
    }
  return sums;
}

/** The kinds that voted: those with dots, and those whose dots are held back. */
export const kindsVoted = (totals: KindDots): OrgKind[] => ORG_KINDS.filter((k) => totals[k] !== 0);

/** Whether an option shares its rank with another. */
export function isTie(results: OptionResult[], result: OptionResult): boolean {
  return results.some((r) => r !== result && r.rank === result.rank);
}

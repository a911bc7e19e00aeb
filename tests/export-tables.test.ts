// The summary's tables as Word and print draw them (server/export/tables.ts): column widths from
// the words in them, the text column at least 35 %, and dots by kind only for kinds that voted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labelsFor, type RankingRow } from '../server/export/outline.ts';
import { byKindGrid, columnWidths, kindsVoted, MIN_TEXT_PERCENT, rankingGrid } from '../server/export/tables.ts';
import type { KindWithheld, OrgKind } from '../shared/workshop/model.ts';

const sv = labelsFor('sv');
const LINK = 'https://regionkalmar.sharepoint.com/sites/LGS/Delade%20dokument/Forms/AllItems.aspx?id=%2Fsites%2FLGS';

function row(rank: number, text: string, votes: number, kinds: Partial<Record<OrgKind, number | KindWithheld>>): RankingRow {
  const label: Record<OrgKind, string> = { kommun: 'Kommun', region: 'Region', brukarrepresentant: 'Brukarrepresentant', annan: 'Annan' };
  const byKind = (['kommun', 'region', 'brukarrepresentant', 'annan'] as const).map((kind) => {
    const v = kinds[kind] ?? 0;
    return { kind, label: label[kind], votes: v, text: String(v) };
  });
  return { rank, optionId: `o${rank}`, text, note: null, votes, share: '10 %', byKind };
}

test('widths are whole percentages adding up to 100, the text column never under 35 %', () => {
  const cases: Array<[string[], string[][], number]> = [
    [['Placering', 'Alternativ', 'Prickar', 'Andel'], [['1', 'Samverkan kring utskrivningsprocessen', '12', '23 %']], 1],
    [['Alternativ', 'Kommun', 'Region', 'Brukarrepresentant', 'Annan'], [['Nära vård', 'färre än 3', 'redovisas inte', '4', '2']], 0],
    [['Vad', 'Vem', 'När'], [['Kort', 'Anna Nilsson och Bertil Ask, Nybro kommun och Region Kalmar län, samt NSPH Kalmar län', '2026-04-30']], 0],
    [['Placering', 'Alternativ', 'Prickar', 'Andel'], [['1', `Läs ${LINK}`, '12', '23 %']], 1],
  ];
  for (const [head, rows, grow] of cases) {
    const widths = columnWidths(head, rows, grow);
    assert.is(widths.reduce((a, b) => a + b, 0), 100, head.join());
    assert.ok(widths.every((w) => Number.isInteger(w) && w >= 1), `${head.join()}: ${widths}`);
    assert.ok(widths[grow] >= MIN_TEXT_PERCENT, `${head.join()}: ${widths}`);
  }
});

test('the ranking: the figures get what their longest word needs, the option all the rest', () => {
  const rows = [row(1, 'Samverkan kring utskrivningsprocessen', 12, {}), row(2, 'Nära vård', 3, {})];
  const grid = rankingGrid(rows, sv);
  assert.equal(grid.head, ['Placering', 'Alternativ', sv.votes, 'Andel']);
  assert.ok(grid.widths[1] >= 55, String(grid.widths));
  // A pasted link no column can hold breaks in the option column; the headers keep their room.
  const linked = rankingGrid([row(1, `Läs ${LINK}`, 12, {})], sv);
  assert.equal(linked.widths, grid.widths);
});

test('dots by kind: only kinds somebody of voted in, and no table for one kind alone', () => {
  const rows = [row(1, 'Psykisk hälsa', 9, { kommun: 5, region: 4 }), row(2, 'Nära vård', 3, { kommun: 3, region: 0 })];
  assert.equal(kindsVoted(rows), ['kommun', 'region']);
  const grid = byKindGrid(rows, sv)!;
  assert.equal(grid.head, ['Alternativ', 'Kommun', 'Region']);
  assert.equal(grid.rows, [['Psykisk hälsa', '5', '4'], ['Nära vård', '3', '0']]);
  assert.equal(grid.numeric, [false, true, true]);
  // Withheld figures are votes too: the kind voted, its dots are just not given.
  const few = [row(1, 'Psykisk hälsa', 9, { kommun: 7, brukarrepresentant: 'fewerThan3' })];
  assert.equal(kindsVoted(few), ['kommun', 'brukarrepresentant']);
  assert.is(byKindGrid([row(1, 'Psykisk hälsa', 9, { kommun: 9 })], sv), null);
  assert.is(byKindGrid([], sv), null);
});

test.run();

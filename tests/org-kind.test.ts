// The kind the join form suggests from an organisation's name as it is typed: clear names only
// ("… kommun", "Region …", "Regionen"), nothing where the name does not say, and a user
// organisation before the place in its name. Only ever a suggestion the person sees and may change.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { suggestOrgKind } from '../shared/workshop/orgKind.ts';

const suggest = suite('the kind an organisation’s name suggests');

const cases: Array<[string, ReturnType<typeof suggestOrgKind>]> = [
  ['Nybro kommun', 'kommun'],
  ['Umeå Kommun', 'kommun'],
  ['Kommunen', 'kommun'],
  ['Kalmar kommun, socialförvaltningen', 'kommun'],
  ['Malmö stad', 'kommun'],
  ['Region Kalmar län', 'region'],
  ['  region   Kronoberg ', 'region'],
  ['Regionen', 'region'],
  ['Kalmar region', 'region'],
  ['Västra Götalandsregionen', 'region'],
  ['Brukarrådet Nybro', 'brukarrepresentant'],
  ['NSPH Kalmar län', 'brukarrepresentant'],
  ['Brukarrådet i Nybro kommun', 'brukarrepresentant'],
  ['Kommunförbundet Kalmar län', null],
  ['Regionförbundet', null],
  ['Sveriges Kommuner och Regioner', null],
  ['Kommun och region i samverkan', null],
  ['Försäkringskassan', null],
  ['Länsstyrelsen Kalmar län', null],
  ['', null],
];

for (const [name, kind] of cases)
  suggest(`${JSON.stringify(name)} → ${kind ?? 'nothing'}`, () => {
    assert.is(suggestOrgKind(name), kind);
  });

suggest('the name as it is typed: nothing until it says something clear', () => {
  const typed = 'Region Kalmar län';
  const along = [...typed].map((_, i) => suggestOrgKind(typed.slice(0, i + 1)));
  assert.equal(along.slice(0, 5), [null, null, null, null, null], '"Regio" says nothing yet');
  assert.ok(along.slice(5).every((k) => k === 'region'), 'from "Region" on, region');
  assert.is(suggestOrgKind('Nybro kom'), null);
  assert.is(suggestOrgKind('Nybro kommun'), 'kommun');
});

suggest.run();

// Reading a previous meeting in the browser: a JSON export the user picks is untrusted, so every
// way it can be wrong comes back as a reason to show, never a throw; a good one fills the form.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_ARCHIVE_BYTES, previousFromFile, previousFromText } from '../client/src/lib/previousMeeting.ts';
import { archive } from '../shared/archive.ts';
import { facilitator, story } from './helpers/builders.ts';

/** A meeting with a SWOT and two next steps, exported as the server does it. */
function exported() {
  const s = story({ title: 'LGS Kalmar län', agenda: ['swot', { kind: 'actions', id: 'actions-1' }] });
  s.must(facilitator, { type: 'note.add', noteId: 'note-step-1', activityId: 'actions-1', columnId: 'actions', text: 'Ta fram en plan', owner: 'Kommunförbundet', due: '2026-04-30' });
  s.must(facilitator, { type: 'note.add', noteId: 'note-step-2', activityId: 'actions-1', columnId: 'actions', text: 'Bjuda in NSPH' });
  return JSON.parse(JSON.stringify(archive(s.state, { includeNames: false })));
}

const it = suite('reading a previous meeting from a file');

it('an export fills in the details, the same agenda and the next steps to follow up', () => {
  const read = previousFromText(JSON.stringify(exported()));
  assert.ok(read.ok);
  if (!read.ok) return;
  const { title, input, agenda, followUp } = read.previous;
  assert.is(title, 'LGS Kalmar län');
  assert.is(input.title, 'LGS Kalmar län');
  assert.is(input.date, '', 'the new meeting’s date is to fill in');
  assert.equal(agenda.map((a) => a.kind), ['swot', 'actions']);
  assert.equal(agenda[0].columns?.map((c) => c.id), ['s', 'w', 'o', 't']);
  assert.is(agenda[0].anonymous, true);
  assert.equal(followUp, [
    { text: 'Ta fram en plan', owner: 'Kommunförbundet', due: '2026-04-30' },
    { text: 'Bjuda in NSPH', owner: '', due: '' },
  ]);
});

it('text that is no JSON says so', () => {
  assert.equal(previousFromText('{"format": "verk'), { ok: false, problem: 'notJson' });
  assert.equal(previousFromText(''), { ok: false, problem: 'notJson' });
});

it('JSON that is no Verkstad export says so, whatever its shape', () => {
  for (const text of ['null', '42', '"text"', '[]', '{}', '{"title":"Möte","activities":[]}', '{"format":"other"}'])
    assert.equal(previousFromText(text), { ok: false, problem: 'notArchive' }, text);
});

it('an export that is broken or edited gives the detail', () => {
  const wrongVersion = { ...exported(), version: 2 };
  const noActivities = exported();
  delete noActivities.workshop.activities;
  const badDue = exported();
  badDue.workshop.notes['note-step-1'].due = 'i vår';
  for (const [name, data, path] of [
    ['a later version', wrongVersion, 'version'],
    ['no activities', noActivities, 'workshop.activities'],
    ['a next step without a date format', badDue, 'followUp.0.due'],
  ] as const) {
    const read = previousFromText(JSON.stringify(data));
    assert.is(read.ok, false, name);
    if (read.ok) continue;
    assert.is(read.problem, 'invalid', name);
    assert.ok('detail' in read && read.detail.startsWith(`${path}: `), `${name}: ${JSON.stringify(read)}`);
  }
});

it('a file far too large is refused before it is read', async () => {
  const huge = { size: MAX_ARCHIVE_BYTES + 1, text: () => Promise.reject(new Error('must not be read')) } as unknown as Blob;
  assert.equal(await previousFromFile(huge), { ok: false, problem: 'tooLarge' });
  const unreadable = { size: 10, text: () => Promise.reject(new Error('gone')) } as unknown as Blob;
  assert.equal(await previousFromFile(unreadable), { ok: false, problem: 'unreadable' });
  assert.ok((await previousFromFile(new Blob([JSON.stringify(exported())]))).ok);
});

it.run();

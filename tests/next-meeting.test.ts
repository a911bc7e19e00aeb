// The next meeting from this one: a workshop played over real sockets is exported as JSON, read
// back and created anew: the same agenda, and its next steps first as "Uppföljning från
// föregående möte". Those moved to "Klart" there are not carried to the meeting after. The
// archive keeps what the meeting promised: no authors of anonymous notes, no one's dots.
import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nextMeeting, readArchive, type Archive } from '../shared/archive.ts';
import { CreateWorkshop, parse } from '../shared/schema.ts';
import type { Activity, Workshop } from '../shared/workshop/model.ts';
import { facilitator, type TestClient } from './helpers/clients.ts';
import { playWorkshop, type Played } from './helpers/exportWorkshop.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Ctx {
  srv: TestServer;
  played: Played;
  archive: Archive;
  clients: TestClient[];
}

async function exported(srv: TestServer, id: string, key: string, format = 'json') {
  const res = await fetch(`${srv.url}/api/workshops/${id}/summary.${format}`, { headers: { authorization: `Bearer ${key}` } });
  assert.is(res.status, 200);
  return format === 'json' ? res.json() : res.text();
}

/** What makes an agenda the same: kinds, titles, columns and anonymity, in order. */
const agendaOf = (activities: Activity[]) =>
  activities.filter((a) => a.kind !== 'followUp').map((a) => ({ kind: a.kind, title: a.title, columns: a.columns, anonymous: a.anonymous }));

const followUpOf = (state: Workshop) => {
  const board = state.activities.find((a) => a.kind === 'followUp');
  if (!board) return null;
  const notes = Object.values(state.notes)
    .filter((n) => n.activityId === board.id)
    .sort((a, b) => a.order - b.order);
  return { board, items: notes.map((n) => ({ id: n.id, text: n.text, owner: n.owner, due: n.due, column: n.columnId })) };
};

async function create(srv: TestServer, input: unknown) {
  const res = await fetch(`${srv.url}/api/workshops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

const it = suite<Ctx>('the next meeting from this one');
it.before(async (ctx) => {
  ctx.srv = await startServer();
  ctx.played = await playWorkshop(ctx.srv.url);
  ctx.archive = (await exported(ctx.srv, ctx.played.created.id, ctx.played.created.facilitatorKey)) as Archive;
  ctx.clients = [...ctx.played.clients];
});
it.after(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

it('the archive keeps no author of an anonymous note and no one’s dots, but the tally', ({ played, archive }) => {
  const anonymous = played.state.activities.filter((a) => a.anonymous).map((a) => a.id);
  assert.ok(anonymous.length > 0);
  const notes = Object.values(archive.workshop.notes);
  assert.ok(notes.some((n) => anonymous.includes(n.activityId)));
  for (const n of notes) {
    if (anonymous.includes(n.activityId)) assert.is(n.authorId, null, n.text);
    else assert.is(n.authorId, played.state.notes[n.id].authorId);
  }
  assert.equal(archive.workshop.ballots, {});
  const voted = played.state.activities.find((a) => a.voting)!;
  const totals = archive.results[voted.id].map((r) => [archive.workshop.notes[r.optionId].text.replace(/ L\d\dL$/, ''), r.total]);
  assert.equal(totals, played.ranking.map((r) => [r.text, r.votes]));
});

it('the JSON re-imports to an equal agenda with the next steps to follow up first', async (ctx) => {
  const read = readArchive(ctx.archive);
  assert.ok(read.ok);
  if (!read.ok) return;
  const input = nextMeeting(read.archive.workshop);
  assert.is(input.title, ctx.played.state.title);
  assert.is(input.date, '', 'the date is the new meeting’s');
  const { status, body } = await create(ctx.srv, input);
  assert.is(status, 201, JSON.stringify(body));
  const f = await facilitator(ctx.srv.url, body);
  ctx.clients.push(f);
  const state = f.state!;
  assert.equal(agendaOf(state.activities), agendaOf(ctx.played.state.activities));
  assert.is(state.place, ctx.played.state.place);
  assert.is(state.purpose, ctx.played.state.purpose);
  // The follow-up board comes first, is where everyone starts, and holds the next steps in order.
  const follow = followUpOf(state)!;
  assert.is(state.activities[0].id, follow.board.id);
  assert.is(state.currentActivityId, follow.board.id);
  assert.is(follow.board.title, 'Uppföljning från föregående möte');
  assert.equal(follow.board.columns.map((c) => c.title), ['Att följa upp', 'Klart']);
  const steps = ctx.played.notes.filter((n) => n.part === 'nextSteps');
  assert.equal(
    follow.items.map((i) => [i.text, i.owner, i.due, i.column]),
    steps.map((s) => [s.text, s.owner, s.due, 'open']),
  );
  assert.equal(Object.keys(state.participants), [], 'nobody from the last meeting is carried over');
  assert.is(Object.keys(state.notes).length, steps.length, 'no other note is carried over');
});

it('what is moved to "Klart" shows as done in the summary and is not carried further', async (ctx) => {
  const first = nextMeeting(ctx.archive.workshop);
  const second = (await create(ctx.srv, first)).body;
  const f = await facilitator(ctx.srv.url, second);
  ctx.clients.push(f);
  const [done, open] = followUpOf(f.state!)!.items;
  assert.ok((await f.command({ type: 'note.move', noteId: done.id, columnId: 'done' })).ok);
  const actions = f.state!.activities.find((a) => a.kind === 'actions')!;
  assert.ok((await f.command({ type: 'note.add', noteId: 'note-new-step', activityId: actions.id, columnId: 'actions', text: 'Bjuda in NSPH', owner: 'Ordföranden', due: '2026-09-01' })).ok);

  const md = (await exported(ctx.srv, second.id, second.facilitatorKey, 'md')) as string;
  const table = md.split('## Uppföljning från föregående möte\n\n')[1].split('\n\n')[0].split('\n');
  assert.is(table[0], '| Vad | Vem | När | Status |');
  assert.match(table[2], /^\| Ta fram en gemensam plan L\d\dL \| Kommunförbundet \| 2026-04-30 \| Klart \|$/);
  assert.match(table[3], /\| Att följa upp \|$/);
  assert.ok(md.indexOf('## Uppföljning') < md.indexOf('## 1. '), 'the follow-up comes before the numbered sections');

  const third = nextMeeting(((await exported(ctx.srv, second.id, second.facilitatorKey)) as Archive).workshop);
  assert.equal(
    third.followUp!.map((s) => s.text),
    [open.text, 'Bjuda in NSPH'],
    'the one still open and the new next step; the done one is not carried',
  );
  assert.is(third.agenda!.length, ctx.played.state.activities.length, 'no second follow-up board in the agenda');
});

it('a file that is not an archive is refused with what is wrong, and never throws', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /./],
    [{ format: 'something', version: 1 }, /format/],
    [{ ...JSON.parse('{"format":"verkstad.workshop","version":2}') }, /version/],
    [{ format: 'verkstad.workshop', version: 1, workshop: { title: 'x', language: 'sv', activities: [{ kind: 'nope' }], notes: {} } }, /workshop\.activities/],
  ];
  for (const [data, detail] of cases) {
    const read = readArchive(data);
    assert.not.ok(read.ok);
    if (!read.ok) assert.match(read.detail, detail);
  }
  fc.assert(
    fc.property(fc.jsonValue(), (data) => {
      readArchive(data);
      readArchive({ format: 'verkstad.workshop', version: 1, workshop: data });
    }),
    { numRuns: 300 },
  );
});

it('an edited archive is checked again when the meeting is created', async (ctx) => {
  const input = nextMeeting(ctx.archive.workshop);
  const tooLong = { ...input, followUp: [{ text: 'x'.repeat(501) }] };
  const clash = { ...input, agenda: [{ kind: 'swot', columns: [{ id: 's', title: 'A' }, { id: 's', title: 'B' }] }] };
  const many = { ...input, followUp: Array.from({ length: 101 }, (_, i) => ({ text: `Steg ${i}` })) };
  for (const bad of [tooLong, clash, many]) {
    const { status, body } = await create(ctx.srv, bad);
    assert.is(status, 400);
    assert.is(body.error, 'invalid');
  }
  // Every archive that reads back gives a valid new workshop.
  assert.ok(parse(CreateWorkshop, input).ok);
  const made = (await create(ctx.srv, { title: 'Tomt' })).body;
  const empty = nextMeeting(((await exported(ctx.srv, made.id, made.facilitatorKey)) as Archive).workshop);
  assert.equal([empty.agenda, empty.followUp], [[], []]);
  assert.ok(parse(CreateWorkshop, empty).ok);
});

it.run();

// What the minutes need beyond the board, over real sockets: the next meeting's date, time and
// place (`workshop.update`), those who sent apologies (`absentee.add` / `absentee.remove`) and an
// activity's introduction (`activity.update`). Only the facilitator may set them; every field is
// checked and bounded; phones receive them as events.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../shared/protocol.ts';
import { LIMITS } from '../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  fac: TestClient;
  anna: TestClient;
}

const NEXT = { date: '2026-05-15', start: '13:00', end: '16:00', place: 'Regionens hus, Kalmar' };

const minutes = suite<Ctx>('the minutes’ own facts over real sockets');

minutes.before(async (ctx) => {
  ctx.srv = await startServer();
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län', agenda: 'lgs' });
  ctx.fac = await facilitator(ctx.srv.url, ctx.created);
  ctx.anna = await participant(ctx.srv.url, ctx.created.id, { name: 'Anna Nilsson', organisation: 'Nybro kommun' });
});
minutes.after(async (ctx) => {
  ctx.fac.close();
  ctx.anna.close();
  await ctx.srv.close();
});

minutes('the facilitator sets the next meeting; the phone receives it', async ({ fac, anna }) => {
  const ack = await fac.command({ type: 'workshop.update', info: { nextMeeting: NEXT } });
  assert.ok(ack.ok, JSON.stringify(ack));
  const seen = await anna.until((s) => s.nextMeeting?.date === NEXT.date);
  assert.equal(seen.nextMeeting, NEXT);
  // The same again changes nothing: no event, the seq stays.
  const again = await fac.command({ type: 'workshop.update', info: { nextMeeting: NEXT } });
  assert.ok(again.ok && ack.ok && again.data.seq === ack.data.seq, 'no event for an unchanged next meeting');
  // Fields left out are empty: it is sent whole.
  const dateOnly = await fac.command({ type: 'workshop.update', info: { nextMeeting: { date: '2026-06-12' } } });
  assert.ok(dateOnly.ok);
  const state = await fac.until((s) => s.nextMeeting?.date === '2026-06-12');
  assert.equal(state.nextMeeting, { date: '2026-06-12', start: '', end: '', place: '' });
});

minutes('an empty next meeting on a workshop that has none is no event', async ({ srv }) => {
  const created = await createWorkshop(srv.url, { title: 'Utan nästa möte', agenda: [{ kind: 'brainstorm' }] });
  const fac = await facilitator(srv.url, created);
  try {
    const before = fac.state!.seq;
    const ack = await fac.command({ type: 'workshop.update', info: { nextMeeting: {} } });
    assert.ok(ack.ok && ack.data.seq === before, JSON.stringify(ack));
  } finally {
    fac.close();
  }
});

minutes('the next meeting is checked: dates, times, length, no other keys', async ({ fac }) => {
  const cases: Array<[unknown, string]> = [
    [{ ...NEXT, start: '25:00' }, 'info.nextMeeting.start'],
    [{ ...NEXT, end: '9:00' }, 'info.nextMeeting.end'],
    [{ ...NEXT, date: '15/5/2026' }, 'info.nextMeeting.date'],
    [{ ...NEXT, date: '2026-02-30' }, 'info.nextMeeting.date'], // no such day: printed as 2 March
    [{ ...NEXT, start: '', end: '16:00' }, 'info.nextMeeting'], // an end alone reads as the start
    [{ ...NEXT, start: '16:00', end: '13:00' }, 'info.nextMeeting'],
    [{ ...NEXT, place: 'x'.repeat(LIMITS.title + 1) }, 'info.nextMeeting.place'],
    [{ ...NEXT, room: 'B3' }, 'info.nextMeeting'],
    ['fredag', 'info.nextMeeting'],
  ];
  for (const [nextMeeting, detail] of cases) {
    const ack = await fac.command({ type: 'workshop.update', info: { nextMeeting } });
    assert.ok(!ack.ok, `${JSON.stringify(nextMeeting)} accepted`);
    if (!ack.ok) assert.equal([ack.error, ack.detail], ['invalid', detail], JSON.stringify(nextMeeting));
  }
});

minutes('absentees: added in order, removed, and both reach the phone', async ({ fac, anna }) => {
  assert.ok((await fac.command({ type: 'absentee.add', absenteeId: 'absent-eva1', name: ' Eva Ek ', organisation: 'Region Kalmar län' })).ok);
  assert.ok((await fac.command({ type: 'absentee.add', absenteeId: 'absent-olle', name: 'Olle Ås' })).ok);
  const seen = await anna.until((s) => (s.absentees?.length ?? 0) === 2);
  assert.equal(seen.absentees, [
    { id: 'absent-eva1', name: 'Eva Ek', organisation: 'Region Kalmar län' },
    { id: 'absent-olle', name: 'Olle Ås', organisation: '' },
  ]);
  assert.ok((await fac.command({ type: 'absentee.remove', absenteeId: 'absent-olle' })).ok);
  const after = await anna.until((s) => s.absentees?.length === 1);
  assert.is(after.absentees![0].id, 'absent-eva1');
});

minutes('absentees are refused: a taken id, an unknown one, bad fields', async ({ fac }) => {
  const taken = await fac.command({ type: 'absentee.add', absenteeId: 'absent-eva1', name: 'Någon annan' });
  assert.equal(taken.ok ? null : [taken.error, taken.detail], ['exists', 'absentee']);
  const unknown = await fac.command({ type: 'absentee.remove', absenteeId: 'absent-nobody' });
  assert.equal(unknown.ok ? null : [unknown.error, unknown.detail], ['not_found', 'absentee']);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ absenteeId: 'absent-x1', name: '   ' }, 'name'],
    [{ absenteeId: 'absent-x1', name: 'x'.repeat(LIMITS.personName + 1) }, 'name'],
    [{ absenteeId: 'absent-x1', name: 'Eva', organisation: 'x'.repeat(LIMITS.shortText + 1) }, 'organisation'],
    [{ absenteeId: 'a b', name: 'Eva' }, 'absenteeId'],
    [{ absenteeId: 'absent-x1', name: 'Eva', orgKind: 'kommun' }, 'payload'],
  ];
  for (const [fields, detail] of cases) {
    const ack = await fac.command({ type: 'absentee.add', ...fields });
    assert.equal(ack.ok ? null : [ack.error, ack.detail], ['invalid', detail], JSON.stringify(fields));
  }
});

minutes(`at most ${LIMITS.absentees} absentees`, async ({ srv }) => {
  const created = await createWorkshop(srv.url, { title: 'Många förhinder', agenda: [{ kind: 'brainstorm' }] });
  const fac = await facilitator(srv.url, created);
  try {
    for (let i = 0; i < LIMITS.absentees; i++) {
      const ack = await fac.command({ type: 'absentee.add', absenteeId: `absent-${String(i).padStart(4, '0')}`, name: `Person ${i}` });
      assert.ok(ack.ok, `absentee ${i}`);
    }
    const over = await fac.command({ type: 'absentee.add', absenteeId: 'absent-over', name: 'En till' });
    assert.equal(over.ok ? null : [over.error, over.detail], ['limit', 'absentees']);
    if (!over.ok) assert.match(over.message, String(LIMITS.absentees));
  } finally {
    fac.close();
  }
});

minutes('an introduction with a link reaches the phone as written', async ({ fac, anna }) => {
  const swot = fac.state!.activities[0];
  const intro = 'Bildspel: Läget i länet.\nSamverkansplanen: https://example.org/samverkansplan-2024.pdf';
  assert.ok((await fac.command({ type: 'activity.update', activityId: swot.id, intro })).ok);
  const seen = await anna.until((s) => !!s.activities.find((a) => a.id === swot.id)?.intro);
  assert.is(seen.activities.find((a) => a.id === swot.id)!.intro, intro);
  const tooLong = await fac.command({ type: 'activity.update', activityId: swot.id, intro: 'x'.repeat(LIMITS.longText + 1) });
  assert.equal(tooLong.ok ? null : [tooLong.error, tooLong.detail], ['invalid', 'intro']);
  // Emptying it is a change; emptying it again is none.
  const cleared = await fac.command({ type: 'activity.update', activityId: swot.id, intro: '' });
  const again = await fac.command({ type: 'activity.update', activityId: swot.id, intro: '' });
  assert.ok(cleared.ok && again.ok && cleared.data.seq === again.data.seq);
});

minutes('a participant may set none of it', async ({ fac, anna }) => {
  const swot = fac.state!.activities[0];
  const before = fac.state!.seq;
  const commands = [
    { type: 'absentee.add', absenteeId: 'absent-anna', name: 'Bertil' },
    { type: 'absentee.remove', absenteeId: 'absent-eva1' },
    { type: 'workshop.update', info: { nextMeeting: NEXT } },
    { type: 'activity.update', activityId: swot.id, intro: 'https://evil.example/' },
  ];
  for (const command of commands) {
    const ack = await anna.command(command);
    assert.equal(ack.ok ? null : [ack.error, ack.detail], ['forbidden', 'facilitator_only'], command.type);
  }
  // A participant's bad fields are refused as invalid before anything else.
  const bad = await anna.command({ type: 'absentee.add', absenteeId: 'absent-anna', name: '' });
  assert.equal(bad.ok ? null : [bad.error, bad.detail], ['invalid', 'name']);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(fac.state!.seq, before, 'nothing was stored');
  assert.equal(fac.state!.absentees?.map((a) => a.id), ['absent-eva1']);
});

minutes.run();

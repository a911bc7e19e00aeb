// The authorisation table over real sockets: every facilitator-only command sent with a
// participant's credentials, and by the projector; every participant command on someone else's
// note or room; a removed participant at every door; credentials and ids of another workshop.
// All refused, nothing changed, and no socket hears another workshop's events.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../shared/protocol.ts';
import { Command } from '../shared/schema.ts';
import { isFacilitatorOnly } from '../shared/workshop/decide.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const ALL_TYPES = Command.options.map((o) => o.entries.type.literal);
type Attempt = { type: string } & Record<string, unknown>;

interface World {
  a: CreatedWorkshop;
  b: CreatedWorkshop;
  fa: TestClient;
  fb: TestClient;
  anna: TestClient;
  bo: TestClient;
  projector: TestClient;
  /** Ids in workshop A. */
  swot: string;
  groups: string;
  vote: string;
  roomAnna: string;
  roomBo: string;
  noteAnna: string;
  noteB: string;
  /** A participant token of workshop B. */
  tokenB: string;
}

interface Ctx {
  srv: TestServer;
  w: World;
  clients: TestClient[];
}

const it = suite<Ctx>('who may do what');

const must = async (c: TestClient, command: Attempt) => {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${command.type}: ${ack.error} ${ack.message}`);
};

it.before(async (ctx) => {
  ctx.srv = await startServer();
  const { url } = ctx.srv;
  const a = await createWorkshop(url, {
    title: 'A',
    agenda: [{ kind: 'swot' }, { kind: 'brainstorm', title: 'Grupper' }, { kind: 'prioritise' }],
  });
  const b = await createWorkshop(url, { title: 'B', agenda: [{ kind: 'swot' }] });
  const fa = await facilitator(url, a);
  const fb = await facilitator(url, b);
  const anna = await participant(url, a.id, { name: 'Anna' });
  const bo = await participant(url, a.id, { name: 'Bo' });
  const projector = new TestClient(url, { workshopId: a.id });
  await projector.connected();
  const pb = await participant(url, b.id, { name: 'Berit i B' });
  ctx.clients = [fa, fb, anna, bo, projector, pb];
  const [swot, groups, vote] = fa.state!.activities.map((x) => x.id);
  const noteAnna = 'note-anna-1';
  await must(anna, { type: 'note.add', noteId: noteAnna, activityId: swot, columnId: 's', text: 'Annas lapp' });
  await must(pb, { type: 'note.add', noteId: 'note-in-b-1', activityId: fb.state!.activities[0].id, columnId: 's', text: 'Hemligt i B' });
  // A breakout in its own activity: Anna reports for her room, Bo sits in the other.
  const roomAnna = 'room-anna-1';
  const roomBo = 'room-bo-01';
  await must(fa, { type: 'activity.focus', activityId: groups });
  await must(fa, {
    type: 'breakout.open',
    activityId: groups,
    assignment: 'manual',
    rooms: [
      { id: roomAnna, name: 'Norra', members: [anna.participant!.id], reporterId: anna.participant!.id },
      { id: roomBo, name: 'Södra', members: [bo.participant!.id] },
    ],
  });
  await must(fa, { type: 'note.add', noteId: 'option-one', activityId: vote, columnId: 'options', text: 'Nära vård' });
  await must(fa, { type: 'voting.start', activityId: vote, dotsPerPerson: 3, maxPerOption: 2 });
  await must(fa, { type: 'activity.focus', activityId: swot });
  await anna.until((s) => s.currentActivityId === swot);
  ctx.w = { a, b, fa, fb, anna, bo, projector, swot, groups, vote, roomAnna, roomBo, noteAnna, noteB: 'note-in-b-1', tokenB: pb.auth.participantToken! };
});
it.after(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

/** A well-formed example of every facilitator-only command, aimed at workshop A. */
function facilitatorOnly(w: World): Attempt[] {
  const bo = w.bo.participant!.id;
  return [
    { type: 'workshop.update', info: { title: 'Kapad' } },
    { type: 'workshop.close' },
    { type: 'workshop.reopen' },
    { type: 'activity.add', activityId: nanoid(), kind: 'swot' },
    { type: 'activity.update', activityId: w.swot, title: 'X', anonymous: false },
    { type: 'activity.move', activityId: w.swot, index: 2 },
    { type: 'activity.remove', activityId: w.swot },
    { type: 'activity.focus', activityId: null },
    { type: 'activity.lock', activityId: w.swot, locked: true },
    { type: 'participant.remove', participantId: bo },
    { type: 'participant.update', participantId: bo, orgKind: 'region' },
    { type: 'breakout.open', activityId: w.swot, assignment: 'random', rooms: [{ id: nanoid(), name: 'R', members: [bo] }] },
    { type: 'breakout.close', activityId: w.groups },
    { type: 'room.move', activityId: w.groups, roomId: w.roomAnna, participantId: bo },
    { type: 'timer.start', seconds: 60 },
    { type: 'timer.pause' },
    { type: 'timer.resume' },
    { type: 'timer.add', seconds: 60 },
    { type: 'timer.stop' },
    { type: 'announcement.send', text: 'Alla ut!' },
    { type: 'announcement.clear' },
    { type: 'projector.focus', focus: { activityId: w.swot, kind: 'column', id: 's' } },
    { type: 'absentee.add', absenteeId: nanoid(), name: 'Eva Ek', organisation: 'Emmaboda kommun' },
    { type: 'absentee.remove', absenteeId: nanoid() },
    { type: 'note.group', noteId: w.noteAnna, themeId: null },
    { type: 'theme.create', themeId: nanoid(), activityId: w.swot, name: 'T', noteIds: [w.noteAnna] },
    { type: 'theme.rename', themeId: nanoid(), name: 'T' },
    { type: 'theme.delete', themeId: nanoid() },
    { type: 'voting.start', activityId: w.swot, dotsPerPerson: 3, maxPerOption: 1 },
    { type: 'voting.close', activityId: w.vote },
    { type: 'voting.reopen', activityId: w.vote },
    { type: 'results.reveal', activityId: w.vote, revealed: true },
    { type: 'options.import', activityId: w.vote, fromActivityId: w.swot, what: 'notes' },
    { type: 'scale.start', activityId: w.swot, max: 5, minLabel: '', maxLabel: '', dontKnow: false },
    { type: 'scale.change', activityId: w.swot, revealed: true },
    { type: 'wordcloud.start', activityId: w.swot, maxWords: 3, maxLength: 30 },
    { type: 'wordcloud.set', activityId: w.swot, revealed: true },
    { type: 'word.hide', activityId: w.swot, word: 'Tillit', hidden: true },
  ];
}

/** Participant commands aimed at what belongs to someone else (Anna's note, Anna's room). */
function othersThings(w: World): Attempt[] {
  return [
    { type: 'note.edit', noteId: w.noteAnna, text: 'Ändrad av Bo' },
    { type: 'note.move', noteId: w.noteAnna, columnId: 'w' },
    { type: 'note.delete', noteId: w.noteAnna },
    { type: 'room.update', activityId: w.groups, roomId: w.roomAnna, summary: 'Bo skriver i Annas rum' },
    { type: 'room.update', activityId: w.groups, roomId: w.roomBo, name: 'Bos rum' },
    { type: 'room.join', activityId: w.groups, roomId: w.roomAnna },
    { type: 'note.add', noteId: nanoid(), activityId: w.groups, columnId: 'q1', text: 'I fel rum', roomId: w.roomAnna },
  ];
}

/** Well-formed participant commands, to send from sockets that may not send them at all. */
function participantCommands(w: World): Attempt[] {
  return [
    { type: 'note.add', noteId: nanoid(), activityId: w.swot, columnId: 's', text: 'Från projektorn' },
    { type: 'note.edit', noteId: w.noteAnna, text: 'x' },
    { type: 'note.move', noteId: w.noteAnna, columnId: 'w' },
    { type: 'note.delete', noteId: w.noteAnna },
    { type: 'vote.cast', activityId: w.vote, optionId: 'option-one', delta: 1 },
    { type: 'ranking.submit', activityId: w.vote, order: ['option-one'] },
    { type: 'points.submit', activityId: w.vote, points: { 'option-one': 100 } },
    { type: 'scale.answer', activityId: w.swot, statementId: 's', value: 3 },
    { type: 'words.send', activityId: w.swot, words: ['Tillit'] },
    { type: 'room.join', activityId: w.groups, roomId: w.roomBo },
    { type: 'room.update', activityId: w.groups, roomId: w.roomAnna, summary: 'x' },
  ];
}

async function refusedAll(c: TestClient, attempts: Attempt[], expected: string | ((a: Attempt) => string), seqOf: () => Promise<number | undefined>) {
  const before = await seqOf();
  for (const attempt of attempts) {
    const ack = await c.command(attempt);
    const want = typeof expected === 'string' ? expected : expected(attempt);
    assert.is(ack.ok ? 'accepted' : ack.error, want, `${attempt.type} ${JSON.stringify(attempt).slice(0, 120)}`);
  }
  assert.is(await seqOf(), before, 'nothing was stored');
}

it('the table covers every command: facilitator-only ones and participant ones', ({ w }) => {
  const fOnly = facilitatorOnly(w).map((x) => x.type);
  const pTypes = participantCommands(w).map((x) => x.type);
  assert.equal([...new Set([...fOnly, ...pTypes])].sort(), [...ALL_TYPES].sort(), 'every command type has a row');
  for (const type of ALL_TYPES) assert.is(fOnly.includes(type), isFacilitatorOnly(type), type);
});

it('every facilitator-only command is refused for a participant', async ({ srv, w }) => {
  const seqOf = () => srv.seq(w.a.id);
  await refusedAll(w.anna, facilitatorOnly(w), 'forbidden', seqOf);
});

it('the projector (not joined) may send nothing at all', async ({ srv, w }) => {
  const seqOf = () => srv.seq(w.a.id);
  await refusedAll(w.projector, [...facilitatorOnly(w), ...participantCommands(w)], 'not_joined', seqOf);
});

it('a participant may not touch another participant’s note or room', async ({ srv, w }) => {
  const seqOf = () => srv.seq(w.a.id);
  // Bo is on the SWOT (current) for the notes; the room rows name the breakout activity.
  await refusedAll(w.bo, othersThings(w), (a) => (a.type === 'note.add' ? 'not_current' : 'forbidden'), seqOf);
  await w.fa.command({ type: 'activity.focus', activityId: w.groups });
  await w.bo.until((s) => s.currentActivityId === w.groups);
  const inAnnasRoom = { type: 'note.add', noteId: nanoid(), activityId: w.groups, columnId: 'q1', text: 'I fel rum', roomId: w.roomAnna };
  await refusedAll(w.bo, [inAnnasRoom], 'forbidden', seqOf);
  await w.fa.command({ type: 'activity.focus', activityId: w.swot });
  await w.bo.until((s) => s.currentActivityId === w.swot);
  assert.is(w.fa.state!.notes[w.noteAnna].text, 'Annas lapp');
});

it('ids of another workshop are not found from this one, and that workshop is untouched', async ({ srv, w }) => {
  const seqB = await srv.seq(w.b.id);
  const bActivity = w.fb.state!.activities[0].id;
  const seqOf = () => srv.seq(w.a.id);
  const foreign: Attempt[] = [
    { type: 'note.edit', noteId: w.noteB, text: 'Från A' },
    { type: 'note.delete', noteId: w.noteB },
    { type: 'note.move', noteId: w.noteB, columnId: 'w' },
    { type: 'activity.remove', activityId: bActivity },
    { type: 'activity.lock', activityId: bActivity, locked: true },
    { type: 'options.import', activityId: w.vote, fromActivityId: bActivity, what: 'notes' },
  ];
  await refusedAll(w.fa, foreign, 'not_found', seqOf);
  await refusedAll(w.anna, foreign.slice(0, 3), 'not_found', seqOf);
  assert.is(await srv.seq(w.b.id), seqB);
  assert.is(w.fb.state!.notes[w.noteB].text, 'Hemligt i B');
});

it('credentials of another workshop open nothing here', async ({ srv, w }) => {
  const bKey = new TestClient(srv.url, { workshopId: w.a.id, facilitatorKey: w.b.facilitatorKey });
  const bToken = new TestClient(srv.url, { workshopId: w.a.id, participantToken: w.tokenB });
  const errOf = (c: TestClient) => c.connected().then(() => null, (e: Error & { data?: { error: string } }) => e.data?.error);
  assert.is(await errOf(bKey), 'unauthorized');
  // An unknown token connects as a visitor, who may send nothing.
  assert.is(await errOf(bToken), null);
  const ack = await bToken.command({ type: 'note.add', noteId: nanoid(), activityId: w.swot, columnId: 's', text: 'x' });
  assert.is(ack.ok ? 'accepted' : ack.error, 'not_joined');
  bKey.close();
  bToken.close();
});

it('a removed participant is refused at every door: old socket, reconnect, new socket, join', async ({ srv, w }) => {
  const cecilia = await participant(srv.url, w.a.id, { name: 'Cecilia' });
  const token = cecilia.auth.participantToken!;
  const gone = new Promise((resolve) => cecilia.socket.once('disconnect', resolve));
  await must(w.fa, { type: 'participant.remove', participantId: cecilia.participant!.id });
  await gone;
  const seqOf = () => srv.seq(w.a.id);
  const before = await seqOf();
  // socket.io-client's own reconnection, with the same auth.
  const refused = new Promise<string | undefined>((resolve) =>
    cecilia.socket.once('connect_error', (e: Error & { data?: { error: string } }) => resolve(e.data?.error)),
  );
  cecilia.socket.connect();
  assert.is(await refused, 'removed');
  cecilia.close();
  const again = new TestClient(srv.url, { workshopId: w.a.id, participantToken: token });
  const err = await again.connected().then(() => null, (e: Error & { data?: { error: string } }) => e.data?.error);
  assert.is(err, 'removed');
  again.close();
  // Joining again with the same token from a visitor's socket.
  const visitor = new TestClient(srv.url, { workshopId: w.a.id });
  await visitor.connected();
  const join = (await visitor.socket.timeout(3000).emitWithAck('join', { token, name: 'Cecilia', organisation: 'X', orgKind: 'kommun' })) as { ok: boolean; error?: string };
  assert.is(join.error, 'removed');
  visitor.close();
  assert.is(await seqOf(), before);
});

it('no socket of one workshop ever received an event of the other', ({ w }) => {
  const aSockets = [w.fa, w.anna, w.bo, w.projector];
  for (const c of aSockets) {
    const raw = JSON.stringify(c.received);
    assert.not.ok(raw.includes('Hemligt i B') || raw.includes(w.noteB) || raw.includes(w.b.id), 'B leaked into A');
  }
  const rawB = JSON.stringify(w.fb.received);
  assert.not.ok(rawB.includes('Annas lapp') || rawB.includes(w.a.id), 'A leaked into B');
});

it.run();

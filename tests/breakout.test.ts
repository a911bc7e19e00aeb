// Breakout rooms over real sockets: a dozen participants from different organisations are split
// into rooms, work apart and come back to the plenary. What each socket may see is checked on
// the raw events it received, not only on the state it folded.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Ack, CreatedWorkshop, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import {
  currentActivity,
  openBreakout,
  roomOf,
  type Activity,
  type Assignment,
  type OrgKind,
  type Participant,
  type Workshop,
} from '../shared/workshop/model.ts';
import { assignRooms, placeLateJoiner } from '../shared/workshop/rooms.ts';
import { TestClient, createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
const GROUP: Who[] = [
  { name: 'Anna', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Bertil', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Cecilia', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'David', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Elin', organisation: 'Emmaboda kommun', orgKind: 'kommun' },
  { name: 'Fatima', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Göran', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Hanna', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Ingrid', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Jonas', organisation: 'Brukarrådet Nybro', orgKind: 'brukarrepresentant' },
  { name: 'Karin', organisation: 'Brukarrådet Nybro', orgKind: 'brukarrepresentant' },
  { name: 'Lars', organisation: 'Försäkringskassan', orgKind: 'annan' },
];
const LATECOMER: Who = { name: 'Maja', organisation: 'Kalmar kommun', orgKind: 'kommun' };
const ROOMS = [
  { id: 'room-skelleftea', name: 'Skellefteå/Norsjö' },
  { id: 'room-robertsfors', name: 'Robertsfors' },
  { id: 'room-sodra-lappland', name: 'Södra Lappland' },
];
const SEED = 20260312;

const breakout = suite<Ctx>('breakout rooms');
breakout.before(async (ctx) => {
  ctx.srv = await startServer();
});
breakout.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url);
  ctx.clients = [];
});
breakout.after.each((ctx) => ctx.clients.forEach((c) => c.close()));
breakout.after(async (ctx) => {
  await ctx.srv.close();
});

// --- the workshop ------------------------------------------------------------------------------

interface Hall {
  f: TestClient;
  people: TestClient[];
  projector: TestClient;
  /** Every socket but the facilitator's. */
  audience: TestClient[];
}

async function gather(ctx: Ctx): Promise<Hall> {
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(f);
  const people = await Promise.all(GROUP.map((who) => participant(ctx.srv.url, ctx.created.id, who)));
  ctx.clients.push(...people);
  const projector = await connect(ctx, new TestClient(ctx.srv.url, { workshopId: ctx.created.id }));
  await f.until((s) => Object.keys(s.participants).length === GROUP.length);
  return { f, people, projector, audience: [...people, projector] };
}

async function connect(ctx: Ctx, client: TestClient): Promise<TestClient> {
  ctx.clients.push(client);
  await client.connected();
  return client;
}

interface Opened {
  activity: Activity;
  rooms: Array<{ id: string; name: string; members: string[]; reporterId: string | null }>;
}

/** The facilitator previews a split of everyone there with assignRooms and opens it. */
async function openRooms(hall: Hall, assignment: Assignment = 'mixed', { round = '', ...extra }: { cap?: number; round?: string } = {}): Promise<Opened> {
  const { f } = hall;
  const activity = currentActivity(f.state!)!;
  const members = Object.values(f.state!.participants).filter((p) => !p.removed);
  const split = assignRooms(members, ROOMS.length, assignment, SEED);
  const rooms = ROOMS.map((room, i) => ({ id: room.id + round, name: room.name, members: split[i], reporterId: split[i][0] ?? null }));
  const ack = await f.command({ type: 'breakout.open', activityId: activity.id, assignment, rooms, ...extra });
  if (!ack.ok) throw new Error(`breakout.open refused: ${ack.error} ${ack.detail ?? ''}`);
  await Promise.all([f, ...hall.audience].map((c) => c.until((s) => !!openBreakout(s, activity.id))));
  return { activity, rooms };
}

const idOf = (c: TestClient) => c.participant!.id;
const breakoutIn = (state: Workshop, activityId: string) => state.activities.find((a) => a.id === activityId)!.breakout;
/** The room a participant is in, as the facilitator knows it. */
const roomIdOf = (hall: Hall, opened: Opened, c: TestClient) => roomOf(breakoutIn(hall.f.state!, opened.activity.id), idOf(c))?.id ?? null;
const membersOf = (hall: Hall, opened: Opened, roomId: string) =>
  hall.people.filter((c) => roomIdOf(hall, opened, c) === roomId);

/** Notes by text, so a leak is found in the raw JSON whatever shape it came in. */
type Posted = Map<string, string | null>;

async function post(c: TestClient, opened: Opened, roomId?: string) {
  const text = `Idé ${nanoid(10)}`;
  const ack = await c.command({
    type: 'note.add',
    noteId: `note-${nanoid(10)}`,
    activityId: opened.activity.id,
    columnId: opened.activity.columns[0].id,
    text,
    ...(roomId !== undefined && { roomId }),
  });
  if (!ack.ok) throw new Error(`note.add refused: ${ack.error}`);
  return text;
}

/** Each participant posts one note in their room; the facilitator knows in which. */
async function everyonePosts(hall: Hall, opened: Opened, posted: Posted) {
  const texts = await Promise.all(hall.people.map((c) => post(c, opened)));
  texts.forEach((text, i) => posted.set(text, roomIdOf(hall, opened, hall.people[i])));
  const stored = await hall.f.until((s) => texts.every((t) => Object.values(s.notes).some((n) => n.text === t)));
  for (const n of Object.values(stored.notes))
    if (texts.includes(n.text)) assert.is(n.roomId, posted.get(n.text), 'a note lands in its author’s room');
  return texts;
}

/** Wait until every given socket has everything the server sent it so far: a marker for all. */
async function settle(hall: Hall, clients: TestClient[] = [hall.f, ...hall.audience]) {
  const text = `Markör ${nanoid(6)}`;
  const ack = await hall.f.command({ type: 'announcement.send', text });
  assert.ok(ack.ok);
  await Promise.all(clients.map((c) => c.until((s) => s.announcement?.text === text)));
}

/** What a socket was told, one entry per event or snapshot, with the seq it was told at. */
function told(c: TestClient, from = 0, until = Infinity): Array<{ seq: number; raw: string; notes: Array<{ text: string; roomId: string | null }> }> {
  const out: ReturnType<typeof told> = [];
  for (const { name, payload } of c.received) {
    if (name === 'snapshot') {
      const w = (payload as Snapshot).workshop;
      out.push({ seq: w.seq, raw: JSON.stringify(payload), notes: Object.values(w.notes).map((n) => ({ text: n.text, roomId: n.roomId })) });
    }
    if (name === 'events')
      for (const item of payload as Sequenced[]) {
        const e = item.event;
        const notes =
          e.type === 'note.added'
            ? [{ text: e.note.text, roomId: e.note.roomId ?? null }]
            : e.type === 'note.edited'
              ? [{ text: e.text, roomId: e.roomId }]
              : [];
        out.push({ seq: item.seq, raw: JSON.stringify(item), notes });
      }
  }
  return out.filter((t) => t.seq >= from && t.seq < until);
}

/** Notes of the breakout's rooms other than `mine` that reached this socket, by room id or by text. */
function leaks(c: TestClient, opened: Opened, mine: string | null, posted: Posted, from = 0, until = Infinity): string[] {
  const others = new Set(opened.rooms.map((r) => r.id).filter((id) => id !== mine));
  const found = new Set<string>();
  for (const t of told(c, from, until)) {
    for (const n of t.notes) if (n.roomId !== null && others.has(n.roomId)) found.add(`${n.text} (${n.roomId})`);
    for (const [text, roomId] of posted) if (roomId !== null && roomId !== mine && t.raw.includes(text)) found.add(`${text} (${roomId})`);
  }
  return [...found];
}

const notesIn = (state: Workshop) => Object.values(state.notes).map((n) => n.text).sort();
const textsOf = (posted: Posted, roomIds: Array<string | null>) =>
  [...posted].filter(([, roomId]) => roomIds.includes(roomId)).map(([text]) => text).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the stories -------------------------------------------------------------------------------

breakout('the facilitator opens three mixed rooms for the current activity; everyone is in exactly one', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  assert.is(opened.activity.id, hall.f.state!.currentActivityId);
  for (const c of [hall.f, ...hall.audience]) {
    const b = breakoutIn(c.state!, opened.activity.id)!;
    assert.equal(b.rooms.map((r) => [r.id, r.name, r.members]), opened.rooms.map((r) => [r.id, r.name, r.members]));
    assert.is(b.assignment, 'mixed');
  }
  for (const c of hall.people) {
    const mine = breakoutIn(c.state!, opened.activity.id)!.rooms.filter((r) => r.members.includes(idOf(c)));
    assert.is(mine.length, 1, `${c.participant!.name} is in exactly one room`);
  }
  const people = hall.f.state!.participants;
  for (const room of opened.rooms) {
    assert.is(room.members.length, 4);
    const kinds = new Set(room.members.map((id) => people[id].orgKind));
    for (const kind of ['kommun', 'region', 'brukarrepresentant'] as OrgKind[]) assert.ok(kinds.has(kind), `${room.name} has ${kind}`);
    const orgs = room.members.map((id) => people[id].organisation);
    assert.is(new Set(orgs).size, orgs.length, `${room.name}: nobody from the same organisation (${orgs})`);
  }
});

breakout('a participant in room A never receives room B notes, checked on the raw events', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, opened, posted);
  // The facilitator visits one room's board and writes there, and writes once in the plenary.
  const visited = opened.rooms[1].id;
  posted.set(await post(hall.f, opened, visited), visited);
  posted.set(await post(hall.f, opened), null);
  await settle(hall);

  for (const c of hall.people) {
    const mine = roomIdOf(hall, opened, c);
    assert.equal(leaks(c, opened, mine, posted), [], `${c.participant!.name} in ${mine}`);
    assert.equal(notesIn(c.state!), textsOf(posted, [mine, null]), `${c.participant!.name} sees their room and the plenary`);
    // Their own room's notes came to them as events, live.
    const live = told(c).flatMap((t) => t.notes.map((n) => n.text));
    for (const text of textsOf(posted, [mine])) assert.ok(live.includes(text));
  }
  assert.equal(leaks(hall.projector, opened, null, posted), [], 'the projector shows no room’s notes during the breakout');
  assert.equal(notesIn(hall.projector.state!), textsOf(posted, [null]));
  assert.equal(notesIn(hall.f.state!), [...posted.keys()].sort(), 'the facilitator sees every room');
});

breakout('a participant cannot post into another room', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const [anna] = hall.people;
  const mine = roomIdOf(hall, opened, anna)!;
  const other = opened.rooms.find((r) => r.id !== mine)!.id;
  const seq = hall.f.state!.seq;
  const refused = await anna.command({ type: 'note.add', noteId: 'note-intruder', activityId: opened.activity.id, columnId: 's', text: 'Inkräktare', roomId: other });
  assert.equal(refused.ok ? 'accepted' : refused.error, 'forbidden');
  const own = await anna.command({ type: 'note.add', noteId: 'note-own-room', activityId: opened.activity.id, columnId: 's', text: 'I mitt rum', roomId: mine });
  assert.ok(own.ok);
  await hall.f.until((s) => !!s.notes['note-own-room']);
  assert.is(hall.f.state!.notes['note-own-room'].roomId, mine);
  assert.is(hall.f.state!.notes['note-intruder'], undefined);
  assert.is(hall.f.state!.seq, seq + 1, 'the refused note made no event');
  await settle(hall);
  for (const c of hall.audience) assert.ok(!JSON.stringify(c.received).includes('Inkräktare'));
});

breakout('an announcement and the timer reach every room and the projector', async (ctx) => {
  const hall = await gather(ctx);
  await openRooms(hall);
  assert.ok((await hall.f.command({ type: 'announcement.send', text: '2 minuter kvar' })).ok);
  assert.ok((await hall.f.command({ type: 'timer.start', seconds: 120 })).ok);
  await Promise.all(hall.audience.map((c) => c.until((s) => s.announcement?.text === '2 minuter kvar' && !!s.timer)));
  for (const c of hall.audience) {
    const events = told(c).map((t) => JSON.parse(t.raw) as Sequenced | Snapshot);
    const types = events.flatMap((e) => ('event' in e ? [e.event.type] : []));
    assert.ok(types.includes('announcement.set') && types.includes('timer.set'), `${c.participant?.name ?? 'projector'} got both as events`);
    assert.equal(c.state!.timer, hall.f.state!.timer);
  }
});

breakout('the time left, from serverNow, agrees across phones within a second, also for one who joins mid-countdown', async (ctx) => {
  const hall = await gather(ctx);
  await openRooms(hall);
  const started = Date.now();
  assert.ok((await hall.f.command({ type: 'timer.start', seconds: 300 })).ok);
  await Promise.all(hall.audience.map((c) => c.until((s) => !!s.timer)));
  // Each phone sets its clock offset from the last snapshot's serverNow, as the app does.
  const offsets = new Map<TestClient, number>();
  const listen = (c: TestClient) => c.socket.on('snapshot', (s) => offsets.set(c, s.serverNow - Date.now()));
  for (const c of hall.audience) {
    listen(c);
    const ack = await c.socket.timeout(3000).emitWithAck('sync');
    assert.ok(ack.ok);
  }
  await sleep(250); // well into the countdown
  const late = new TestClient(ctx.srv.url, { workshopId: ctx.created.id, participantToken: nanoid(24) });
  listen(late);
  await connect(ctx, late);
  const joined = (await late.socket.timeout(3000).emitWithAck('join', { token: late.auth.participantToken!, ...LATECOMER })) as Ack<{ participant: Participant }>;
  if (!joined.ok) throw new Error(joined.error);
  await late.until((s) => !!s.participants[joined.data.participant.id] && !!s.timer);
  const phones = [...hall.audience, late];
  await Promise.all(phones.map(async (c) => { for (let i = 0; i < 200 && !offsets.has(c); i++) await sleep(10); }));
  const now = Date.now();
  const left = phones.map((c) => c.state!.timer!.endsAt! - (now + offsets.get(c)!));
  assert.ok(Math.max(...left) - Math.min(...left) <= 1000, `time left differs: ${left}`);
  for (const ms of left) assert.ok(ms <= 300_000 - (now - started) + 1000 && ms >= 300_000 - (now - started) - 1000, `${ms} ms left`);
  // Paused, every phone shows the same time left, exactly.
  assert.ok((await hall.f.command({ type: 'timer.pause' })).ok);
  await Promise.all(phones.map((c) => c.until((s) => s.timer?.endsAt === null)));
  assert.is(new Set(phones.map((c) => c.state!.timer!.remainingMs)).size, 1);
});

breakout('a participant who drops and reconnects mid-breakout is back in the same room and still sees only it', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, opened, posted);
  const [anna, ...others] = hall.people;
  const mine = roomIdOf(hall, opened, anna)!;
  anna.socket.disconnect();
  await everyonePosts({ ...hall, people: others }, opened, posted);
  anna.socket.connect();
  await anna.until((s) => anna.socket.connected && notesIn(s).join() === textsOf(posted, [mine]).join());
  await settle(hall);
  assert.equal(leaks(anna, opened, mine, posted), []);
  assert.is(roomOf(breakoutIn(anna.state!, opened.activity.id), idOf(anna))?.id, mine);
  const after = await post(anna, opened);
  posted.set(after, mine);
  const stored = await hall.f.until((s) => Object.values(s.notes).some((n) => n.text === after));
  assert.is(Object.values(stored.notes).find((n) => n.text === after)!.roomId, mine, 'her note still lands in her room');

  // A reload: the old socket is gone, a new one comes with the same token.
  anna.close();
  const reloaded = await participant(ctx.srv.url, ctx.created.id, { ...GROUP[0], token: anna.auth.participantToken });
  ctx.clients.push(reloaded);
  assert.is(idOf(reloaded), idOf(anna));
  assert.equal(notesIn(reloaded.state!), textsOf(posted, [mine]));
  await everyonePosts({ ...hall, people: others }, opened, posted);
  await settle(hall, [reloaded]);
  assert.equal(leaks(reloaded, opened, mine, posted), []);
  assert.equal(notesIn(reloaded.state!), textsOf(posted, [mine]));
});

breakout('a late joiner is placed by the rule and receives only their room’s notes', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, opened, posted);
  const state = hall.f.state!;
  const expected = placeLateJoiner(breakoutIn(state, opened.activity.id)!.rooms, 'mixed', { id: 'not-yet', ...LATECOMER }, (id) => state.participants[id]);
  assert.ok(expected);
  const maja = await participant(ctx.srv.url, ctx.created.id, { ...LATECOMER });
  ctx.clients.push(maja);
  await hall.f.until((s) => !!roomOf(breakoutIn(s, opened.activity.id), idOf(maja)));
  assert.is(roomIdOf(hall, opened, maja), expected);
  await maja.until((s) => roomOf(breakoutIn(s, opened.activity.id), idOf(maja))?.id === expected);
  assert.equal(notesIn(maja.state!), textsOf(posted, [expected]));
  await everyonePosts(hall, opened, posted);
  posted.set(await post(maja, opened), expected);
  await settle(hall, [hall.f, maja]);
  assert.equal(leaks(maja, opened, expected, posted), []);
  assert.equal(notesIn(maja.state!), textsOf(posted, [expected]));
  for (const c of membersOf(hall, opened, expected!))
    await c.until((s) => notesIn(s).join() === textsOf(posted, [expected]).join());
});

breakout('a participant moved to another room gets its board and stops getting the old one’s', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, opened, posted);
  const [anna, bertil] = hall.people;
  const from = roomIdOf(hall, opened, anna)!;
  const to = opened.rooms.find((r) => r.id !== from)!.id;
  const move = await hall.f.command({ type: 'room.move', activityId: opened.activity.id, roomId: to, participantId: idOf(anna) });
  assert.ok(move.ok);
  const moved = move.ok ? move.data.seq : 0;
  await anna.until((s) => roomOf(breakoutIn(s, opened.activity.id), idOf(anna))?.id === to);
  await anna.until((s) => notesIn(s).join() === textsOf(posted, [to]).join());
  const fresh = told(anna, moved).find((t) => t.raw.includes('"workshop"'));
  assert.ok(fresh, 'a fresh snapshot of the new room');
  await everyonePosts(hall, opened, posted);
  await settle(hall);
  assert.equal(leaks(anna, opened, to, posted, moved), [], 'nothing of the old room after the move');
  assert.equal(leaks(anna, opened, from, posted, 0, moved), [], 'and nothing of the new room before it');
  assert.equal(notesIn(anna.state!), textsOf(posted, [to]));
  for (const c of hall.people) assert.is(roomOf(breakoutIn(c.state!, opened.activity.id), idOf(anna))?.id, to, 'everyone sees where she went');

  // Moved while offline: the reconnect brings the new room's board.
  const bertilFrom = roomIdOf(hall, opened, bertil)!;
  const bertilTo = opened.rooms.find((r) => r.id !== bertilFrom)!.id;
  bertil.socket.disconnect();
  const offlineMove = await hall.f.command({ type: 'room.move', activityId: opened.activity.id, roomId: bertilTo, participantId: idOf(bertil) });
  assert.ok(offlineMove.ok);
  const back = offlineMove.ok ? offlineMove.data.seq : 0;
  bertil.socket.connect();
  await bertil.until((s) => bertil.socket.connected && s.seq >= back && notesIn(s).join() === textsOf(posted, [bertilTo]).join());
  await everyonePosts({ ...hall, people: hall.people.filter((c) => c !== bertil) }, opened, posted);
  await settle(hall);
  assert.equal(leaks(bertil, opened, bertilTo, posted, back), []);
  assert.equal(notesIn(bertil.state!), textsOf(posted, [bertilTo]));
});

breakout('closing brings everyone back with every room’s notes and summaries for the report-back', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, opened, posted);
  const reporterOf = (i: number) => hall.people.find((c) => idOf(c) === opened.rooms[i].reporterId)!;
  const during = await reporterOf(0).command({ type: 'room.update', activityId: opened.activity.id, roomId: opened.rooms[0].id, summary: 'Gemensam utbildningsdag i höst' });
  assert.ok(during.ok);
  await Promise.all(hall.audience.map((c) => c.until((s) => breakoutIn(s, opened.activity.id)?.rooms[0].summary === 'Gemensam utbildningsdag i höst')));

  const close = await hall.f.command({ type: 'breakout.close', activityId: opened.activity.id });
  assert.ok(close.ok);
  const closed = close.ok ? close.data.seq : 0;
  const all = [...posted.keys()].sort();
  await Promise.all(hall.audience.map((c) => c.until((s) => breakoutIn(s, opened.activity.id)?.open === false && notesIn(s).join() === all.join())));
  for (const c of hall.audience) {
    const b = breakoutIn(c.state!, opened.activity.id)!;
    assert.equal(b.rooms.map((r) => r.members), opened.rooms.map((r) => r.members), 'each room keeps its members');
    assert.ok(b.closedAt! >= b.openedAt);
    // While the rooms were open, nothing of the other rooms reached this socket.
    const mine = c.participant ? roomIdOf(hall, opened, c) : null;
    assert.equal(leaks(c, opened, mine, posted, 0, closed), [], c.participant?.name ?? 'projector');
  }
  for (const n of Object.values(hall.projector.state!.notes)) assert.is(n.roomId, posted.get(n.text), 'each note keeps its room for the side-by-side view');

  const after = await reporterOf(1).command({ type: 'room.update', activityId: opened.activity.id, roomId: opened.rooms[1].id, summary: 'Ta fram en gemensam rutin' });
  assert.ok(after.ok);
  await Promise.all(hall.audience.map((c) => c.until((s) => breakoutIn(s, opened.activity.id)?.rooms[1].summary === 'Ta fram en gemensam rutin')));
  const notReporter = hall.people.find((c) => idOf(c) !== opened.rooms[2].reporterId && opened.rooms[2].members.includes(idOf(c)))!;
  const refused = await notReporter.command({ type: 'room.update', activityId: opened.activity.id, roomId: opened.rooms[2].id, summary: 'Inte min' });
  assert.equal(refused.ok ? 'accepted' : refused.error, 'forbidden');
});

breakout('a second breakout on the next activity keeps the first one’s report-back in view', async (ctx) => {
  const hall = await gather(ctx);
  const first = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, first, posted);
  assert.ok((await hall.f.command({ type: 'breakout.close', activityId: first.activity.id })).ok);
  const next = hall.f.state!.activities[1];
  assert.ok((await hall.f.command({ type: 'activity.focus', activityId: next.id })).ok);
  await Promise.all(hall.audience.map((c) => c.until((s) => s.currentActivityId === next.id)));
  const second = await openRooms(hall, 'random', { round: '-2' });
  assert.is(second.activity.id, next.id);
  const later: Posted = new Map();
  await everyonePosts(hall, second, later);
  await settle(hall);
  const reportBack = [...posted.keys()].sort();
  for (const c of hall.audience) {
    const mine = c.participant ? roomIdOf(hall, second, c) : null;
    const seen = notesIn(c.state!);
    assert.ok(reportBack.every((t) => seen.includes(t)), `${c.participant?.name ?? 'projector'} still sees the first breakout’s notes`);
    assert.equal(seen.filter((t) => later.has(t)), textsOf(later, [mine]), 'and of the second, only their own room');
    assert.equal(leaks(c, second, mine, later), []);
  }
});

breakout('in a self-select breakout participants pick a room up to its cap, and post only in the one they picked', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall, 'selfSelect', { cap: 4 });
  const [first, ...rest] = hall.people;
  const noRoom = await post(first, opened).then(() => 'accepted', (e: Error) => e.message);
  assert.match(noRoom, /no_room/);
  const room = opened.rooms[0].id;
  const join = (c: TestClient) => c.command({ type: 'room.join', activityId: opened.activity.id, roomId: room });
  for (const c of [first, ...rest.slice(0, 3)]) assert.ok((await join(c)).ok);
  const full = await join(rest[3]);
  assert.equal(full.ok ? 'accepted' : full.error, 'room_full');
  const posted: Posted = new Map();
  posted.set(await post(first, opened), room);
  const outsider = rest[5];
  assert.ok((await outsider.command({ type: 'room.join', activityId: opened.activity.id, roomId: opened.rooms[1].id })).ok);
  posted.set(await post(outsider, opened), opened.rooms[1].id);
  await settle(hall);
  assert.equal(leaks(rest[0], opened, room, posted), []);
  assert.equal(leaks(outsider, opened, opened.rooms[1].id, posted), []);
  assert.equal(notesIn(rest[0].state!), textsOf(posted, [room]));
});

breakout('a server restart mid-breakout keeps the rooms and who is in which', async (ctx) => {
  const hall = await gather(ctx);
  const opened = await openRooms(hall);
  const posted: Posted = new Map();
  await everyonePosts(hall, opened, posted);
  const before = structuredClone(breakoutIn(hall.f.state!, opened.activity.id));
  const sockets = [hall.f, ...hall.audience];
  const back = sockets.map((c) => new Promise<void>((resolve) => c.socket.once('disconnect', () => c.socket.once('connect', () => resolve()))));
  const seq = hall.f.state!.seq;
  await ctx.srv.restart();
  await Promise.all(back);
  const fresh = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(fresh);
  assert.equal(breakoutIn(fresh.state!, opened.activity.id), before);
  await everyonePosts(hall, opened, posted);
  await settle(hall);
  for (const c of hall.people) {
    const mine = roomIdOf(hall, opened, c);
    assert.is(roomOf(before, idOf(c))?.id, mine, `${c.participant!.name} is in the same room`);
    assert.equal(leaks(c, opened, mine, posted, seq + 1), [], `${c.participant!.name} after the restart`);
    assert.equal(notesIn(c.state!), textsOf(posted, [mine]));
  }
  assert.equal(leaks(hall.projector, opened, null, posted), []);
});

breakout.run();

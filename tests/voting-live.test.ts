// Prioritisation over real sockets, a real server and SQLite: twenty people vote at once against
// the limits, secret ballots and hidden notes are checked on the raw traffic each socket
// received, and the countdown is compared across phones in server time.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { timeLeft } from '../client/src/lib/timer.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { sv } from '../shared/i18n/sv.ts';
import type { Ack, CreatedWorkshop, Projection, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { Activity, OrgKind, Participant, Workshop } from '../shared/workshop/model.ts';
import { dotsUsed, tally } from '../shared/workshop/voting.ts';
import { TestClient, createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
const kommun = (name: string, organisation: string): Who => ({ name, organisation, orgKind: 'kommun' });
const GROUP: Who[] = [
  kommun('Anna', 'Nybro kommun'),
  kommun('Bertil', 'Nybro kommun'),
  kommun('Cecilia', 'Kalmar kommun'),
  kommun('David', 'Kalmar kommun'),
  kommun('Elin', 'Emmaboda kommun'),
  kommun('Filip', 'Torsås kommun'),
  kommun('Greta', 'Mönsterås kommun'),
  kommun('Hugo', 'Borgholms kommun'),
  { name: 'Ida', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Johan', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Klara', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Leo', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Maja', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Nora', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Oskar', organisation: 'Brukarrådet Nybro', orgKind: 'brukarrepresentant' },
  { name: 'Petra', organisation: 'Attention Kalmar', orgKind: 'brukarrepresentant' },
  { name: 'Rasmus', organisation: 'RSMH Kalmar', orgKind: 'brukarrepresentant' },
  { name: 'Sara', organisation: 'Försäkringskassan', orgKind: 'annan' },
  { name: 'Tomas', organisation: 'Arbetsförmedlingen', orgKind: 'annan' },
  { name: 'Ulla', organisation: 'Samordningsförbundet', orgKind: 'annan' },
];
const LATECOMER: Who = kommun('Vera', 'Kalmar kommun');
const AREAS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa', 'Beroende', 'Äldre'];
const QUESTION = 'Vilka områden ska LGL prioritera under 2021-2022?';

const live = suite<Ctx>('prioritisation over real sockets');
live.before(async (ctx) => {
  // Twenty phones firing their votes at once is the point here, not the flood guard.
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1000, facilitatorRate: 1000 } });
});
live.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url, {
    agenda: [
      { kind: 'prioritise', title: QUESTION },
      { kind: 'brainstorm', title: 'Tyst brainstorm', questions: ['Vad behöver vi göra tillsammans?'] },
    ],
  });
  ctx.clients = [];
});
live.after.each((ctx) => ctx.clients.forEach((c) => c.close()));
live.after(async (ctx) => {
  await ctx.srv.close();
});

// --- the hall ----------------------------------------------------------------------------------

interface Hall {
  f: TestClient;
  people: TestClient[];
  projector: TestClient;
  /** Every socket but the facilitator's. */
  audience: TestClient[];
}

async function gather(ctx: Ctx, size = GROUP.length): Promise<Hall> {
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(f);
  const people = await Promise.all(GROUP.slice(0, size).map((who) => participant(ctx.srv.url, ctx.created.id, who)));
  ctx.clients.push(...people);
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(projector);
  await projector.connected();
  await f.until((s) => Object.keys(s.participants).length === size);
  return { f, people, projector, audience: [...people, projector] };
}

async function must(c: TestClient, command: Record<string, unknown>): Promise<number> {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.detail ?? ''}`);
  return ack.data.seq;
}

const activityOf = (hall: Hall, kind: Activity['kind']) => hall.f.state!.activities.find((a) => a.kind === kind)!;
const idOf = (c: TestClient) => c.participant!.id;
const nameOf = (c: TestClient) => c.participant?.name ?? 'projector';

/** The facilitator types the areas as options and starts the vote; returns the option ids. */
async function startVote(hall: Hall, settings: { dotsPerPerson: number; maxPerOption: number; live?: boolean }) {
  const activity = activityOf(hall, 'prioritise');
  const options = AREAS.map(() => `opt-${nanoid(10)}`);
  for (const [i, noteId] of options.entries())
    await must(hall.f, { type: 'note.add', noteId, activityId: activity.id, columnId: activity.columns[0].id, text: AREAS[i] });
  await must(hall.f, { type: 'voting.start', activityId: activity.id, ...settings });
  await Promise.all(hall.audience.map((c) => c.until((s) => !!s.activities.find((a) => a.id === activity.id)?.voting?.open)));
  return { activityId: activity.id, options };
}

const vote = (c: TestClient, activityId: string, optionId: string, delta: 1 | -1 = 1) =>
  c.command({ type: 'vote.cast', activityId, optionId, delta });

/** Wait until every socket has everything sent before: a marker that reaches everyone. */
async function settle(hall: Hall, clients: TestClient[] = [hall.f, ...hall.audience]) {
  const text = `Markör ${nanoid(6)}`;
  await must(hall.f, { type: 'announcement.send', text });
  await Promise.all(clients.map((c) => c.until((s) => s.announcement?.text === text)));
}

async function waitFor(check: () => boolean, what: string, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`never happened within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every projection a socket was given, on its own or in a snapshot, with its place in the traffic. */
function projections(c: TestClient): Array<{ index: number; projection: Projection }> {
  return c.received.flatMap(({ name, payload }, index) =>
    name === 'projection'
      ? [{ index, projection: payload as Projection }]
      : name === 'snapshot'
        ? [{ index, projection: (payload as Snapshot).projection }]
        : [],
  );
}
const latestProjection = (c: TestClient) => projections(c).at(-1)?.projection;
const snapshots = (c: TestClient) => c.received.filter((r) => r.name === 'snapshot').map((r) => r.payload as Snapshot);
const events = (c: TestClient) => c.received.filter((r) => r.name === 'events').flatMap((r) => r.payload as Sequenced[]);
/** Where in a socket's traffic an event first arrived; -1 if it never did. */
const arrivalOf = (c: TestClient, match: (e: Sequenced) => boolean) =>
  c.received.findIndex((r) => r.name === 'events' && (r.payload as Sequenced[]).some(match));

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Nobody above the limits, nobody below zero, no dot on an option that is gone. */
function assertWithinLimits(w: Workshop, activityId: string, limits: { dots: number; max: number }, gone: string, where: string) {
  assert.is(w.notes[gone], undefined, `${where}: the removed option is gone`);
  const ballots = w.ballots[activityId] ?? {};
  for (const [who, ballot] of Object.entries(ballots)) {
    const name = w.participants[who]?.name ?? who;
    assert.ok(sum(Object.values(ballot)) <= limits.dots, `${where}: ${name} has ${sum(Object.values(ballot))} dots`);
    assert.is(ballot[gone], undefined, `${where}: a dot of ${name} lies on the removed option`);
    for (const [optionId, n] of Object.entries(ballot)) {
      assert.ok(n >= 1 && n <= limits.max, `${where}: ${name} has ${n} on ${optionId}`);
      assert.ok(w.notes[optionId]?.activityId === activityId, `${where}: ${name}'s dot on ${optionId}, not an option`);
    }
  }
}

// --- the stories -------------------------------------------------------------------------------

live('twenty phones each fire more votes than allowed while an option is removed: nobody ends above the limits, no dot on the removed option', async (ctx) => {
  const hall = await gather(ctx);
  const { f } = hall;
  const limits = { dots: 3, max: 2 };
  const { activityId, options } = await startVote(hall, { dotsPerPerson: limits.dots, maxPerOption: limits.max });
  const [doomed, ...kept] = options;

  // Eight dots each, where three and at most two per option are allowed; three aimed at the
  // option that is about to go, at a different point of each phone's burst.
  const burst = (k: number) => {
    const mine = [kept[k % 4], kept[k % 4], kept[k % 4], doomed, doomed, doomed, kept[(k + 1) % 4], kept[(k + 2) % 4]];
    return mine.map((_, i) => mine[(i + k) % mine.length]);
  };
  const fire = (c: TestClient) => Promise.all(burst(hall.people.indexOf(c)).map((o) => vote(c, activityId, o)));
  const [first, second] = [hall.people.slice(0, 10), hall.people.slice(10)];
  // Half the room fires; the facilitator removes "Nära vård" the moment the first dot on it
  // reaches the screen, while the other half fires: five phones just before, five just after.
  let secondHalf: Promise<Array<Array<Ack<{ seq: number }>>>> | undefined;
  const removed = new Promise<Ack<{ seq: number }>>((resolve) => {
    const onEvents = (batch: Sequenced[]) => {
      if (!batch.some(({ event }) => event.type === 'vote.cast' && event.optionId === doomed)) return;
      f.socket.off('events', onEvents);
      const before = second.slice(0, 5).map(fire);
      resolve(f.command({ type: 'note.delete', noteId: doomed }));
      secondHalf = Promise.all([...before, ...second.slice(5).map(fire)]);
    };
    f.socket.on('events', onEvents);
  });
  const firstHalf = await Promise.all(first.map(fire));
  const removal = await removed;
  assert.ok(removal.ok, 'the option is removed in the middle of the voting');
  const firstWave = [...firstHalf, ...(await secondHalf!)];
  // Dots that were on it come back; everyone fires again, some of it at the removed option.
  const secondWave = await Promise.all(
    hall.people.map((c, k) => Promise.all([doomed, kept[(k + 1) % 4], doomed, kept[(k + 3) % 4]].map((o) => vote(c, activityId, o)))),
  );

  const acks = [...firstWave.flat(), ...secondWave.flat()];
  const refusals = new Set(acks.flatMap((a) => (a.ok ? [] : [a.error])));
  for (const error of refusals) assert.ok(['no_dots_left', 'option_full', 'not_found'].includes(error), `refused as ${error}`);
  assert.ok(refusals.has('no_dots_left'), 'the extra votes were turned away');
  for (const late of secondWave)
    assert.equal([late[0], late[2]].map((a) => (a.ok ? 'accepted' : a.error)), ['not_found', 'not_found'], 'no vote lands on the removed option after removal');
  const lastSeq = Math.max(removal.ok ? removal.data.seq : 0, ...acks.map((a) => (a.ok ? a.data.seq : 0)));

  // The facilitator's screen.
  const seen = await f.until((s) => s.seq >= lastSeq);
  assertWithinLimits(seen, activityId, limits, doomed, 'facilitator');
  assert.equal(tally(seen, activityId).map((r) => r.optionId).sort(), [...kept].sort(), 'the ranking lists what is left');
  assert.is(Object.keys(seen.ballots[activityId]).length, 20, 'all twenty voted');
  // Each phone's own dots agree with the facilitator's record, and it shows the dots left.
  await settle(hall);
  for (const c of hall.people) {
    assert.equal(c.state!.ballots[activityId]?.[idOf(c)] ?? {}, seen.ballots[activityId][idOf(c)] ?? {}, nameOf(c));
    assert.is(limits.dots - dotsUsed(c.state!, activityId, idOf(c)), limits.dots - dotsUsed(seen, activityId, idOf(c)));
  }

  // A fresh facilitator connection, and the store after a restart, hold the same.
  const fresh = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(fresh);
  assertWithinLimits(fresh.state!, activityId, limits, doomed, 'fresh facilitator');
  assert.equal(fresh.state!.ballots, seen.ballots);
  await ctx.srv.restart();
  const stored = (await ctx.srv.server.workshops.copy(ctx.created.id))!;
  assertWithinLimits(stored, activityId, limits, doomed, 'store after restart');
  assert.equal(stored.ballots, seen.ballots);
  assert.equal(tally(stored, activityId), tally(seen, activityId));
  const afterRestart = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(afterRestart);
  assert.equal(afterRestart.state!.ballots, seen.ballots);
});

live('a dot on an activity that is not the current one, or is locked, is refused and neither stored nor sent', async (ctx) => {
  const hall = await gather(ctx, 2);
  const { f, people } = hall;
  const [anna, bertil] = people;
  const { activityId, options } = await startVote(hall, { dotsPerPerson: 3, maxPerOption: 2 });

  // The facilitator moves on to the brainstorm with the vote still open.
  await must(f, { type: 'activity.focus', activityId: activityOf(hall, 'brainstorm').id });
  const notCurrent = await vote(anna, activityId, options[0]);
  assert.equal(notCurrent, { ok: false, error: 'not_current', detail: 'activity', message: sv['error.not_current'] });
  // Back on the vote, but locked: nobody places or takes back a dot.
  await must(f, { type: 'activity.focus', activityId });
  await must(f, { type: 'activity.lock', activityId, locked: true });
  for (const [c, delta] of [[bertil, 1], [anna, -1]] as const)
    assert.equal(await vote(c, activityId, options[1], delta), { ok: false, error: 'locked', message: sv['error.locked'] });
  await settle(hall);
  assert.equal(f.state!.ballots[activityId], {}, 'the facilitator’s state holds no dot');

  // Unlocked, a dot lands: what the store and the facilitator's traffic hold is that one alone.
  await must(f, { type: 'activity.lock', activityId, locked: false });
  assert.ok((await vote(bertil, activityId, options[1])).ok);
  await settle(hall);
  const sent = events(f).filter(({ event }) => event.type === 'vote.cast');
  const store = new SqliteStore(ctx.srv.dataDir);
  const stored = (await store.load(ctx.created.id)).filter(({ event }) => event.type === 'vote.cast');
  await store.close();
  for (const casts of [stored, sent])
    assert.equal(casts.map(({ event }) => event), [{ type: 'vote.cast', activityId, participantId: idOf(bertil), optionId: options[1], delta: 1 }]);
});

live('secret ballot: before the reveal no phone or projector hears of anyone else’s dots or any count; after it all show the same ranking', async (ctx) => {
  const hall = await gather(ctx, 8);
  const { f } = hall;
  const { activityId, options } = await startVote(hall, { dotsPerPerson: 3, maxPerOption: 2 });
  // Everyone places three dots; some change their minds and move one.
  await Promise.all(
    hall.people.map(async (c, k) => {
      for (const o of [options[k % 5], options[(k + 2) % 5], options[k % 5]]) assert.ok((await vote(c, activityId, o)).ok);
      if (k % 3 === 0) {
        assert.ok((await vote(c, activityId, options[k % 5], -1)).ok);
        assert.ok((await vote(c, activityId, options[(k + 4) % 5])).ok);
      }
    }),
  );
  await settle(hall);
  for (const c of hall.people) assert.is(dotsUsed(c.state!, activityId, idOf(c)), 3, `${nameOf(c)}'s phone shows no dots left`);
  assert.is(sum(tally(f.state!, activityId).map((r) => r.total)), 24);
  // Tallies go out gathered, a moment after the votes. The facilitator parks a note on a silent
  // board: its count changes, so a projection computed after every vote reaches everyone.
  const board = activityOf(hall, 'brainstorm');
  await must(f, { type: 'activity.update', activityId: board.id, hidden: true });
  await must(f, { type: 'note.add', noteId: `note-${nanoid(10)}`, activityId: board.id, columnId: board.columns[0].id, text: 'Parkering' });
  await Promise.all(hall.audience.map((c) => waitFor(() => latestProjection(c)?.hiddenCounts[board.id] === 1, `${nameOf(c)} gets a projection after the votes`)));
  // A phone that asks for a fresh snapshot (as after a command it cannot reconcile) still gets only its own dots.
  for (const c of hall.audience) assert.ok((await c.socket.timeout(3000).emitWithAck('sync')).ok);

  const revealSeq = await must(f, { type: 'results.reveal', activityId, revealed: true });
  await f.until((s) => s.seq >= revealSeq);
  const expected = tally(f.state!, activityId);
  await Promise.all(
    [f, ...hall.audience].map((c) => waitFor(() => !!latestProjection(c)?.results[activityId], `${nameOf(c)} gets the ranking`)),
  );
  for (const c of [f, ...hall.audience]) assert.equal(latestProjection(c)!.results[activityId], expected, `${nameOf(c)} shows the facilitator's ranking`);
  // A projector that comes in later gets the ranking with its first snapshot.
  const late = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(late);
  await late.connected();
  assert.equal(snapshots(late)[0].projection.results[activityId], expected);
  await settle(hall);

  for (const c of hall.audience) {
    const me = c.participant ? idOf(c) : null;
    const others = events(c).filter(({ event }) => event.type === 'vote.cast' && event.participantId !== me);
    assert.equal(others, [], `${nameOf(c)} received someone else's vote`);
    if (me) assert.ok(events(c).some(({ event }) => event.type === 'vote.cast' && event.participantId === me), `${nameOf(c)} got their own dots back`);
    for (const s of snapshots(c)) {
      const voters = Object.values(s.workshop.ballots).flatMap((byVoter) => Object.keys(byVoter));
      assert.ok(voters.every((id) => id === me), `${nameOf(c)} received the ballots of ${voters}`);
    }
    const revealedAt = arrivalOf(c, ({ event }) => event.type === 'voting.changed' && event.revealed === true);
    assert.ok(revealedAt > 0, `${nameOf(c)} heard of the reveal`);
    const early = projections(c).filter((p) => p.index < revealedAt && p.projection.results[activityId]);
    assert.equal(early, [], `${nameOf(c)} had counts before the reveal`);
  }
});

live('live results: the ranking on the projector and phones follows the votes as they come in', async (ctx) => {
  const hall = await gather(ctx, 10);
  const { f, projector } = hall;
  const { activityId, options } = await startVote(hall, { dotsPerPerson: 3, maxPerOption: 3, live: true });
  const dotsShown = (c: TestClient) => sum(latestProjection(c)?.results[activityId]?.map((r) => r.total) ?? [-1]);
  await Promise.all(hall.audience.map((c) => waitFor(() => dotsShown(c) === 0, `${nameOf(c)} shows the empty ranking`)));

  const castEach = (people: TestClient[], option: (k: number) => string) =>
    Promise.all(people.map((c, k) => Promise.all([0, 1, 2].map(() => vote(c, activityId, option(k)))))).then((acks) =>
      acks.flat().forEach((a) => assert.ok(a.ok)),
    );
  const [early, late] = [hall.people.slice(0, 5), hall.people.slice(5)];
  await castEach(early, () => options[1]);
  await Promise.all(hall.audience.map((c) => waitFor(() => dotsShown(c) === 15, `${nameOf(c)} shows the first 15 dots`)));
  assert.is(latestProjection(projector)!.results[activityId][0].optionId, options[1], 'Barn och unga leads');
  assert.ok(f.state!.activities.find((a) => a.id === activityId)!.voting!.open, 'while the voting is still open');
  await castEach(late, (k) => options[k % 2 === 0 ? 2 : 3]);
  await Promise.all(hall.audience.map((c) => waitFor(() => dotsShown(c) === 30, `${nameOf(c)} shows all 30 dots`)));
  await must(f, { type: 'voting.close', activityId });
  const refused = await vote(hall.people[0], activityId, options[0], -1);
  assert.equal(refused.ok ? 'accepted' : refused.error, 'voting_closed');

  const expected = tally(f.state!, activityId);
  assert.equal(expected.map((r) => [r.total, r.rank]), [[15, 1], [9, 2], [6, 3], [0, 4], [0, 4]]);
  for (const c of hall.audience) assert.equal(latestProjection(c)!.results[activityId], expected, nameOf(c));
  // 30 votes, a handful of tallies: the projection is gathered, not sent per vote.
  const sent = projector.received.filter((r) => r.name === 'projection').length;
  assert.ok(sent >= 2 && sent < 30, `${sent} projections for 30 votes`);
});

live('silent brainstorming: nobody else receives a hidden note’s text, only the count, until the facilitator reveals them', async (ctx) => {
  const hall = await gather(ctx, 6);
  const { f, people } = hall;
  const board = activityOf(hall, 'brainstorm');
  await must(f, { type: 'activity.focus', activityId: board.id });
  await must(f, { type: 'activity.update', activityId: board.id, hidden: true });
  await Promise.all(hall.audience.map((c) => c.until((s) => s.currentActivityId === board.id && !!s.activities.find((a) => a.id === board.id)?.hidden)));

  // One phone is away while the others write, and catches up by events when it comes back.
  const [away, ...writers] = people;
  away.socket.disconnect();
  const written = new Map<string, TestClient>();
  await Promise.all(
    writers.map(async (c) => {
      for (let i = 0; i < 2; i++) {
        const text = `Tyst idé ${nanoid(10)}`;
        written.set(text, c);
        await must(c, { type: 'note.add', noteId: `note-${nanoid(10)}`, activityId: board.id, columnId: board.columns[0].id, text });
      }
    }),
  );
  away.socket.connect();
  await settle(hall);
  await Promise.all(
    [f, ...hall.audience].map((c) => waitFor(() => latestProjection(c)?.hiddenCounts[board.id] === 10, `${nameOf(c)} counts 10 hidden notes`)),
  );

  for (const c of hall.audience) {
    const raw = JSON.stringify(c.received);
    const leaked = [...written].filter(([text, author]) => author !== c && raw.includes(text)).map(([text]) => text);
    assert.equal(leaked, [], `${nameOf(c)} received hidden notes of others`);
    const own = [...written].filter(([, author]) => author === c).map(([text]) => text).sort();
    assert.equal(Object.values(c.state!.notes).map((n) => n.text).sort(), own, `${nameOf(c)} sees only their own`);
  }
  assert.equal(Object.values(f.state!.notes).map((n) => n.text).sort(), [...written.keys()].sort(), 'the facilitator sees them all');

  const revealed = await must(f, { type: 'activity.update', activityId: board.id, hidden: false });
  const all = [...written.keys()].sort();
  await Promise.all(hall.audience.map((c) => c.until((s) => Object.values(s.notes).map((n) => n.text).sort().join() === all.join())));
  for (const c of hall.audience) {
    const fresh = snapshots(c).at(-1)!;
    assert.ok(fresh.workshop.seq >= revealed, `${nameOf(c)} got a fresh snapshot at the reveal`);
    assert.equal(Object.values(fresh.workshop.notes).map((n) => n.text).sort(), all);
    assert.is(fresh.projection.hiddenCounts[board.id], undefined, 'no count needed any more');
  }
});

live('the timer’s time left, from serverNow, agrees on every screen within a second: through pause, resume, an added minute, a late joiner and a reconnect', async (ctx) => {
  const hall = await gather(ctx, 5);
  const { f } = hall;
  // Each screen sets its clock offset from its last snapshot's serverNow, as the app does.
  const offsets = new Map<TestClient, number>();
  const listen = (c: TestClient) => c.socket.on('snapshot', (s) => offsets.set(c, s.serverNow - Date.now()));
  for (const c of [f, ...hall.audience]) {
    listen(c);
    assert.ok((await c.socket.timeout(3000).emitWithAck('sync')).ok);
  }
  const timed = async (command: Record<string, unknown>) => {
    const sent = Date.now();
    await must(f, command);
    return { sent, acked: Date.now() };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const start = await timed({ type: 'timer.start', seconds: 300 });
  await sleep(300);
  const pause = await timed({ type: 'timer.pause' });
  await Promise.all(hall.audience.map((c) => c.until((s) => s.timer?.endsAt === null)));
  const [away] = hall.people;
  away.socket.disconnect();
  await sleep(200);
  const resume = await timed({ type: 'timer.resume' });
  await must(f, { type: 'timer.add', seconds: 60 });
  // Someone arrives mid-countdown, and the phone that was away comes back.
  const late = new TestClient(ctx.srv.url, { workshopId: ctx.created.id, participantToken: nanoid(24) });
  ctx.clients.push(late);
  listen(late);
  await late.connected();
  const joined = (await late.socket.timeout(3000).emitWithAck('join', { token: late.auth.participantToken!, ...LATECOMER })) as Ack<{ participant: Participant }>;
  assert.ok(joined.ok);
  away.socket.connect();
  const screens = [f, ...hall.audience, late];
  await Promise.all(screens.map((c) => c.until((s) => s.timer?.durationMs === 360_000 && s.timer.endsAt !== null)));
  assert.ok(away.socket.connected);
  for (const c of screens) assert.equal(c.state!.timer, f.state!.timer, `${nameOf(c)} has the facilitator's timer`);

  const now = Date.now();
  const left = screens.map((c) => timeLeft(c.state!.timer!, now + offsets.get(c)!));
  assert.ok(Math.max(...left) - Math.min(...left) <= 1000, `time left differs: ${left}`);
  // It ran from start to pause and since the resume, with a minute added.
  const ranAtLeast = pause.sent - start.acked + (now - resume.acked);
  const ranAtMost = pause.acked - start.sent + (now - resume.sent);
  for (const [i, ms] of left.entries())
    assert.ok(ms >= 360_000 - ranAtMost - 1000 && ms <= 360_000 - ranAtLeast + 1000, `${nameOf(screens[i])}: ${ms} ms left`);

  // Paused, every screen shows exactly the same time left.
  await must(f, { type: 'timer.pause' });
  await Promise.all(screens.map((c) => c.until((s) => s.timer?.endsAt === null)));
  assert.is(new Set(screens.map((c) => timeLeft(c.state!.timer!, Date.now() + offsets.get(c)!))).size, 1);
});

live.run();

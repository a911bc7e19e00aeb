// Ranking (rangordning) over real sockets, a real server and SQLite: nobody's order reaches another
// phone or the projector, in live events, catch-up or a snapshot, and no result at all does until
// the facilitator reveals it; then the projector gets mean places, with the region's two
// respondents shown as "färre än 3". And 200 phones answering at once, some twice and some
// resending the same command, land every answer exactly once.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop, Projection, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { rankingTally } from '../shared/workshop/ranking.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const QUESTION = 'Vad ska LGS prioritera 2027?';
const AREAS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa', 'Äldre'];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
}

const live = suite<Ctx>('ranking over real sockets');
live.before(async (ctx) => {
  // Two hundred phones at once is the point here, not the flood guard.
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1000, facilitatorRate: 1000 } });
});
live.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS', agenda: [{ kind: 'ranking', title: QUESTION }] });
  ctx.clients = [];
});
live.after.each((ctx) => ctx.clients.forEach((c) => c.close()));
live.after(async (ctx) => {
  await ctx.srv.close();
});

async function must(c: TestClient, command: Record<string, unknown>): Promise<number> {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.detail ?? ''}`);
  return ack.data.seq;
}

/** The facilitator types the options and opens the ranking; returns the activity and option ids. */
async function open(f: TestClient, liveResults = false) {
  const activity = f.state!.activities[0];
  const options = AREAS.map(() => `opt-${nanoid(10)}`);
  for (const [i, noteId] of options.entries())
    await must(f, { type: 'note.add', noteId, activityId: activity.id, columnId: activity.columns[0].id, text: AREAS[i] });
  await must(f, { type: 'voting.start', activityId: activity.id, dotsPerPerson: 1, maxPerOption: 1, live: liveResults });
  return { activityId: activity.id, options };
}

const projections = (c: TestClient): Projection[] =>
  c.received.flatMap(({ name, payload }) =>
    name === 'projection' ? [payload as Projection] : name === 'snapshot' ? [(payload as Snapshot).projection] : [],
  );
const events = (c: TestClient) => c.received.filter((r) => r.name === 'events').flatMap((r) => r.payload as Sequenced[]);
const snapshots = (c: TestClient) => c.received.filter((r) => r.name === 'snapshot').map((r) => r.payload as Snapshot);

async function waitFor(check: () => boolean, what: string, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`never happened within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
const kommun = (name: string): Who => ({ name, organisation: 'Nybro kommun', orgKind: 'kommun' });
const region = (name: string): Who => ({ name, organisation: 'Region Kalmar län', orgKind: 'region' });

live('no order and no result reaches a phone or the projector before the reveal; then only mean places', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  const people = await Promise.all([kommun('Anna'), kommun('Bertil'), kommun('Cecilia'), region('Fatima'), region('Gustav')].map((w) => participant(ctx.srv.url, ctx.created.id, w)));
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(f, ...people, projector);
  await projector.connected();
  const { activityId, options } = await open(f);
  const orders = [options, [...options].reverse(), options, [options[1], options[0], options[2], options[3]], options];
  await Promise.all(people.map((p, i) => must(p, { type: 'ranking.submit', activityId, order: orders[i] })));
  // A phone and a second projector that come in after the answers get a snapshot of their own.
  const late = await participant(ctx.srv.url, ctx.created.id, kommun('Vera'));
  ctx.clients.push(late);
  const returning = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(returning);
  await returning.connected();
  await f.until((s) => Object.keys(s.ballots[activityId] ?? {}).length === 5);
  await waitFor(() => projections(projector).at(-1)?.voters[activityId] === 5, 'the projector may count who answered');

  const audience = [...people, late, projector, returning];
  for (const c of audience) {
    const me = c.participant?.id;
    for (const { event } of events(c))
      if (event.type === 'ballot.set') assert.is(event.participantId, me, 'only one\'s own answer comes back');
    for (const snap of snapshots(c))
      for (const [pid] of Object.entries(snap.workshop.ballots[activityId] ?? {})) assert.is(pid, me, 'no one else\'s order in a snapshot');
    for (const p of projections(c)) assert.is(p.rankings?.[activityId], undefined, 'no result before the reveal');
  }

  await must(f, { type: 'results.reveal', activityId, revealed: true });
  await waitFor(() => !!projections(projector).at(-1)?.rankings?.[activityId], 'the projector gets the result');
  const shown = projections(projector).at(-1)!.rankings![activityId];
  assert.is(shown.respondents, 5);
  assert.equal(shown.respondentsByKind, { kommun: 'withheld', region: 'fewerThan3', brukarrepresentant: 0, annan: 0 });
  assert.equal(shown.options[0].byKind.region, 'fewerThan3');
  assert.equal(shown.options[0].byKind.kommun, 'withheld');
  assert.equal(shown, rankingTally(f.state!, activityId), 'what the facilitator tallies');
  const raw = JSON.stringify(projector.received);
  assert.not.ok(raw.includes('"ballot.set"'), 'never a ballot on the projector');
});

live('200 phones answer at once: every answer lands once, a changed one as its last order', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(f);
  const kinds: OrgKind[] = ['kommun', 'region', 'brukarrepresentant', 'annan'];
  const phones: TestClient[] = [];
  for (let batch = 0; batch < 200; batch += 25) {
    const joined = await Promise.all(
      Array.from({ length: 25 }, (_, i) => participant(ctx.srv.url, ctx.created.id, { name: `Person ${batch + i}`, organisation: 'Org', orgKind: kinds[(batch + i) % 4] })),
    );
    phones.push(...joined);
    ctx.clients.push(...joined);
  }
  await f.until((s) => Object.keys(s.participants).length === 200, 10_000);
  const { activityId, options } = await open(f);
  await Promise.all(phones.map((p) => p.until((s) => !!s.activities[0].voting?.open, 10_000)));
  const first = (i: number) => (i % 2 ? [...options].reverse() : options);
  const last = (i: number) => (i % 3 ? first(i) : [options[2], options[0], options[3], options[1]]);
  // Everyone at once; every third changes their mind; every fifth resends its command (same id).
  const acks = await Promise.all(
    phones.map(async (p, i) => {
      const id = nanoid();
      const a = await p.command({ type: 'ranking.submit', activityId, order: first(i) }, id);
      const again = i % 5 === 0 ? await p.command({ type: 'ranking.submit', activityId, order: first(i) }, id) : a;
      const changed = i % 3 === 0 ? await p.command({ type: 'ranking.submit', activityId, order: last(i) }) : a;
      return [a, again, changed];
    }),
  );
  assert.ok(acks.flat().every((a) => a.ok), 'every answer acknowledged');
  await f.until((s) => Object.keys(s.ballots[activityId] ?? {}).length === 200, 10_000);
  const state = f.state!;
  const ballotEvents = events(f).filter(({ event }) => event.type === 'ballot.set');
  const changers = phones.filter((_, i) => i % 3 === 0 && last(i).some((o, k) => o !== first(i)[k])).length;
  assert.is(ballotEvents.length, 200 + changers, 'one event per answer and per change; a resent command adds none');
  phones.forEach((p, i) => {
    const ballot = state.ballots[activityId][p.participant!.id];
    assert.equal(Object.entries(ballot).sort((a, b) => a[1] - b[1]).map(([id]) => id), last(i));
  });
  const result = rankingTally(state, activityId);
  assert.is(result.respondents, 200);
  assert.equal(result.respondentsByKind, { kommun: 50, region: 50, brukarrepresentant: 50, annan: 50 });
  // Each phone holds only its own answer.
  await Promise.all(phones.map((p, i) => p.until((s) => Object.keys(s.ballots[activityId] ?? {}).length === 1 && !!s.ballots[activityId][p.participant!.id] && last(i).every((o, k) => s.ballots[activityId][p.participant!.id][o] === k + 1), 10_000)));
  // The server's own state holds the same.
  const stored = await ctx.srv.server.workshops.read(ctx.created.id, ({ state: s }) => rankingTally(s, activityId));
  assert.equal(stored, result);
});

live.run();

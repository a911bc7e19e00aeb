// Word cloud (ordmoln) over real sockets, a real server and SQLite: nobody's words reach another
// phone or the projector, live, in catch-up or in a snapshot, and no cloud at all does until the
// facilitator reveals it; a word the facilitator hid never does; then the projector gets the
// merged words with the region's two respondents as "färre än 3". And 200 phones answering at
// once, some twice and some resending the same command, land every answer exactly once.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop, Projection, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { tallyWords } from '../shared/workshop/wordCloud.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const QUESTION = 'Beskriv samverkan i LGS med ett ord';

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
}

const live = suite<Ctx>('word cloud over real sockets');
live.before(async (ctx) => {
  // Two hundred phones at once is the point here, not the flood guard.
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1000, facilitatorRate: 1000 } });
});
live.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS', agenda: [{ kind: 'wordCloud', title: 'Ordmoln', questions: [QUESTION] }] });
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

live('no words and no cloud reach a phone or the projector before the reveal, nor a hidden word after it', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  const who = [kommun('Anna'), kommun('Bertil'), kommun('Cecilia'), region('Fatima'), region('Gustav')];
  const people = await Promise.all(who.map((w) => participant(ctx.srv.url, ctx.created.id, w)));
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(f, ...people, projector);
  await projector.connected();
  const activityId = f.state!.activities[0].id;
  await must(f, { type: 'activity.focus', activityId });
  await must(f, { type: 'wordcloud.start', activityId, maxWords: 3, maxLength: 30 });
  // A projector that drops off now and comes back after the words catches up by events (since).
  const away = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(away);
  await away.connected();
  await away.until((s) => !!s.activities[0].wordCloud?.open);
  away.socket.disconnect();
  const answers = [['Tillit', 'Hemligtord'], ['tillit.', 'Dialog'], ['Dialog!'], ['TILLIT', 'Samsyn'], ['Samsyn']];
  await Promise.all(people.map((p, i) => must(p, { type: 'words.send', activityId, words: answers[i] })));
  await must(f, { type: 'word.hide', activityId, word: 'Hemligtord', hidden: true });
  // A phone and a second projector that come in after the answers get a snapshot of their own.
  const late = await participant(ctx.srv.url, ctx.created.id, kommun('Vera'));
  const returning = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(late, returning);
  await returning.connected();
  await f.until((s) => Object.keys(s.words?.[activityId] ?? {}).length === 5);
  const caughtUpFrom = away.received.length;
  away.socket.connect();
  await away.until((s) => s.seq === f.state!.seq);
  assert.ok(
    away.received.slice(caughtUpFrom).some((r) => r.name === 'events') && !away.received.slice(caughtUpFrom).some((r) => r.name === 'snapshot'),
    'the returning projector caught up by events, not a snapshot',
  );
  await new Promise((r) => setTimeout(r, 700)); // past the projection's gathering delay

  const audience = [...people, late, projector, returning, away];
  const before = (c: TestClient) => JSON.stringify(c.received);
  for (const c of audience) {
    const me = c.participant?.id;
    for (const { event } of events(c)) {
      if (event.type === 'words.sent') assert.is(event.participantId, me, 'only one\'s own words come back');
      assert.is.not(event.type, 'word.hidden', 'which word was hidden is the word itself');
    }
    for (const snap of snapshots(c)) {
      for (const pid of Object.keys(snap.workshop.words?.[activityId] ?? {})) assert.is(pid, me, 'no one else\'s words in a snapshot');
      assert.equal(snap.workshop.hiddenWords ?? {}, {});
    }
    for (const p of projections(c)) assert.is(p.wordClouds?.[activityId], undefined, 'no cloud before the reveal');
    if (me !== people[0].participant!.id) assert.not.ok(before(c).includes('Hemligtord'), 'Anna\'s words stay hers');
  }
  assert.not.ok(before(projector).includes('Samsyn'), 'nothing of the words on the projector before the reveal');
  assert.is(projections(projector).at(-1)?.voters[activityId], 5, 'the projector may count who answered');

  await must(f, { type: 'wordcloud.set', activityId, revealed: true });
  await waitFor(() => !!projections(projector).at(-1)?.wordClouds?.[activityId], 'the projector gets the cloud');
  const shown = projections(projector).at(-1)!.wordClouds![activityId];
  assert.is(shown.respondents, 5);
  assert.equal(shown.words.map((w) => [w.text, w.total]), [['Tillit', 3], ['Dialog', 2], ['Samsyn', 2]]);
  assert.equal(shown.respondentsByKind, { kommun: 'withheld', region: 'fewerThan3', brukarrepresentant: 0, annan: 0 });
  assert.is(shown.words[0].byKind.region, 'fewerThan3');
  assert.is(shown.hiddenCount, 1);
  assert.equal(shown, tallyWords(f.state!, activityId), 'what the room sees is the tally without the hidden word');
  for (const c of audience) assert.not.ok(JSON.stringify(c.received).includes('Hemligtord') && c !== people[0], 'the hidden word never reaches anyone else');
});

live('200 phones answer at once: every answer lands once, a changed one as its last words', async (ctx) => {
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
  const activityId = f.state!.activities[0].id;
  await must(f, { type: 'activity.focus', activityId });
  await must(f, { type: 'wordcloud.start', activityId, maxWords: 2, maxLength: 30 });
  await Promise.all(phones.map((p) => p.until((s) => !!s.activities[0].wordCloud?.open, 10_000)));
  const first = (i: number) => (i % 2 ? ['Tillit', 'Dialog'] : ['tillit!', 'Ansvar']);
  const last = (i: number) => (i % 3 ? first(i) : ['Samsyn']);
  // Everyone at once; every third changes their mind; every fifth resends its command (same id).
  const acks = await Promise.all(
    phones.map(async (p, i) => {
      const id = nanoid();
      const a = await p.command({ type: 'words.send', activityId, words: first(i) }, id);
      const again = i % 5 === 0 ? await p.command({ type: 'words.send', activityId, words: first(i) }, id) : a;
      const changed = i % 3 === 0 ? await p.command({ type: 'words.send', activityId, words: last(i) }) : a;
      return [a, again, changed];
    }),
  );
  assert.ok(acks.flat().every((a) => a.ok), 'every answer acknowledged');
  await f.until((s) => Object.keys(s.words?.[activityId] ?? {}).length === 200, 10_000);
  const changers = phones.filter((_, i) => i % 3 === 0).length;
  await waitFor(() => events(f).filter(({ event }) => event.type === 'words.sent').length >= 200 + changers, 'every answer reaches the facilitator', 10_000);
  const sent = events(f).filter(({ event }) => event.type === 'words.sent');
  assert.is(sent.length, 200 + changers, 'one event per answer and per change; a resent command adds none');
  const state = f.state!;
  phones.forEach((p, i) => assert.equal(state.words![activityId][p.participant!.id], last(i).map((w) => w.replace(/!$/, ''))));
  const result = tallyWords(state, activityId);
  assert.is(result.respondents, 200);
  assert.equal(result.respondentsByKind, { kommun: 50, region: 50, brukarrepresentant: 50, annan: 50 });
  const tillit = phones.filter((_, i) => i % 3 !== 0).length;
  assert.is(result.words.find((w) => w.key === 'tillit')!.total, tillit, 'Tillit and tillit! are one word, once per person');
  assert.is(result.words.find((w) => w.key === 'samsyn')!.total, changers);
  // Each phone holds only its own words; the server's own state holds the same tally.
  await Promise.all(phones.map((p) => p.until((s) => Object.keys(s.words?.[activityId] ?? {}).join() === p.participant!.id, 10_000)));
  const stored = await ctx.srv.server.workshops.read(ctx.created.id, ({ state: s }) => tallyWords(s, activityId));
  assert.equal(stored, result);
});

live.run();

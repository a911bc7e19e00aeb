// A lone brukarrepresentant votes in an LGS, over real sockets, a real server and SQLite: once the
// results are revealed, no phone and no projector, over WebSocket or long-polling, ever receives
// a figure for her kind (nor for the kind held back so that the total cannot give hers away),
// and neither does any export's bytes. The region, with four voters, keeps its figures: the
// checks would see one.
import { nanoid } from 'nanoid';
import { io, type Socket } from 'socket.io-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROTOCOL_VERSION, type Ack, type ClientToServerEvents, type CreatedWorkshop, type HandshakeAuth, type Projection, type ServerToClientEvents, type Snapshot } from '../shared/protocol.ts';
import type { OptionResult, OrgKind, Participant } from '../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './helpers/clients.ts';
import { docxParagraphs } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

type Transport = 'websocket' | 'polling';

/** A socket that keeps every engine.io packet it was sent, as the text that came over the wire. */
class Observer {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly frames: string[] = [];
  readonly received: Array<{ name: string; payload: unknown }> = [];

  constructor(url: string, auth: Omit<HandshakeAuth, 'protocol'>, readonly name: string, transport: Transport) {
    this.socket = io(url, { auth: { protocol: PROTOCOL_VERSION, ...auth }, transports: [transport], forceNew: true, reconnection: false });
    this.socket.io.on('open', () => this.socket.io.engine.on('packet', (p) => this.frames.push(String(p.data ?? ''))));
    this.socket.onAny((name, payload) => this.received.push({ name, payload }));
  }

  /** The results of an activity in every projection it was sent, alone or in a snapshot. */
  results(activityId: string): OptionResult[][] {
    return this.received.flatMap(({ name, payload }) => {
      const projection = name === 'projection' ? (payload as Projection) : name === 'snapshot' ? (payload as Snapshot).projection : null;
      return projection?.results[activityId] ? [projection.results[activityId]] : [];
    });
  }

  get transport(): string | undefined {
    return this.socket.io.engine?.transport?.name;
  }
}

async function waitFor(check: () => boolean, what: string, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`never happened within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function must(c: TestClient, command: Record<string, unknown>) {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.message}`);
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
const of = (orgKind: OrgKind, organisation: string) => (name: string): Who => ({ name, organisation, orgKind });
const [kommun, region] = [of('kommun', 'Nybro kommun'), of('region', 'Region Kalmar län')];
const INGRID: Who = { name: 'Ingrid', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' };
const AREAS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa', 'Äldre'];

/** Who votes what (indexes into AREAS); the two phones that watch the raw traffic are among them. */
const PHONE_WS = kommun('Anna');
const PHONE_POLLING = region('Fatima');
const BALLOTS: Array<[Who, number[]]> = [
  [PHONE_WS, [0, 0, 1]],
  [kommun('Bertil'), [0, 2]],
  [kommun('Cecilia'), [1]],
  [PHONE_POLLING, [2, 2]],
  [region('Gustav'), [0]],
  [region('Hanna'), [1, 2]],
  [region('Ivar'), [3]],
  [INGRID, [2, 3, 3]],
];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  activityId: string;
  options: string[];
  clients: TestClient[];
  observers: Observer[];
}

const lone = suite<Ctx>('a lone brukarrepresentant’s dots over the wire and in the exports');

async function phone(ctx: Ctx, who: Who, transport: Transport): Promise<Observer> {
  const token = nanoid(24);
  const o = new Observer(ctx.srv.url, { workshopId: ctx.created.id, participantToken: token }, `${who.name}'s phone (${transport})`, transport);
  await new Promise<void>((resolve, reject) => {
    o.socket.once('snapshot', () => resolve());
    o.socket.once('connect_error', reject);
  });
  const ack = (await o.socket.timeout(5000).emitWithAck('join', { token, ...who })) as Ack<{ participant: Participant }>;
  if (!ack.ok) throw new Error(`join failed: ${ack.error}`);
  return o;
}

function projector(ctx: Ctx, transport: Transport, when: string): Observer {
  return new Observer(ctx.srv.url, { workshopId: ctx.created.id }, `projector ${when} (${transport})`, transport);
}

lone.before(async (ctx) => {
  ctx.srv = await startServer();
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län', agenda: [{ kind: 'prioritise', title: 'Vad ska vi prioritera?' }] });
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients = [f];
  const activity = f.state!.activities[0];
  ctx.activityId = activity.id;
  ctx.options = AREAS.map(() => `opt-${nanoid(10)}`);
  for (const [i, noteId] of ctx.options.entries())
    await must(f, { type: 'note.add', noteId, activityId: activity.id, columnId: activity.columns[0].id, text: AREAS[i] });
  await must(f, { type: 'voting.start', activityId: activity.id, dotsPerPerson: 3, maxPerOption: 3 });

  ctx.observers = [projector(ctx, 'websocket', 'in the room'), projector(ctx, 'polling', 'in the room')];
  const watching = new Map([
    [PHONE_WS, await phone(ctx, PHONE_WS, 'websocket')],
    [PHONE_POLLING, await phone(ctx, PHONE_POLLING, 'polling')],
  ]);
  ctx.observers.push(...watching.values());
  for (const [who, picks] of BALLOTS) {
    const watcher = watching.get(who);
    const c = watcher ? null : await participant(ctx.srv.url, ctx.created.id, who);
    if (c) ctx.clients.push(c);
    for (const o of picks) {
      const command = { id: nanoid(), type: 'vote.cast', activityId: activity.id, optionId: ctx.options[o], delta: 1 };
      const ack = c ? await c.command(command) : await watcher!.socket.timeout(5000).emitWithAck('command', command as never);
      assert.ok(ack.ok, `${who.name}'s dot: ${JSON.stringify(ack)}`);
    }
  }
  await must(f, { type: 'voting.close', activityId: activity.id });
  await must(f, { type: 'results.reveal', activityId: activity.id, revealed: true });
  await Promise.all(ctx.observers.map((o) => waitFor(() => o.results(ctx.activityId).length > 0, `${o.name} gets the results`)));
  // Projectors that come in after the reveal get the results with their first snapshot.
  const late = [projector(ctx, 'websocket', 'after the reveal'), projector(ctx, 'polling', 'after the reveal')];
  ctx.observers.push(...late);
  await Promise.all(late.map((o) => waitFor(() => o.results(ctx.activityId).length > 0, `${o.name} gets the results`)));
});

lone.after(async (ctx) => {
  ctx.observers.forEach((o) => o.socket.close());
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

lone('every phone and projector, over WebSocket and polling, gets the ranking without her kind’s figures', (ctx) => {
  for (const o of ctx.observers) {
    assert.is(o.transport, o.name.includes('polling') ? 'polling' : 'websocket', `${o.name} stayed on its transport`);
    const all = o.results(ctx.activityId).flat();
    assert.ok(all.length > 0, `${o.name} got results`);
    for (const r of all) {
      assert.is(r.byKind.brukarrepresentant, 'fewerThan3', `${o.name}: brukarrepresentant`);
      assert.is(r.byKind.kommun, 'withheld', `${o.name}: kommun, else the total less kommun and region would be hers`);
      assert.type(r.byKind.region, 'number', `${o.name}: the region's four voters keep their figures`);
    }
    const last = o.results(ctx.activityId).at(-1)!;
    assert.equal(last.map((r) => [r.total, r.byKind.region]), [[5, 3], [4, 1], [3, 1], [3, 1]], `${o.name}: the totals and the region's figures`);
  }
});

lone('the raw frames never carry a number for her kind or for kommun', (ctx) => {
  for (const o of ctx.observers) {
    const raw = o.frames.join('\n');
    assert.ok(/"region":\d/.test(raw), `${o.name}: the region's figures are in the frames, so a figure would be seen`);
    assert.not.ok(/"brukarrepresentant":\s*\d/.test(raw), `${o.name} received a figure for brukarrepresentant`);
    assert.not.ok(/"kommun":\s*\d/.test(raw), `${o.name} received a figure for kommun`);
  }
});

// --- the exports ----------------------------------------------------------------------------------

async function download(ctx: Ctx, format: string): Promise<Buffer> {
  const res = await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/summary.${format}`, {
    headers: { authorization: `Bearer ${ctx.created.facilitatorKey}` },
  });
  assert.is(res.status, 200, format);
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Every format's minutes put dots by kind in a table of their own (issue 16): the option, then one
 * column for each kind that voted (Annan, with none, is left out).
 */
function assertKindTable(format: string, head: string[], rows: string[][]) {
  assert.equal(head.slice(1), ['Kommun', 'Region', 'Brukarrepresentant'], `${format}: the kinds that voted`);
  assert.equal(
    rows.map((r) => r.slice(1)),
    AREAS.map((_, i) => ['redovisas inte', i === 0 ? '3' : '1', 'färre än 3']),
    `${format}: kommun and brukarrepresentant without figures`,
  );
}

lone('markdown: färre än 3 in her column, kommun not given, and why', async (ctx) => {
  const md = (await download(ctx, 'md')).toString('utf8');
  const table = (heading: string) => md.split(`${heading}\n\n`)[1].split('\n\n')[0].split('\n');
  const cells = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim());
  // The ranking has the totals only; the kinds follow in a table of their own, as in Word and print.
  assert.equal(cells(table('### Resultat')[0]), ['Placering', 'Alternativ', 'Prickar', 'Andel'], 'md: the ranking');
  const byKind = table('#### Per organisationstyp');
  assertKindTable('md', cells(byKind[0]), byKind.slice(2).map(cells));
  assert.ok(md.includes('färre än tre'), 'md: the reader is told why');
});

lone('html: färre än 3 in her column, kommun not given', async (ctx) => {
  const html = (await download(ctx, 'html')).toString('utf8');
  const table = /<table class="by-kind">([\s\S]*?)<\/table>/.exec(html)![1];
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, c]) => c));
  assertKindTable('html', rows[0], rows.slice(1));
});

lone('word: färre än 3 in her column, kommun not given', async (ctx) => {
  const texts = docxParagraphs(await download(ctx, 'docx')).map((p) => p.text);
  const start = texts.indexOf('Per organisationstyp') + 1;
  const row = (i: number) => texts.slice(start + 4 * i, start + 4 * (i + 1));
  assertKindTable('docx', row(0), AREAS.map((_, i) => row(i + 1)));
});

lone('json: the archive’s results have no figure for her kind or kommun', async (ctx) => {
  const text = (await download(ctx, 'json')).toString('utf8');
  assert.not.ok(/"brukarrepresentant":\s*\d/.test(text), 'json has a figure for brukarrepresentant');
  assert.not.ok(/"kommun":\s*\d/.test(text), 'json has a figure for kommun');
  const results = JSON.parse(text).results[ctx.activityId] as OptionResult[];
  assert.equal(results.map((r) => r.byKind), [
    { kommun: 'withheld', region: 3, brukarrepresentant: 'fewerThan3', annan: 0 },
    { kommun: 'withheld', region: 1, brukarrepresentant: 'fewerThan3', annan: 0 },
    { kommun: 'withheld', region: 1, brukarrepresentant: 'fewerThan3', annan: 0 },
    { kommun: 'withheld', region: 1, brukarrepresentant: 'fewerThan3', annan: 0 },
  ]);
});

lone('csv: the options with their totals only, nothing by kind', async (ctx) => {
  const text = (await download(ctx, 'csv')).toString('utf8');
  assert.not.ok(/brukarrepresentant/i.test(text), 'csv names the kind');
  for (const area of AREAS) assert.ok(text.includes(area), `csv lists ${area}`);
});

lone.run();

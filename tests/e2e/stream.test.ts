// One stream per viewer, seen on the wire (issue #13): a phone in Chromium, in the first of four
// breakout rooms, gets its own room's notes live while the other rooms write, and in a silent
// brainstorm and a dot vote it sees its own notes and dots, the hidden count and the revealed
// ranking while the others write and vote — and all the while it sends no `sync` and gets no
// `snapshot`, though its stream skips every seq it may not see. The other rooms' notes, the
// hidden notes and the others' dots never reach its WebSocket. The others are socket.io bots.
// Needs the built client (dist/client; `npm test` builds it first) and Debian's chromium.
import { nanoid } from 'nanoid';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import type { OrgKind } from '../../shared/workshop/model.ts';
import { browserTestsReady, clientDir, fillJoinForm, launchChromium, PHONE, rankingShown, SocketWire, composer } from '../helpers/browser.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ME = { name: 'Maria Lind', organisation: 'Vetlanda kommun', orgKind: 'kommun' } as const;

/** The seven others, by room (0 is the phone's). */
const OTHERS: Array<{ name: string; organisation: string; orgKind: OrgKind; room: number }> = [
  { name: 'Karin Holm', organisation: 'Region Jönköpings län', orgKind: 'region', room: 0 },
  { name: 'Erik Sjö', organisation: 'Eksjö kommun', orgKind: 'kommun', room: 1 },
  { name: 'Lena Dahl', organisation: 'Brukarrådet', orgKind: 'brukarrepresentant', room: 1 },
  { name: 'Omar Nilsson', organisation: 'Nässjö kommun', orgKind: 'kommun', room: 2 },
  { name: 'Sara Berg', organisation: 'Region Jönköpings län', orgKind: 'region', room: 2 },
  { name: 'Jonas Ek', organisation: 'Tranås kommun', orgKind: 'kommun', room: 3 },
  { name: 'Anja Lund', organisation: 'Funktionsrätt Jönköping', orgKind: 'brukarrepresentant', room: 3 },
];
const ROOMS = ['Höglandet norr', 'Höglandet söder', 'Vätterbygden', 'Finnveden'];
const ROOM_IDS = ['rum-norr', 'rum-soder', 'rum-vattern', 'rum-finnveden'];

const ROUNDS = 3;
/** A bot's note of a round: its text names who wrote it and where, so it is easy to search for. */
const roomNote = (who: number, round: number) => `Rum ${OTHERS[who].room + 1}: ${OTHERS[who].name} tänker ${round + 1}`;
const myRoomNote = (round: number) => `Maria i rum 1, tanke ${round + 1}`;
const silentNote = (who: number, round: number) => `Tyst lapp ${round + 1} från ${OTHERS[who].name}`;
const MY_SILENT = ['Marias tysta lapp om larmcentralen', 'Marias tysta lapp om IT-stödet'];
/** What the phone may never receive: the other rooms' notes while open, the others' silent notes while hidden. */
const ELSEWHERE = OTHERS.flatMap((who, i) => (who.room === 0 ? [] : Array.from({ length: ROUNDS }, (_, r) => roomNote(i, r))));
const HIDDEN = OTHERS.flatMap((_, i) => MY_SILENT.map((_, r) => silentNote(i, r)));

const OPTION_IDS = ['option-hemsjukvard', 'option-larmcentral', 'option-it', 'option-utbildning'];
const OPTIONS = ['Samordnad hemsjukvård', 'Gemensam larmcentral', 'Delad IT-plattform', 'Fler gemensamma utbildningar'];
/** Three dots each (at most two per option), by option index, one dot per round. */
const MY_DOTS = [0, 0, 1];
const BOT_DOTS = [[0, 1, 2], [0, 2, 2], [1, 1, 3], [0, 3, 2], [0, 1, 2], [2, 3, 0], [1, 0, 2]];
/** After the phone's last dot, the last of the others moves a dot from the second option to the fourth. */
const LATE_MOVE = { who: BOT_DOTS.length - 1, from: 1, to: 3 };
/** 8, 7, 5, 4 dots. */
const RANKING = [
  { option: OPTIONS[0], count: '8 prickar', rank: '1' },
  { option: OPTIONS[2], count: '7 prickar', rank: '2' },
  { option: OPTIONS[1], count: '5 prickar', rank: '3' },
  { option: OPTIONS[3], count: '4 prickar', rank: '4' },
];

interface Watch {
  from: number;
  ws: WebSocket;
}

interface Ctx {
  srv: TestServer;
  browser: Browser;
  phone: Page;
  wire: SocketWire;
  pageErrors: string[];
  workshop: CreatedWorkshop;
  facilitator: TestClient;
  others: TestClient[];
  myId: string;
  activities: { rooms: string; silent: string; vote: string };
  /** What the phone's wire has seen since the rooms opened, and the WebSocket it was on. */
  rooms: Watch;
  /** What the phone's wire has seen since the vote started. */
  voting: Watch;
  /** The frame where the breakout closed: before it, no other room's note may arrive. */
  roomsClosedAt: number;
  /** The frame where the silent brainstorm was revealed: before it, no one else's hidden note. */
  revealedAt: number;
}

const story = suite<Ctx>('one stream per viewer: a phone never resyncs for what it may not see');

const board = (page: Page) => page.getByTestId('participant-board');
const noteOn = (page: Page, text: string) => board(page).getByTestId('note').filter({ hasText: text });
const option = (page: Page, i: number) => page.getByTestId('vote-option').filter({ hasText: OPTIONS[i] });
const dotsLeft = (page: Page, n: number) => page.getByTestId('dots-left').filter({ hasText: `Prickar kvar: ${n}` }).waitFor();
/** How many dots a ballot holds. */
const dotsOf = (ballot: Record<string, number> = {}) => Object.values(ballot).reduce((a, b) => a + b, 0);
/** Time for a sync the phone might send, and its snapshot, to cross the wire. */
const settle = (ctx: Ctx) => ctx.phone.waitForTimeout(300);

/** The phone's one open Socket.IO WebSocket; fails if it has two or ever fell back to polling. */
function onWebSocket(ctx: Ctx): WebSocket {
  const open = ctx.wire.openSockets();
  assert.is(open.length, 1, `the phone has one open Socket.IO WebSocket (${ctx.wire.sockets.length} opened in all)`);
  assert.is(ctx.wire.pollingRequests, 0, 'and never fell back to long-polling');
  return open[0];
}

/** Start watching: the phone is on its WebSocket and has applied everything so far. */
function watch(ctx: Ctx): Watch {
  return { from: ctx.wire.mark(), ws: onWebSocket(ctx) };
}

/** Nothing since watching began asked for or brought a whole new picture. */
function assertNoResync(ctx: Ctx, watched: Watch, what: string) {
  const heads = ctx.wire.frames
    .slice(watched.from)
    .filter((f) => f.name === 'snapshot' || f.name === 'sync')
    .map((f) => `${f.dir} ${f.text.slice(0, 40)}`);
  assert.is(ctx.wire.count('sent', 'sync', watched.from), 0, `${what}: the phone sent no sync (${heads.join(' | ')})`);
  assert.is(ctx.wire.count('received', 'snapshot', watched.from), 0, `${what}: the phone got no snapshot (${heads.join(' | ')})`);
  assert.is(onWebSocket(ctx), watched.ws, `${what}: on the same WebSocket throughout`);
}

/** The seq the phone had reached when watching began: its last event or snapshot before `from`. */
function seqAt(ctx: Ctx, from: number): number {
  const received = ctx.wire.frames.slice(0, from).filter((f) => f.dir === 'received');
  for (const frame of received.reverse()) {
    if (frame.name === 'events') return (frame.args[0] as Array<{ seq: number }>).at(-1)!.seq;
    if (frame.name === 'snapshot') return (frame.args[0] as { workshop: { seq: number } }).workshop.seq;
  }
  throw new Error('the phone had no state yet');
}

/** The phone's stream since `from` is in order and skips seqs: events it may not see were left out. */
function assertGapsSkipped(ctx: Ctx, from: number) {
  const received = ctx.wire.events(from).map((e) => e.seq);
  assert.ok(received.length > 0, 'the phone received events');
  const seqs = [seqAt(ctx, from), ...received];
  assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), `in ascending seq: ${seqs.join(',')}`);
  assert.ok(seqs.some((s, i) => i > 0 && s > seqs[i - 1] + 1), `with gaps where others wrote: ${seqs.join(',')}`);
}

async function post(page: Page, text: string) {
  await (await composer(page)).fill(text);
  await page.getByTestId('note-submit').click();
  await noteOn(page, text).waitFor();
}

async function botNote(bot: TestClient, activityId: string, text: string) {
  const ack = await bot.command({ type: 'note.add', noteId: nanoid(), activityId, columnId: 'q1', text });
  assert.ok(ack.ok, `${bot.participant?.name}'s note is stored: ${JSON.stringify(ack)}`);
}

async function command(ctx: Ctx, input: Record<string, unknown>) {
  const ack = await ctx.facilitator.command(input);
  assert.ok(ack.ok, `${input.type} accepted: ${JSON.stringify(ack)}`);
}

const textsOf = (ctx: Ctx, activityId: string) =>
  Object.values(ctx.facilitator.state?.notes ?? {}).filter((n) => n.activityId === activityId).map((n) => n.text);

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.pageErrors = [];
  ctx.others = [];
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, {
    title: 'Samverkan på Höglandet',
    agenda: [
      { kind: 'brainstorm', title: 'Vad fungerar redan?' },
      { kind: 'brainstorm', title: 'Tyst brainstorm: vad saknas?' },
      { kind: 'prioritise', title: 'Vad gör vi först?' },
    ],
  });
  ctx.facilitator = await facilitator(ctx.srv.url, ctx.workshop);
  const [rooms, silent, vote] = ctx.facilitator.state!.activities.map((a) => a.id);
  ctx.activities = { rooms, silent, vote };
  ctx.browser = await launchChromium();
  ctx.phone = await (await ctx.browser.newContext(PHONE)).newPage();
  ctx.phone.setDefaultTimeout(10_000);
  ctx.phone.on('pageerror', (err) => ctx.pageErrors.push(err.message));
  ctx.wire = new SocketWire(ctx.phone);
});

story.after(async (ctx) => {
  for (const bot of ctx.others ?? []) bot.close();
  ctx.facilitator?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('a phone joins with the code; seven colleagues join from their laptops', async (ctx) => {
  await ctx.phone.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await fillJoinForm(ctx.phone, ME);
  await ctx.phone.getByTestId('composer-open').waitFor();
  for (const who of OTHERS) ctx.others.push(await participant(ctx.srv.url, ctx.workshop.id, who));
  const state = await ctx.facilitator.until((s) => Object.keys(s.participants).length === OTHERS.length + 1);
  ctx.myId = Object.values(state.participants).find((p) => p.name === ME.name)!.id;
  // The tap works: the join brought the phone its first snapshot.
  assert.ok(ctx.wire.count('received', 'snapshot') >= 1, 'the phone got a snapshot when it joined');
  onWebSocket(ctx);
});

story('the facilitator opens four breakout rooms; the phone shares the first with one colleague', async (ctx) => {
  const members = ROOM_IDS.map((_, r) => [
    ...(r === 0 ? [ctx.myId] : []),
    ...ctx.others.filter((_, i) => OTHERS[i].room === r).map((bot) => bot.participant!.id),
  ]);
  await command(ctx, {
    type: 'breakout.open',
    activityId: ctx.activities.rooms,
    assignment: 'manual',
    rooms: ROOM_IDS.map((id, r) => ({ id, name: ROOMS[r], members: members[r] })),
  });
  await ctx.phone.getByTestId('my-room-name').filter({ hasText: ROOMS[0] }).waitFor();
  ctx.rooms = watch(ctx);
});

story('in its room the phone gets its colleague’s notes live while three other rooms write, and never resyncs', async (ctx) => {
  const { rooms } = ctx.activities;
  const roommate = ctx.others[0];
  for (let round = 0; round < ROUNDS; round++) {
    // The other rooms write first, so that what the phone sees next comes after a gap in seq.
    await Promise.all(ctx.others.map((bot, i) => (OTHERS[i].room === 0 ? null : botNote(bot, rooms, roomNote(i, round)))));
    await botNote(roommate, rooms, roomNote(0, round));
    await noteOn(ctx.phone, roomNote(0, round)).waitFor();
    await post(ctx.phone, myRoomNote(round));
  }
  await ctx.facilitator.until((s) => Object.keys(s.notes).length === OTHERS.length * ROUNDS + ROUNDS);
  await ctx.facilitator.until((s) => Object.values(s.notes).some((n) => n.text === myRoomNote(ROUNDS - 1)));
  await settle(ctx);

  for (let round = 0; round < ROUNDS; round++) {
    assert.is(await noteOn(ctx.phone, roomNote(0, round)).count(), 1, `the colleague's note ${round + 1} is on the phone`);
    assert.is(await noteOn(ctx.phone, myRoomNote(round)).count(), 1, `the phone's own note ${round + 1} is on it`);
  }
  assert.is(await board(ctx.phone).getByTestId('note').count(), 2 * ROUNDS, 'and no other note');
  assertGapsSkipped(ctx, ctx.rooms.from);
  assertNoResync(ctx, ctx.rooms, 'in breakout rooms');
});

story('no note of another room ever reaches the phone’s WebSocket while the rooms are open', async (ctx) => {
  assert.is(textsOf(ctx, ctx.activities.rooms).filter((t) => ELSEWHERE.includes(t)).length, ELSEWHERE.length, 'they were all stored');
  const leaked = ctx.wire.carrying(ELSEWHERE);
  assert.equal(leaked.map((f) => f.text.slice(0, 80)), [], 'no frame carries them');
  assert.ok(ctx.wire.carrying([roomNote(0, 0)]).length > 0, 'while the own room’s notes did arrive (the search works)');
});

story('closing the rooms and making the next brainstorm silent each send the phone a snapshot, and the tap sees them', async (ctx) => {
  const from = ctx.wire.mark();
  ctx.roomsClosedAt = from;
  await command(ctx, { type: 'breakout.close', activityId: ctx.activities.rooms });
  await ctx.phone.getByTestId('report-back').waitFor();
  await command(ctx, { type: 'activity.focus', activityId: ctx.activities.silent });
  await command(ctx, { type: 'activity.update', activityId: ctx.activities.silent, hidden: true });
  await ctx.phone.getByTestId('hidden-notice').waitFor();
  await ctx.phone.getByTestId('hidden-count').filter({ hasText: '0 lappar inlämnade' }).waitFor();
  assert.ok(ctx.wire.count('received', 'snapshot', from) >= 2, 'the report-back and the silence each brought one');
});

story('in the silent brainstorm the phone sees its own notes and how many came in, with no sync and no snapshot', async (ctx) => {
  const { silent } = ctx.activities;
  await settle(ctx);
  const watched = watch(ctx);
  for (const [round, mine] of MY_SILENT.entries()) {
    await Promise.all(ctx.others.map((bot, i) => botNote(bot, silent, silentNote(i, round))));
    await post(ctx.phone, mine);
    await ctx.facilitator.until((s) => Object.values(s.notes).some((n) => n.text === mine));
  }
  const total = (OTHERS.length + 1) * MY_SILENT.length;
  await ctx.phone.getByTestId('hidden-count').filter({ hasText: `${total} lappar inlämnade` }).waitFor();
  await settle(ctx);

  const shown = await board(ctx.phone).getByTestId('note').allInnerTexts();
  assert.is(shown.length, MY_SILENT.length, `only the phone's own notes are on it: ${shown.join(' | ')}`);
  for (const mine of MY_SILENT) assert.is(await noteOn(ctx.phone, mine).count(), 1, `"${mine}" is on the phone`);
  assertGapsSkipped(ctx, watched.from);
  assertNoResync(ctx, watched, 'in a silent brainstorm');
  assert.equal(ctx.wire.carrying(HIDDEN).map((f) => f.text.slice(0, 80)), [], 'no one else’s hidden note reaches the phone');
});

story('revealing the silent brainstorm brings everyone’s notes to the phone', async (ctx) => {
  ctx.revealedAt = ctx.wire.mark();
  await command(ctx, { type: 'activity.update', activityId: ctx.activities.silent, hidden: false });
  await ctx.phone.getByTestId('hidden-notice').waitFor({ state: 'detached' });
  for (const [i] of OTHERS.entries()) await noteOn(ctx.phone, silentNote(i, 1)).waitFor();
  assert.is(await board(ctx.phone).getByTestId('note').count(), (OTHERS.length + 1) * MY_SILENT.length, 'every note, once');
});

story('the facilitator starts a dot vote over four options, results hidden until revealed', async (ctx) => {
  const { vote } = ctx.activities;
  for (const [i, text] of OPTIONS.entries())
    await command(ctx, { type: 'note.add', noteId: OPTION_IDS[i], activityId: vote, columnId: 'options', text });
  await command(ctx, { type: 'activity.focus', activityId: vote });
  await command(ctx, { type: 'voting.start', activityId: vote, dotsPerPerson: 3, maxPerOption: 2, live: false });
  await dotsLeft(ctx.phone, 3);
  await settle(ctx);
  ctx.voting = watch(ctx);
});

story('the phone places its dots while the others vote: it sees its own dots, no counts, and never resyncs', async (ctx) => {
  const { vote } = ctx.activities;
  const dots = (OTHERS.length + 1) * MY_DOTS.length;
  for (let round = 0; round < MY_DOTS.length; round++) {
    await Promise.all(
      ctx.others.map(async (bot, i) => {
        const ack = await bot.command({ type: 'vote.cast', activityId: vote, optionId: OPTION_IDS[BOT_DOTS[i][round]], delta: 1 });
        assert.ok(ack.ok, `${OTHERS[i].name}'s dot counts: ${JSON.stringify(ack)}`);
      }),
    );
    await option(ctx.phone, MY_DOTS[round]).getByTestId('vote-add').tap();
    await dotsLeft(ctx.phone, MY_DOTS.length - round - 1);
    // The dot shows at once; the next round waits until the server has it too.
    await ctx.facilitator.until((s) => dotsOf(s.ballots[vote]?.[ctx.myId]) === round + 1);
  }
  await ctx.facilitator.until((s) => Object.values(s.ballots[vote] ?? {}).map(dotsOf).reduce((a, b) => a + b, 0) === dots);
  await settle(ctx);

  const mine = async (i: number) => option(ctx.phone, i).getByTestId('my-dots').getAttribute('data-dots');
  assert.equal([await mine(0), await mine(1), await mine(2), await mine(3)], ['2', '1', '0', '0'], 'the phone shows its own dots, no one else’s');
  assert.is(await ctx.phone.getByTestId('results').count(), 0, 'and no counts before the reveal');
  assertGapsSkipped(ctx, ctx.voting.from);
  assertNoResync(ctx, ctx.voting, 'while others vote');
});

story('someone moves a dot at the last minute; the vote closes and the phone shows the revealed ranking, still without resyncing', async (ctx) => {
  const { vote } = ctx.activities;
  const watched = watch(ctx);
  const late = ctx.others[LATE_MOVE.who];
  for (const [optionId, delta] of [[OPTION_IDS[LATE_MOVE.from], -1], [OPTION_IDS[LATE_MOVE.to], 1]] as const) {
    const ack = await late.command({ type: 'vote.cast', activityId: vote, optionId, delta });
    assert.ok(ack.ok, `${OTHERS[LATE_MOVE.who].name} moves a dot: ${JSON.stringify(ack)}`);
  }
  await command(ctx, { type: 'voting.close', activityId: vote });
  await ctx.phone.getByTestId('voting-closed').waitFor();
  await command(ctx, { type: 'results.reveal', activityId: vote, revealed: true });
  await ctx.phone.getByTestId('results').getByTestId('result-count').filter({ hasText: RANKING[0].count }).waitFor();
  await settle(ctx);
  assert.equal(await rankingShown(ctx.phone), RANKING, 'the phone shows the ranking');
  assertGapsSkipped(ctx, watched.from);
  assertNoResync(ctx, watched, 'from the last dot to the results');
  assertNoResync(ctx, ctx.voting, 'from the vote’s start to its results');
});

story('no one else’s dots ever reached the phone, only its own', async (ctx) => {
  const casts = ctx.wire.events(ctx.voting.from).flatMap(({ event }) => (event.type === 'vote.cast' ? [event] : []));
  assert.is(casts.length, MY_DOTS.length, 'the phone got its own dots back');
  assert.equal(casts.filter((e) => e.participantId !== ctx.myId), [], 'and nobody else’s');
});

story('over the whole session: no other room’s note, no hidden note, no page error', async (ctx) => {
  assert.equal(ctx.wire.carrying(ELSEWHERE, ctx.roomsClosedAt).length, 0, 'no other room’s note before the rooms closed');
  assert.equal(ctx.wire.carrying(HIDDEN, ctx.revealedAt).length, 0, 'no hidden note before the reveal');
  assert.is(ctx.wire.count('sent', 'sync'), 0, 'the phone never sent a sync');
  onWebSocket(ctx);
  assert.equal(ctx.pageErrors, []);
});

story.run();

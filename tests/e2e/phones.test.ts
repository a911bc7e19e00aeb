// A whole workshop on phones, everything through the UI: a facilitator on a laptop creates it at
// /new, three participants join on their phones with the code, write a SWOT in two breakout
// rooms — one of them loses the network for 30 s while writing and their notes arrive exactly
// once — the report-back shows every room, a prioritisation is voted on the phones and revealed,
// and the Word summary holds a note from each room. A socket.io facilitator client folds the
// state to count the notes exactly. Nothing leaves the machine.
// Needs the built client (dist/client; `npm test` builds it first) and Debian's chromium.
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sequenced } from '../../shared/workshop/events.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import { TestClient } from '../helpers/clients.ts';
import { docxParagraphs, unzip } from '../helpers/readers.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, recordRequests, requestsLeaving, fillJoinForm, rankingShown, composer } from '../helpers/browser.ts';

const TITLE = 'LGS Jönköpings län – samverkan';
const ROOMS = ['Grupp 1', 'Grupp 2'];
const UNSAVED = 'Inte sparad än';
const OFFLINE_MS = 30_000;

/** Who joins, their room (by index) and the SWOT notes they write there. */
const PEOPLE = [
  { name: 'Anna Andersson', organisation: 'Jönköpings kommun', orgKind: 'kommun', room: 0, column: 's', notes: ['Korta beslutsvägar mellan förvaltningarna'] },
  { name: 'Bo Berg', organisation: 'Region Jönköpings län', orgKind: 'region', room: 1, column: 'o', notes: ['Gemensam journal för hemsjukvården'] },
  {
    name: 'Cecilia Ek',
    organisation: 'Brukarrådet',
    orgKind: 'brukarrepresentant',
    room: 0,
    column: 'w',
    notes: ['Skrivet utan täckning 1: långa väntetider', 'Skrivet utan täckning 2: svårt att nå rätt person', 'Skrivet utan täckning 3: olika IT-system'],
  },
] as const;
/** Cecilia is the one whose phone loses the network. */
const OFFLINE = PEOPLE[2];
const ALL_NOTES = PEOPLE.flatMap((p) => p.notes);

const QUESTION = 'Vad ska vi prioritera i höst?';
const OPTIONS = ['Nära vård', 'Barn och unga', 'Kompetensförsörjning'];
/** Two dots each: Nära vård 3, Barn och unga 2, Kompetensförsörjning 1. */
const VOTES = [['Nära vård', 'Nära vård'], ['Nära vård', 'Barn och unga'], ['Barn och unga', 'Kompetensförsörjning']];
const RANKING = [
  { option: 'Nära vård', count: '3 prickar', rank: '1' },
  { option: 'Barn och unga', count: '2 prickar', rank: '2' },
  { option: 'Kompetensförsörjning', count: '1 prick', rank: '3' },
];

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  facilitator: Page;
  phoneContexts: BrowserContext[];
  phones: Page[];
  /** The join code as the invite panel shows it ("1234 5678"). */
  joinCode: string;
  /** A socket.io facilitator client that folds the state, with the key the UI was given. */
  watcher: TestClient;
  requests: string[];
  pageErrors: string[];
}

const story = suite<Ctx>('a whole workshop on three phones');

const board = (page: Page) => page.getByTestId('facilitator-board');

/** The phone's own notes with this text. */
const phoneNote = (page: Page, text: string) => page.getByTestId('participant-board').getByTestId('note').filter({ hasText: text });

/** Notes with exactly this text in the folded state. */
const copies = (state: Workshop | null, text: string) => Object.values(state?.notes ?? {}).filter((n) => n.text === text).length;

/** Seqs of the note.added events with this text the watcher received, raw: a duplicate shows here. */
const addedSeqs = (ctx: Ctx, text: string) =>
  ctx.watcher.received
    .filter((r) => r.name === 'events')
    .flatMap((r) => r.payload as Sequenced[])
    .filter(({ event }) => event.type === 'note.added' && event.note.text === text)
    .map(({ seq }) => seq);

async function post(page: Page, column: string, text: string) {
  const input = await composer(page);
  await page.getByTestId('note-column').selectOption(column);
  await input.fill(text);
  await page.getByTestId('note-submit').click();
  await phoneNote(page, text).waitFor();
}

function overviewRoom(page: Page, name: string) {
  return page
    .getByTestId('breakout-overview')
    .getByTestId('overview-room')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

async function dotsLeft(page: Page, n: number) {
  await page.getByTestId('dots-left').filter({ hasText: `Prickar kvar: ${n}` }).waitFor();
}

async function ranking(page: Page) {
  await page.getByTestId('results').getByTestId('result-count').filter({ hasText: RANKING[0].count }).waitFor();
  return rankingShown(page);
}

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.pageErrors = [];
  ctx.srv = await startServer({ clientDir });
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext({ ...LAPTOP, acceptDownloads: true });
  recordRequests(ctx.laptop, ctx.requests);
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.phoneContexts = [];
  ctx.phones = [];
  for (let i = 0; i < PEOPLE.length; i++) {
    const context = await ctx.browser.newContext(PHONE);
    recordRequests(context, ctx.requests);
    ctx.phoneContexts.push(context);
    ctx.phones.push(await context.newPage());
  }
  for (const page of [ctx.facilitator, ...ctx.phones]) {
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => ctx.pageErrors.push(err.message));
  }
});

story.after(async (ctx) => {
  ctx.watcher?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the facilitator creates the workshop on the laptop', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/new`);
  await page.getByTestId('create-title').fill(TITLE);
  await page.getByTestId('create-submit').click();
  await page.waitForURL(/\/f\/[A-Za-z0-9_-]+#.+/);
  await page.waitForFunction(
    () => /^\d{4} \d{4}$/.test(document.querySelector('[data-testid="join-code-display"]')?.textContent?.trim() ?? ''),
  );
  ctx.joinCode = (await page.getByTestId('join-code-display').textContent())!.trim();
  await board(page).getByRole('heading', { name: 'Styrkor' }).waitFor();

  // The same facilitator, as a socket that folds every event, from the link the UI landed on.
  const url = new URL(page.url());
  const workshopId = url.pathname.split('/').at(-1)!;
  ctx.watcher = new TestClient(ctx.srv.url, { workshopId, facilitatorKey: decodeURIComponent(url.hash.slice(1)) });
  await ctx.watcher.connected();
  assert.is(ctx.watcher.state?.title, TITLE);
});

story('three participants join on their phones with the code', async (ctx) => {
  for (const [i, who] of PEOPLE.entries()) {
    const page = ctx.phones[i];
    await page.goto(`${ctx.srv.url}/`);
    await page.getByTestId('join-code').fill(ctx.joinCode);
    await page.getByTestId('join-code').press('Enter');
    await page.waitForURL(new RegExp(`/j/${ctx.joinCode.replace(' ', '')}$`));
    await fillJoinForm(page, who);
    await page.getByTestId('composer-open').waitFor();
    await ctx.facilitator.getByTestId('participant').filter({ hasText: who.name }).waitFor();
  }
  await ctx.watcher.until((s) => Object.keys(s.participants).length === PEOPLE.length);
});

story('the facilitator opens two breakout rooms for the SWOT', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('plan-breakout').click();
  const planner = page.getByTestId('breakout-planner');
  await planner.getByTestId('assignment-manual').check();
  const unplaced = planner.getByTestId('unplaced');
  for (const who of PEOPLE)
    await unplaced.getByTestId('person').filter({ hasText: who.name }).getByTestId('person-room').selectOption(String(who.room));
  assert.is(await planner.getByTestId('preview-room').count(), ROOMS.length, 'two rooms');
  await planner.getByTestId('open-rooms').click();
  for (const who of PEOPLE)
    await overviewRoom(page, ROOMS[who.room]).getByTestId('person').filter({ hasText: who.name }).waitFor();
  for (const [i, who] of PEOPLE.entries()) await ctx.phones[i].getByTestId('my-room-name').filter({ hasText: ROOMS[who.room] }).waitFor();
});

story('a phone loses the network for 30 s while writing; its notes wait as unsaved, the others post', async (ctx) => {
  const i = PEOPLE.indexOf(OFFLINE);
  const page = ctx.phones[i];
  const started = Date.now();
  await ctx.phoneContexts[i].setOffline(true);
  await page.locator('[data-testid="connection"][data-status="offline"]').waitFor();
  // Three notes spread over the half minute without network, the others writing meanwhile.
  for (const [n, text] of OFFLINE.notes.entries()) {
    await page.waitForTimeout(Math.max(0, started + n * 10_000 - Date.now()));
    await post(page, OFFLINE.column, text);
    await phoneNote(page, text).getByText(UNSAVED).waitFor();
    if (n === 0)
      for (const [j, who] of PEOPLE.entries()) if (who !== OFFLINE) for (const text of who.notes) await post(ctx.phones[j], who.column, text);
  }
  await page.getByTestId('connection').getByText('3 osparade ändringar').waitFor();
  assert.is(await page.getByText(UNSAVED).count(), OFFLINE.notes.length, 'each offline note is marked unsaved');
  await ctx.watcher.until((s) => PEOPLE.every((who) => who === OFFLINE || who.notes.every((t) => copies(s, t) === 1)));
  assert.equal(OFFLINE.notes.map((t) => copies(ctx.watcher.state, t)), [0, 0, 0], 'nothing reached the server while offline');

  await page.waitForTimeout(Math.max(0, started + OFFLINE_MS - Date.now()));
  await ctx.phoneContexts[i].setOffline(false);
  await page.locator('[data-testid="connection"][data-status="online"]').waitFor({ state: 'attached' });
  await page.getByText(UNSAVED).first().waitFor({ state: 'detached' });
  await page.waitForFunction(() => !Object.keys(localStorage).some((key) => key.startsWith('verkstad:outbox:')));
});

story('every note arrived exactly once: the phone, the facilitator page and the folded state agree', async (ctx) => {
  const state = await ctx.watcher.until((s) => ALL_NOTES.every((t) => copies(s, t) >= 1), 8000);
  for (const text of ALL_NOTES) {
    assert.is(copies(state, text), 1, `one "${text}" in the state`);
    assert.is(addedSeqs(ctx, text).length, 1, `"${text}" added exactly once`);
  }
  assert.is(Object.keys(state.notes).length, ALL_NOTES.length, 'no other note');
  const offlinePage = ctx.phones[PEOPLE.indexOf(OFFLINE)];
  for (const text of OFFLINE.notes) assert.is(await phoneNote(offlinePage, text).count(), 1, `one "${text}" on the phone`);
  for (const [r, room] of ROOMS.entries()) {
    const n = PEOPLE.filter((p) => p.room === r).reduce((sum, p) => sum + p.notes.length, 0);
    await overviewRoom(ctx.facilitator, room).getByTestId('room-note-count').filter({ hasText: n === 1 ? '1 lapp' : `${n} lappar` }).waitFor();
  }
});

story('closing the rooms shows every room’s notes in the report-back, once each', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('close-rooms').click();
  await page.getByTestId('close-rooms-confirm').click();
  for (const screen of [page, ...ctx.phones]) {
    const rooms = screen.getByTestId('report-back').getByTestId('report-room');
    for (const who of PEOPLE)
      for (const text of who.notes) {
        const room = rooms.filter({ has: screen.getByRole('heading', { name: ROOMS[who.room], exact: true }) });
        await room.getByTestId('note').filter({ hasText: text }).waitFor();
        assert.is(await rooms.getByTestId('note').filter({ hasText: text }).count(), 1, `"${text}" once, in its room`);
      }
    assert.is(await rooms.count(), ROOMS.length, 'one box per room');
  }
});

story('the facilitator types the options of a prioritisation and shows it', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('add-kind').selectOption('prioritise');
  await page.getByLabel('Rubrik (frivillig)').fill(QUESTION);
  await page.getByTestId('add-activity').click();
  await board(page).getByRole('heading', { name: QUESTION }).waitFor();
  for (const text of OPTIONS) {
    await board(page).getByTestId('note-input').fill(text);
    await board(page).getByRole('button', { name: 'Lägg till alternativ' }).click();
    await board(page).getByTestId('note').filter({ hasText: text }).waitFor();
  }
  await page.getByTestId('focus').click();
  await page.getByTestId('unfocus').waitFor();
  await page.getByTestId('voting-dots').fill('2');
  await page.getByTestId('voting-max').fill('2');
  await page.getByTestId('voting-hidden').check();
  await page.getByTestId('voting-start').click();
  await page.getByTestId('voting-state').filter({ hasText: 'Röstningen är öppen' }).waitFor();
});

story('the phones vote with the + buttons; nobody sees a count before the reveal', async (ctx) => {
  for (const [i, votes] of VOTES.entries()) {
    const page = ctx.phones[i];
    await page.getByTestId('participant-board').getByRole('heading', { name: QUESTION }).waitFor();
    await dotsLeft(page, 2);
    for (const [n, text] of votes.entries()) {
      await page.getByTestId('vote-option').filter({ hasText: text }).getByTestId('vote-add').tap();
      await dotsLeft(page, 1 - n);
    }
  }
  await ctx.facilitator.getByTestId('voting-progress').filter({ hasText: '3 av 3 deltagare har röstat · 6 av 6 prickar' }).waitFor();
  for (const page of ctx.phones) assert.is(await page.getByTestId('results').count(), 0, 'no results before the reveal');
});

story('the facilitator closes and reveals; phones and facilitator see the same ranking', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('voting-close').click();
  for (const phone of ctx.phones) await phone.getByTestId('voting-closed').waitFor();
  await page.getByTestId('voting-reveal').click();
  assert.equal(await ranking(page), RANKING, 'the facilitator');
  for (const phone of ctx.phones) assert.equal(await ranking(phone), RANKING, 'a phone');
});

story('the Word summary downloads and holds a note from each room', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('open-summary').click();
  const dialog = page.getByTestId('summary-dialog');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('download-docx').click()]);
  assert.match(download.suggestedFilename(), /\.docx$/);
  const bytes = await readFile((await download.path())!);
  assert.equal([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a zip (PK) file');
  assert.ok(unzip(bytes).has('word/document.xml'), 'with word/document.xml');
  const text = docxParagraphs(bytes).map((p) => p.text);
  for (const [r, room] of ROOMS.entries()) {
    const from = PEOPLE.filter((p) => p.room === r).flatMap((p) => p.notes);
    assert.ok(text.some((t) => t.includes(room)), `${room} is named`);
    assert.ok(from.every((note) => text.some((t) => t.includes(note))), `the notes of ${room} are there`);
  }
  for (const option of OPTIONS) assert.ok(text.some((t) => t.includes(option)), `the option ${option}`);
});

story('no request leaves the machine, and no page threw', async (ctx) => {
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
  assert.equal(ctx.pageErrors, []);
});

story.run();

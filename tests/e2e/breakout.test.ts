// Breakout rooms in a real browser: a facilitator on a laptop splits two phone participants into
// two rooms, each posts in their own room and never sees the other room's note, a message
// reaches both phones, and after closing the report-back shows both rooms side by side on the
// facilitator's page, the projector and both phones. Nothing leaves the machine.
// Needs the built client (dist/client; `npm test` builds it first) and Debian's chromium.
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, requestsLeaving, recordRequests, fillJoinForm, composer } from '../helpers/browser.ts';


const ANNA = { name: 'Anna Andersson', organisation: 'Skellefteå kommun', orgKind: 'kommun', note: 'Gemensam bemanning över kommungränsen' };
const BO = { name: 'Bo Berg', organisation: 'Region Västerbotten', orgKind: 'region', note: 'Digitala vårdmöten i glesbygd' };
const ROOM_A = 'Skellefteå/Norsjö';
const ROOM_B = 'Grupp 2';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  facilitator: Page;
  projector: Page;
  anna: Page;
  bo: Page;
  workshop: CreatedWorkshop;
  /** Every URL any page asked for (HTTP and WebSocket). */
  requests: string[];
}

const story = suite<Ctx>('breakout rooms in the browser');

async function phone(ctx: Ctx): Promise<Page> {
  const context = await ctx.browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'sv-SE',
  });
  recordRequests(context, ctx.requests);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

async function joinAs(ctx: Ctx, page: Page, who: typeof ANNA) {
  await page.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await fillJoinForm(page, who);
  await page.getByTestId('composer-open').waitFor();
}

async function post(page: Page, text: string) {
  await (await composer(page)).fill(text);
  await page.getByTestId('note-submit').click();
  await page.getByTestId('note').filter({ hasText: text }).waitFor();
}

/** The report-back's room boxes in order, each checked to hold its own note and not the other's. */
async function reportRooms(page: Page): Promise<Locator[]> {
  const report = page.getByTestId('report-back');
  await report.waitFor();
  const rooms = report.getByTestId('report-room');
  await rooms.filter({ hasText: ANNA.note }).getByTestId('note').filter({ hasText: ANNA.note }).waitFor();
  await rooms.filter({ hasText: BO.note }).getByTestId('note').filter({ hasText: BO.note }).waitFor();
  assert.is(await rooms.count(), 2, 'one box per room');
  const a = rooms.filter({ has: page.getByRole('heading', { name: ROOM_A, exact: true }) });
  const b = rooms.filter({ has: page.getByRole('heading', { name: ROOM_B, exact: true }) });
  assert.is(await a.getByText(BO.note).count(), 0, `${ROOM_A} does not show the other room's note`);
  assert.is(await b.getByText(ANNA.note).count(), 0, `${ROOM_B} does not show the other room's note`);
  assert.ok(await a.getByText(ANNA.note).count(), `${ROOM_A} shows its own note`);
  assert.ok(await b.getByText(BO.note).count(), `${ROOM_B} shows its own note`);
  return [a, b];
}

/** A room of the facilitator's live overview, found by its heading (its lists name every room). */
function overviewRoom(page: Page, name: string): Locator {
  return page
    .getByTestId('breakout-overview')
    .getByTestId('overview-room')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  assert.ok(b, 'the room box is on the page');
  return b!;
}

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.srv = await startServer({ clientDir });
  const res = await fetch(`${ctx.srv.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'LGS Västerbotten', agenda: 'lgs' }),
  });
  assert.is(res.status, 201, 'the workshop is created');
  ctx.workshop = (await res.json()) as CreatedWorkshop;
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'sv-SE' });
  recordRequests(ctx.laptop, ctx.requests);
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.facilitator.setDefaultTimeout(10_000);
  ctx.anna = await phone(ctx);
  ctx.bo = await phone(ctx);
});

story.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('two participants join on their phones while the facilitator watches', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await page.getByTestId('facilitator-board').getByRole('heading', { name: 'Styrkor' }).waitFor();
  await joinAs(ctx, ctx.anna, ANNA);
  await joinAs(ctx, ctx.bo, BO);
  await page.getByTestId('participant').filter({ hasText: BO.name }).waitFor();
  await page.getByTestId('participant').filter({ hasText: ANNA.name }).waitFor();
});

story('the facilitator puts them in two rooms by hand and opens the rooms', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('plan-breakout').click();
  const planner = page.getByTestId('breakout-planner');
  await planner.getByTestId('assignment-manual').check();
  // Manual: nobody is placed yet; the list by each name works on touch and keyboard alike.
  const unplaced = planner.getByTestId('unplaced');
  await unplaced.getByTestId('person').filter({ hasText: ANNA.name }).getByTestId('person-room').selectOption('0');
  await unplaced.getByTestId('person').filter({ hasText: BO.name }).getByTestId('person-room').selectOption('1');
  const rooms = planner.getByTestId('preview-room');
  assert.is(await rooms.count(), 2, 'two rooms proposed');
  await rooms.nth(0).getByTestId('person').filter({ hasText: ANNA.name }).waitFor();
  await rooms.nth(1).getByTestId('person').filter({ hasText: BO.name }).waitFor();
  assert.is(await planner.getByTestId('unplaced').count(), 0, 'everyone is placed');
  await rooms.nth(0).getByTestId('room-name').fill(ROOM_A);
  assert.is(await rooms.nth(1).getByTestId('room-name').inputValue(), ROOM_B, 'rooms are named Grupp 1… by default');

  await planner.getByTestId('open-rooms').click();
  await page.getByTestId('breakout-overview').waitFor();
  await overviewRoom(page, ROOM_A).getByTestId('person').filter({ hasText: ANNA.name }).waitFor();
  await overviewRoom(page, ROOM_B).getByTestId('person').filter({ hasText: BO.name }).waitFor();
});

story('each phone shows its own room and posts in it, never seeing the other room', async (ctx) => {
  await ctx.anna.getByTestId('my-room-name').filter({ hasText: ROOM_A }).waitFor();
  await ctx.bo.getByTestId('my-room-name').filter({ hasText: ROOM_B }).waitFor();
  await post(ctx.anna, ANNA.note);
  await post(ctx.bo, BO.note);

  // Once the facilitator has both notes, the server has sent everything it is going to send.
  for (const room of [ROOM_A, ROOM_B])
    await overviewRoom(ctx.facilitator, room).getByTestId('room-note-count').filter({ hasText: '1 lapp' }).waitFor();
  // The other room's note would have arrived together with one's own echo; give it a moment.
  await ctx.anna.waitForTimeout(300);
  assert.is(await ctx.anna.getByText(BO.note).count(), 0, 'Anna never sees the other room');
  assert.is(await ctx.bo.getByText(ANNA.note).count(), 0, 'Bo never sees the other room');
});

story('a message from the facilitator reaches both rooms', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('announcement-input').fill('2 minuter kvar');
  await page.getByTestId('announcement-send').click();
  for (const p of [ctx.anna, ctx.bo]) {
    const banner = p.getByRole('alert').getByTestId('announcement');
    await banner.filter({ hasText: '2 minuter kvar' }).waitFor();
  }
  await ctx.bo.getByRole('button', { name: 'Stäng meddelandet' }).click();
  await ctx.bo.getByTestId('announcement').waitFor({ state: 'detached' });
});

story('closing the rooms shows the report-back side by side on the laptop and the projector', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('close-rooms').click();
  await page.getByTestId('close-rooms-confirm').click();
  const [a, b] = await reportRooms(page);
  const [boxA, boxB] = [await box(a), await box(b)];
  assert.ok(boxA.x + boxA.width <= boxB.x + 1, 'the rooms stand side by side on the laptop');
  assert.ok(Math.abs(boxA.y - boxB.y) < 2, 'and start at the same height');

  ctx.projector = await ctx.laptop.newPage();
  ctx.projector.setDefaultTimeout(10_000);
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  const [pa, pb] = await reportRooms(ctx.projector);
  const [boxPa, boxPb] = [await box(pa), await box(pb)];
  assert.ok(boxPa.x + boxPa.width <= boxPb.x + 1, 'side by side on the projector');
});

story('after closing, both phones see both rooms (stacked on a narrow screen)', async (ctx) => {
  for (const p of [ctx.anna, ctx.bo]) {
    const [a, b] = await reportRooms(p);
    assert.ok((await box(b)).y > (await box(a)).y, 'stacked on a phone');
  }
});

story('no request goes to any other host than the server', async (ctx) => {
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();

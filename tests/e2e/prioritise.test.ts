// A prioritisation in a real browser: the facilitator types options and takes one from the
// SWOT's opportunities, three participants on their phones spread their dots (the dots left
// change at once, the per-option cap and taking back work), nobody sees a count before the
// reveal, and afterwards the projector and every phone show the same ranking, ties as ties.
// Nothing leaves the machine. Needs the built client (dist/client) and Debian's chromium.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, recordRequests, requestsLeaving, fillJoinForm, rankingShown } from '../helpers/browser.ts';

const OPTIONS = ['Nära vård', 'Barn och unga', 'Kompetensförsörjning'];
const FROM_SWOT = 'Psykisk hälsa';
const NOT_IMPORTED = 'Långa avstånd';
const QUESTION = 'Vad ska LGL prioritera 2021–2022?';

const PEOPLE = [
  { name: 'Anna Andersson', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Bo Berg', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Cecilia Ek', organisation: 'Brukarrådet', orgKind: 'brukarrepresentant' },
] as const;

/** The ranking everyone should see: 4, a tie of 2 and 2 (in posting order), then 1. */
const RANKING = [
  { option: 'Nära vård', count: '4 prickar', rank: '1' },
  { option: 'Barn och unga', count: '2 prickar', rank: '2' },
  { option: FROM_SWOT, count: '2 prickar', rank: '2' },
  { option: 'Kompetensförsörjning', count: '1 prick', rank: '4' },
];

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  facilitator: Page;
  projector: Page;
  phones: Page[];
  workshop: CreatedWorkshop;
  requests: string[];
}

const story = suite<Ctx>('a prioritisation with dot voting in the browser');

const board = (page: Page) => page.getByTestId('facilitator-board');

async function dotsLeft(page: Page, n: number) {
  await page.getByTestId('dots-left').filter({ hasText: `Prickar kvar: ${n}` }).waitFor();
}

function option(page: Page, text: string) {
  return page.getByTestId('vote-option').filter({ hasText: text });
}

/** Click + (or −) on an option and see the dots left change at once. */
async function vote(page: Page, text: string, delta: 1 | -1, leftAfter: number) {
  await option(page, text).getByTestId(delta === 1 ? 'vote-add' : 'vote-remove').click();
  await dotsLeft(page, leftAfter);
}

async function ranking(page: Page) {
  await page.getByTestId('results').getByTestId('result-row').first().waitFor();
  await page.getByTestId('results').getByTestId('result-count').filter({ hasText: '4 prickar' }).waitFor();
  return rankingShown(page);
}

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.srv = await startServer({ clientDir });
  const res = await fetch(`${ctx.srv.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'LGL Kalmar län', agenda: [{ kind: 'swot' }] }),
  });
  assert.is(res.status, 201, 'the workshop is created');
  ctx.workshop = (await res.json()) as CreatedWorkshop;
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  recordRequests(ctx.laptop, ctx.requests);
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.facilitator.setDefaultTimeout(10_000);
  ctx.phones = [];
  for (let i = 0; i < PEOPLE.length; i++) {
    const context = await ctx.browser.newContext(PHONE);
    recordRequests(context, ctx.requests);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    ctx.phones.push(page);
  }
});

story.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the SWOT has an opportunity to take over as an option', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await board(page).getByRole('heading', { name: 'Möjligheter' }).waitFor();
  for (const [column, text] of [['o', FROM_SWOT], ['t', NOT_IMPORTED]]) {
    await board(page).getByTestId('note-column').selectOption(column);
    await board(page).getByTestId('note-input').fill(text);
    await board(page).getByTestId('note-submit').click();
    await board(page).getByTestId('note').filter({ hasText: text }).waitFor();
  }
});

story('the facilitator adds a prioritisation, types options and imports the opportunity', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('add-kind').selectOption('prioritise');
  await page.getByLabel('Rubrik (frivillig)').fill(QUESTION);
  await page.getByTestId('add-activity').click();
  await board(page).getByRole('heading', { name: QUESTION }).waitFor();
  await board(page).getByRole('heading', { name: 'Alternativ' }).waitFor();
  for (const text of OPTIONS) {
    await board(page).getByTestId('note-input').fill(text);
    await board(page).getByRole('button', { name: 'Lägg till alternativ' }).click();
    await board(page).getByTestId('note').filter({ hasText: text }).waitFor();
  }
  const importer = board(page).getByTestId('option-import');
  await importer.locator('summary').click();
  await importer.getByTestId('import-column').selectOption('o');
  await importer.getByText('1 alternativ hämtas.').waitFor();
  await importer.getByTestId('import-submit').click();
  await board(page).getByTestId('note').filter({ hasText: FROM_SWOT }).waitFor();
  assert.is(await board(page).getByTestId('note').count(), 4, 'three typed options and one imported');
  assert.is(await board(page).getByText(NOT_IMPORTED).count(), 0, 'only the chosen column was imported');
  await page.getByTestId('focus').click();
  await page.getByTestId('unfocus').waitFor();
});

story('three participants join on their phones and see the options, but cannot add any', async (ctx) => {
  for (const [i, who] of PEOPLE.entries()) {
    const page = ctx.phones[i];
    await page.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
    await fillJoinForm(page, who);
    await page.getByTestId('participant-board').getByRole('heading', { name: QUESTION }).waitFor();
    await page.getByTestId('note').filter({ hasText: FROM_SWOT }).waitFor();
    assert.is(await page.getByTestId('note-input').count(), 0, `${who.name} has no composer`);
  }
});

story('the facilitator starts the vote: 3 dots, at most 2 per option, results hidden', async (ctx) => {
  const page = ctx.facilitator;
  // Started with one dot too few, then corrected before anyone has voted.
  await page.getByTestId('voting-dots').fill('2');
  await page.getByTestId('voting-max').fill('2');
  await page.getByTestId('voting-hidden').check();
  await page.getByTestId('voting-start').click();
  await page.getByTestId('voting-state').filter({ hasText: 'Röstningen är öppen' }).waitFor();
  for (const phone of ctx.phones) await dotsLeft(phone, 2);
  await page.getByTestId('voting-edit').click();
  assert.is(await page.getByTestId('voting-dots').inputValue(), '2', 'the form shows the settings in force');
  assert.ok(await page.getByTestId('voting-dots').evaluate((el) => el === document.activeElement), 'focus moves into the form');
  await page.getByTestId('voting-dots').fill('3');
  await page.getByTestId('voting-start').filter({ hasText: 'Spara inställningarna' }).click();
  await page.getByTestId('voting-edit').waitFor();
  for (const phone of ctx.phones) await dotsLeft(phone, 3);
});

story('each phone places its dots; the cap per option and taking back work', async (ctx) => {
  const [anna, bo, cecilia] = ctx.phones;
  await vote(anna, 'Nära vård', 1, 2);
  await vote(anna, 'Nära vård', 1, 1);
  // A third dot on the same option is over the cap: nothing changes.
  const more = option(anna, 'Nära vård').getByTestId('vote-add');
  assert.is(await more.getAttribute('aria-disabled'), 'true', 'the cap of 2 per option holds');
  await more.click({ force: true });
  await dotsLeft(anna, 1);
  await vote(anna, 'Barn och unga', 1, 0);

  await vote(bo, 'Nära vård', 1, 2);
  await vote(bo, FROM_SWOT, 1, 1);
  await vote(bo, FROM_SWOT, 1, 0);

  await vote(cecilia, 'Barn och unga', 1, 2);
  await vote(cecilia, 'Barn och unga', 1, 1);
  await vote(cecilia, 'Barn och unga', -1, 2);
  await vote(cecilia, 'Kompetensförsörjning', 1, 1);
  await vote(cecilia, 'Nära vård', 1, 0);
  assert.is(await option(cecilia, FROM_SWOT).getByTestId('vote-add').getAttribute('aria-disabled'), 'true', 'no dots left');

  await ctx.facilitator.getByTestId('voting-progress').filter({ hasText: '3 av 3 deltagare har röstat · 9 av 9 prickar' }).waitFor();
  assert.is(await ctx.facilitator.getByTestId('voting-edit').count(), 0, 'once dots are placed the settings stand');
  await anna.waitForTimeout(300);
  await dotsLeft(anna, 0);
  assert.is(await option(anna, 'Nära vård').getByTestId('my-dots').getAttribute('data-dots'), '2', 'Anna has her two dots');
});

story('locked, the phones show their dots but take no more; unlocked, they vote again', async (ctx) => {
  await ctx.facilitator.getByTestId('lock').click();
  for (const phone of ctx.phones) {
    await phone.getByTestId('locked').waitFor();
    assert.is(await phone.getByTestId('vote-add').count(), 0, 'no dot to place on a locked activity');
    assert.is(await phone.getByTestId('voting-closed').count(), 0, 'the vote itself is not closed');
  }
  assert.is(await option(ctx.phones[0], 'Nära vård').getByTestId('my-dots').getAttribute('data-dots'), '2');
  await ctx.facilitator.getByTestId('lock').click();
  for (const phone of ctx.phones) await phone.getByTestId('vote-add').first().waitFor();
});

story('before the reveal only the facilitator sees counts', async (ctx) => {
  assert.equal(await ranking(ctx.facilitator), RANKING, 'the facilitator sees the live tally');
  ctx.projector = await ctx.laptop.newPage();
  ctx.projector.setDefaultTimeout(10_000);
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  await ctx.projector.getByTestId('projector-voting').waitFor();
  for (const page of [ctx.projector, ...ctx.phones])
    assert.is(await page.getByTestId('results').count(), 0, 'no results before the reveal');
});

story('the facilitator closes the vote and reveals; the projector shows the ranking', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('voting-close').click();
  for (const phone of ctx.phones) {
    await phone.getByTestId('voting-closed').waitFor();
    assert.is(await phone.getByTestId('vote-add').count(), 0, 'read-only once closed');
  }
  await page.getByTestId('voting-reveal').click();
  assert.equal(await ranking(ctx.projector), RANKING, 'the projector shows the ranking in order');
  assert.is(await ctx.projector.getByTestId('results').getByTestId('result-tie').filter({ hasText: 'Delad plats' }).count(), 2, 'the tie is shown as a tie');
  assert.ok(await ctx.projector.getByTestId('kind-breakdown').count(), 'with a breakdown by organisation kind');
  // One voter of each kind: too few for any kind's dots to be shown, Cecilia's above all.
  const kinds = ctx.projector.getByTestId('kind-breakdown').first();
  assert.equal((await kinds.getByTestId('kind-withheld').allTextContents()).map((t) => t.trim()), ['färre än 3', 'färre än 3', 'färre än 3']);
  assert.is(await kinds.locator('.n').count(), 0, 'no kind has a number');
  await ctx.projector.getByTestId('kinds-withheld-hint').waitFor();
});

story('every phone shows the same ranking', async (ctx) => {
  for (const phone of ctx.phones) assert.equal(await ranking(phone), RANKING);
});

story('no request goes to any other host than the server', async (ctx) => {
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();

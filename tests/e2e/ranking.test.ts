// A ranking (rangordning) in a real browser: the facilitator types four options and opens the
// question; three phones at 360×740 put them in order, one with the keyboard alone (focus follows
// the option, the live region says where it went); nobody sees a result before the reveal; then
// the projector at 1920×1080 shows the mean places with kommun, region and brukarrepresentanter
// side by side. axe finds nothing serious or critical on the phone, the facilitator's page or the
// projector. Needs the built client (dist/client) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, fillJoinForm } from '../helpers/browser.ts';

const QUESTION = 'Vad ska LGS prioritera 2027?';
const OPTIONS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa', 'Äldre'];
const PEOPLE = [
  { name: 'Anna Andersson', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Bo Berg', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Cecilia Ek', organisation: 'Brukarrådet', orgKind: 'brukarrepresentant' },
] as const;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  facilitator: Page;
  projector: Page;
  phones: Page[];
  others: TestClient[];
  workshop: CreatedWorkshop;
  activityId: string;
}

const story = suite<Ctx>('a ranking in the browser');

async function audit(page: Page, view: string) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const severe = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.ok(result.passes.length > 0, `axe ran on ${view}`);
  assert.equal(severe.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${view} has serious or critical violations`);
}

const order = (page: Page) => page.getByTestId('ranking-option').locator('.text').allTextContents().then((t) => t.map((s) => s.replace(/^Plats \d+:\s*/, '').trim()));
const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const activeOption = (page: Page) => page.evaluate(() => document.activeElement?.closest('[data-testid="ranking-option"]')?.querySelector('.text')?.textContent?.replace(/^Plats \d+:\s*/, '').trim() ?? null);

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({ clientDir });
  const res = await fetch(`${ctx.srv.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'LGS Kalmar län', agenda: [{ kind: 'ranking', title: QUESTION }] }),
  });
  assert.is(res.status, 201);
  ctx.workshop = (await res.json()) as CreatedWorkshop;
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.facilitator.setDefaultTimeout(10_000);
  ctx.phones = [];
  ctx.others = [];
  for (let i = 0; i < PEOPLE.length; i++) {
    const page = await (await ctx.browser.newContext(PHONE)).newPage();
    page.setDefaultTimeout(10_000);
    ctx.phones.push(page);
  }
});

story.after(async (ctx) => {
  ctx.others?.forEach((c) => c.close());
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the facilitator types four options and opens the ranking, results hidden', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  const board = page.getByTestId('facilitator-board');
  await board.getByRole('heading', { name: QUESTION }).waitFor();
  assert.ok(await page.getByTestId('ranking-start').isDisabled(), 'not before there are options');
  for (const text of OPTIONS) {
    await board.getByTestId('note-input').fill(text);
    await board.getByRole('button', { name: 'Lägg till alternativ' }).click();
    await board.getByTestId('note').filter({ hasText: text }).waitFor();
  }
  if (await page.getByTestId('focus').count()) await page.getByTestId('focus').click();
  await page.getByTestId('voting-hidden').check();
  await page.getByTestId('ranking-start').click();
  await page.getByTestId('voting-state').filter({ hasText: 'Rangordningen är öppen' }).waitFor();
  await audit(page, 'the facilitator\'s ranking');
});

story('three phones join and see the options in order, with Upp and Ned', async (ctx) => {
  for (const [i, who] of PEOPLE.entries()) {
    const page = ctx.phones[i];
    await page.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
    await fillJoinForm(page, who);
    await page.getByTestId('ranking-input').waitFor();
    assert.equal(await order(page), OPTIONS);
    assert.is(await page.getByTestId('note-input').count(), 0, 'no composer: the options are the facilitator\'s');
  }
  await audit(ctx.phones[0], 'a phone ranking');
  const width = await ctx.phones[0].evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling on a phone (${width} px)`);
});

story('Anna ranks with the keyboard alone: focus follows the option, the live region says where it went', async (ctx) => {
  const page = ctx.phones[0];
  await page.getByRole('button', { name: 'Flytta ned Nära vård' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('live-region').filter({ hasText: 'Nära vård är nu på plats 2 av 4.' }).waitFor();
  assert.equal([await activeOption(page), await activeTestId(page)], ['Nära vård', 'ranking-down'], 'focus stays on the moved option');
  await page.keyboard.press('Space');
  await page.getByTestId('live-region').filter({ hasText: 'Nära vård är nu på plats 3 av 4.' }).waitFor();
  // To Psykisk hälsa's "Upp" (now second) by Shift+Tab, and up to the top.
  for (let i = 0; i < 6 && (await activeOption(page)) !== 'Psykisk hälsa'; i++) await page.keyboard.press('Shift+Tab');
  assert.equal([await activeOption(page), await activeTestId(page)], ['Psykisk hälsa', 'ranking-down']);
  await page.keyboard.press('Shift+Tab');
  assert.equal([await activeOption(page), await activeTestId(page)], ['Psykisk hälsa', 'ranking-up']);
  await page.keyboard.press('Enter');
  await page.getByTestId('live-region').filter({ hasText: 'Psykisk hälsa är nu på plats 1 av 4.' }).waitFor();
  assert.equal([await activeOption(page), await activeTestId(page)], ['Psykisk hälsa', 'ranking-down'], 'at the top, focus goes to Ned');
  assert.equal(await order(page), ['Psykisk hälsa', 'Barn och unga', 'Nära vård', 'Äldre']);
  for (let i = 0; i < 12 && (await activeTestId(page)) !== 'ranking-send'; i++) await page.keyboard.press('Tab');
  assert.is(await activeTestId(page), 'ranking-send');
  await page.keyboard.press('Enter');
  await page.getByTestId('ranking-sent').waitFor();
  assert.equal(await order(page), ['Psykisk hälsa', 'Barn och unga', 'Nära vård', 'Äldre'], 'the order as sent');
});

story('Bo and Cecilia tap; Bo changes his mind and sends again', async (ctx) => {
  const [, bo, cecilia] = ctx.phones;
  await bo.getByRole('button', { name: 'Flytta upp Barn och unga' }).click();
  await bo.getByTestId('ranking-send').click();
  await bo.getByTestId('ranking-sent').waitFor();
  await bo.getByRole('button', { name: 'Flytta upp Psykisk hälsa' }).click();
  await bo.getByTestId('ranking-unsent').waitFor();
  await bo.getByTestId('ranking-send').filter({ hasText: 'Skicka ändringen' }).click();
  await bo.getByTestId('ranking-sent').waitFor();
  assert.equal(await order(bo), ['Barn och unga', 'Psykisk hälsa', 'Nära vård', 'Äldre']);
  await cecilia.getByRole('button', { name: 'Flytta ned Nära vård' }).click();
  await cecilia.getByTestId('ranking-send').click();
  await cecilia.getByTestId('ranking-sent').waitFor();
});

story('two more of each kind answer from their phones; nobody but the facilitator sees a result yet', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.others.push(f);
  const activity = f.state!.activities[0];
  ctx.activityId = activity.id;
  const optionIds = OPTIONS.map((text) => Object.values(f.state!.notes).find((n) => n.text === text)!.id);
  const who = [
    ['Karin', 'Nybro kommun', 'kommun', [0, 1, 2, 3]],
    ['Kalle', 'Kalmar kommun', 'kommun', [0, 2, 1, 3]],
    ['Rut', 'Region Kalmar län', 'region', [1, 2, 0, 3]],
    ['Rolf', 'Region Kalmar län', 'region', [1, 0, 2, 3]],
    ['Britt', 'NSPH Kalmar län', 'brukarrepresentant', [2, 1, 0, 3]],
    ['Bengt', 'Brukarrådet', 'brukarrepresentant', [2, 0, 1, 3]],
  ] as const;
  for (const [name, organisation, orgKind, places] of who) {
    const c = await participant(ctx.srv.url, ctx.workshop.id, { name, organisation, orgKind });
    ctx.others.push(c);
    const ack = await c.command({ type: 'ranking.submit', activityId: activity.id, order: places.map((i) => optionIds[i]) });
    assert.ok(ack.ok, `${name} answered`);
  }
  await ctx.facilitator.getByTestId('ranking-progress').filter({ hasText: '9 av 9 deltagare har svarat' }).waitFor();
  await ctx.facilitator.getByTestId('ranking-results').getByTestId('ranking-row').first().waitFor();
  ctx.projector = await ctx.laptop.newPage();
  await ctx.projector.setViewportSize({ width: 1920, height: 1080 });
  ctx.projector.setDefaultTimeout(10_000);
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  await ctx.projector.getByTestId('projector-voting').waitFor();
  for (const page of [ctx.projector, ...ctx.phones]) assert.is(await page.getByTestId('ranking-results').count(), 0, 'no result before the reveal');
});

story('closed and revealed: the projector shows mean places, kommun, region and brukarrepresentanter side by side', async (ctx) => {
  await ctx.facilitator.getByTestId('voting-close').click();
  for (const phone of ctx.phones) {
    await phone.getByTestId('ranking-closed').waitFor();
    assert.is(await phone.getByTestId('ranking-up').count(), 0, 'read-only once closed');
  }
  await ctx.facilitator.getByTestId('voting-reveal').click();
  const results = ctx.projector.getByTestId('ranking-results');
  await results.getByTestId('ranking-row').first().waitFor();
  await results.getByTestId('ranking-respondents').filter({ hasText: '9 har svarat' }).waitFor();
  const rows = await results.getByTestId('ranking-row').evaluateAll((lis) =>
    lis.map((li) => ({
      option: li.querySelector('[data-testid="ranking-row-option"]')!.textContent!.trim(),
      mean: li.querySelector('[data-testid="ranking-mean"] [aria-hidden="true"]')!.textContent!.trim(),
      kinds: Object.fromEntries([...li.querySelectorAll('[data-kind]')].map((k) => [k.getAttribute('data-kind'), k.querySelector('.n')!.textContent!.trim()])),
    })),
  );
  // By hand from the orders above: kommun puts Nära vård first, the region Barn och unga,
  // brukarrepresentanterna Psykisk hälsa.
  assert.equal(rows, [
    { option: 'Barn och unga', mean: 'snitt 1,8', kinds: { kommun: '2,3', region: '1,0', brukarrepresentant: '2,0' } },
    { option: 'Psykisk hälsa', mean: 'snitt 2,0', kinds: { kommun: '2,0', region: '2,3', brukarrepresentant: '1,7' } },
    { option: 'Nära vård', mean: 'snitt 2,2', kinds: { kommun: '1,7', region: '2,7', brukarrepresentant: '2,3' } },
    { option: 'Äldre', mean: 'snitt 4,0', kinds: { kommun: '4,0', region: '4,0', brukarrepresentant: '4,0' } },
  ]);
  assert.ok(await ctx.projector.getByText('Genomsnittlig placering, där 1 är högst').isVisible(), 'the projector says how it is counted');
  // Barn och unga: kommun 2,3, region 1,0 — further apart than Nära vård's 1,7 and 2,7.
  assert.is((await results.getByTestId('kind-gap').textContent())?.trim(), 'Störst skillnad mellan kommun och region: Barn och unga (kommun 2,3, region 1,0).');
  assert.is(await results.getByTestId('ranking-row').filter({ has: ctx.projector.getByTestId('kind-gap-badge') }).getByTestId('ranking-row-option').textContent(), 'Barn och unga');
  await audit(ctx.projector, 'the projector\'s ranking');
  for (const phone of ctx.phones) await phone.getByTestId('ranking-results').getByTestId('ranking-row').first().waitFor();
  await audit(ctx.phones[1], 'a phone with the result');
});

story.run();

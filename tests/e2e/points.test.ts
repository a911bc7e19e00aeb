// 100 poäng in a real browser: the facilitator adds the activity from the agenda form, types three
// options and opens it; three phones at 360×740 share out their points (one typing the numbers
// with the keyboard alone, one with the +10 buttons); nothing is sent until all 100 are given;
// after the reveal the projector at 1920×1080 shows the points with each kind's mean side by side.
// axe finds nothing serious or critical. Needs the built client (dist/client) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, fillJoinForm } from '../helpers/browser.ts';

const QUESTION = 'Var ska pengarna till samverkan gå 2027?';
const OPTIONS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa'];
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
}

const story = suite<Ctx>('100 poäng in the browser');

async function audit(page: Page, view: string) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const severe = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.ok(result.passes.length > 0, `axe ran on ${view}`);
  assert.equal(severe.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${view} has serious or critical violations`);
}

const field = (page: Page, option: string) => page.getByRole('spinbutton', { name: `Poäng till ${option}`, exact: true });
const left = (page: Page, n: number) => page.getByTestId('points-left').filter({ hasText: `Poäng kvar: ${n}` }).waitFor();

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({ clientDir });
  const res = await fetch(`${ctx.srv.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'LGS Kalmar län', agenda: [{ kind: 'brainstorm' }] }),
  });
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

story('the facilitator adds 100 poäng from the agenda form, types three options and opens it', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await page.getByTestId('add-kind').selectOption('points');
  await page.getByLabel('Rubrik (frivillig)').fill(QUESTION);
  await page.getByTestId('add-activity').click();
  const board = page.getByTestId('facilitator-board');
  await board.getByRole('heading', { name: QUESTION }).waitFor();
  for (const text of OPTIONS) {
    await board.getByTestId('note-input').fill(text);
    await board.getByRole('button', { name: 'Lägg till alternativ' }).click();
    await board.getByTestId('note').filter({ hasText: text }).waitFor();
  }
  await page.getByTestId('focus').click();
  assert.is(await page.getByTestId('points-budget').inputValue(), '100', '100 points by default');
  await page.getByTestId('points-start').click();
  await page.getByTestId('voting-state').filter({ hasText: 'Poängfördelningen är öppen' }).waitFor();
  await audit(page, 'the facilitator\'s 100 poäng');
});

story('three phones join; Anna types her points with the keyboard and cannot send until all 100 are given', async (ctx) => {
  for (const [i, who] of PEOPLE.entries()) {
    await ctx.phones[i].goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
    await fillJoinForm(ctx.phones[i], who);
    await left(ctx.phones[i], 100);
  }
  const anna = ctx.phones[0];
  await audit(anna, 'a phone sharing out points');
  await field(anna, 'Nära vård').focus();
  await anna.keyboard.press('Control+A');
  await anna.keyboard.type('60');
  await anna.keyboard.press('Tab'); // commits the field and moves on
  await left(anna, 40);
  await anna.getByTestId('live-region').filter({ hasText: 'Nära vård: 60 poäng. Kvar: 40.' }).waitFor();
  assert.is(await anna.getByTestId('points-send').getAttribute('aria-disabled'), 'true');
  await anna.getByTestId('points-send').click({ force: true });
  await anna.getByText('Dela ut alla 100 poäng för att kunna skicka. Kvar: 40.').waitFor();
  assert.is(await anna.getByTestId('points-sent').count(), 0, 'nothing sent with points left');
  await field(anna, 'Barn och unga').focus();
  await anna.keyboard.press('Control+A');
  await anna.keyboard.type('30');
  await anna.keyboard.press('Tab');
  await field(anna, 'Psykisk hälsa').focus();
  await anna.keyboard.press('Control+A');
  await anna.keyboard.type('10');
  await anna.keyboard.press('Tab');
  await left(anna, 0);
  for (let i = 0; i < 10 && (await anna.evaluate(() => document.activeElement?.getAttribute('data-testid'))) !== 'points-send'; i++) await anna.keyboard.press('Tab');
  await anna.keyboard.press('Enter');
  await anna.getByTestId('points-sent').waitFor();
});

story('Bo and Cecilia tap +10; the +10 stops at what is left', async (ctx) => {
  const [, bo, cecilia] = ctx.phones;
  const plus = (page: Page, option: string) => page.getByRole('button', { name: `Ge 10 poäng till ${option}` });
  await plus(bo, 'Nära vård').click();
  for (let i = 0; i < 7; i++) await plus(bo, 'Barn och unga').click();
  for (let i = 0; i < 2; i++) await plus(bo, 'Psykisk hälsa').click();
  await left(bo, 0);
  assert.is(await plus(bo, 'Nära vård').getAttribute('aria-disabled'), 'true', 'no points left to give');
  await bo.getByTestId('points-send').click();
  await bo.getByTestId('points-sent').waitFor();
  for (let i = 0; i < 10; i++) await plus(cecilia, 'Psykisk hälsa').click();
  await cecilia.getByTestId('points-send').click();
  await cecilia.getByTestId('points-sent').waitFor();
});

story('two more of each kind answer; before the reveal nobody but the facilitator sees a result', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.others.push(f);
  const activity = f.state!.activities.find((a) => a.kind === 'points')!;
  const ids = OPTIONS.map((text) => Object.values(f.state!.notes).find((n) => n.text === text)!.id);
  const more = [
    ['Karin', 'kommun', [60, 30, 10]],
    ['Kalle', 'kommun', [60, 30, 10]],
    ['Rut', 'region', [10, 70, 20]],
    ['Rolf', 'region', [10, 70, 20]],
    ['Britt', 'brukarrepresentant', [0, 0, 100]],
    ['Bengt', 'brukarrepresentant', [0, 0, 100]],
  ] as const;
  for (const [name, orgKind, given] of more) {
    const c = await participant(ctx.srv.url, ctx.workshop.id, { name, organisation: 'Org', orgKind });
    ctx.others.push(c);
    const points = Object.fromEntries(ids.map((id, i) => [id, given[i]]).filter(([, p]) => (p as number) > 0));
    assert.ok((await c.command({ type: 'points.submit', activityId: activity.id, points })).ok, name);
  }
  await ctx.facilitator.getByTestId('points-progress').filter({ hasText: '9 av 9 deltagare har svarat' }).waitFor();
  ctx.projector = await ctx.laptop.newPage();
  await ctx.projector.setViewportSize({ width: 1920, height: 1080 });
  ctx.projector.setDefaultTimeout(10_000);
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  await ctx.projector.getByTestId('projector-voting').filter({ hasText: 'Poängfördelning pågår' }).waitFor();
  for (const page of [ctx.projector, ...ctx.phones]) assert.is(await page.getByTestId('points-results').count(), 0);
});

story('revealed: the projector shows the points and kommun, region and brukarrepresentanter side by side', async (ctx) => {
  await ctx.facilitator.getByTestId('voting-close').click();
  await ctx.facilitator.getByTestId('voting-reveal').click();
  const results = ctx.projector.getByTestId('points-results');
  await results.getByTestId('points-row').first().waitFor();
  const rows = await results.getByTestId('points-row').evaluateAll((lis) =>
    lis.map((li) => ({
      option: li.querySelector('[data-testid="points-row-option"]')!.textContent!.trim(),
      kinds: Object.fromEntries([...li.querySelectorAll('[data-kind]')].map((k) => [k.getAttribute('data-kind'), k.querySelector('.n')!.textContent!.trim()])),
    })),
  );
  // All alike within each kind: kommun 60/30/10, region 10/70/20, brukarrepresentanter 0/0/100.
  assert.equal(rows, [
    { option: 'Psykisk hälsa', kinds: { kommun: '10,0', region: '20,0', brukarrepresentant: '100,0' } },
    { option: 'Barn och unga', kinds: { kommun: '30,0', region: '70,0', brukarrepresentant: '0,0' } },
    { option: 'Nära vård', kinds: { kommun: '60,0', region: '10,0', brukarrepresentant: '0,0' } },
  ]);
  // Totals: Psykisk hälsa 30 + 60 + 300, Barn och unga 90 + 210, Nära vård 180 + 30; means over 9.
  assert.equal((await results.getByTestId('points-total').allTextContents()).map((t) => /^\s*(\d+ poäng)/.exec(t)?.[1]), ['390 poäng', '300 poäng', '210 poäng']);
  assert.ok(await results.getByText('· snitt 43,3', { exact: true }).isVisible(), 'the mean per person is shown');
  assert.is((await results.getByTestId('kind-gap').textContent())?.trim(), 'Störst skillnad mellan kommun och region: Nära vård (kommun 60,0, region 10,0).');
  await audit(ctx.projector, 'the projector\'s 100 poäng');
  for (const phone of ctx.phones) await phone.getByTestId('points-results').getByTestId('points-row').first().waitFor();
});

story.run();

// Scale questions (skalfrågor) in a real browser: the facilitator adds two statements on a 1–5
// scale with "Vet inte", three phones at 360×740 answer (one by keyboard alone, one changing
// an answer), nobody sees a figure before the reveal, and then the projector at 1920×1080 shows
// each statement per kind of organisation with the kommun/region gap marked where it is largest.
// Three more participants answer over plain sockets so that kommun and region each have three.
// axe finds nothing serious or critical on the phone, the facilitator's page or the projector.
// Needs the built client (dist/client) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, fillJoinForm, recordRequests, requestsLeaving } from '../helpers/browser.ts';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PROJECTOR = { viewport: { width: 1920, height: 1080 }, locale: 'sv-SE' };
const TITLE = 'Hur fungerar samverkan?';
const S1 = 'Samverkan mellan kommun och region fungerar väl';
const S2 = 'Vi har en gemensam bild av behoven';

const PEOPLE = [
  { name: 'Anna Andersson', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Bo Berg', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Cecilia Ek', organisation: 'Nybro kommun', orgKind: 'kommun' },
] as const;

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  facilitator: Page;
  projector: Page;
  phones: Page[];
  sockets: TestClient[];
  workshop: CreatedWorkshop;
  activityId: string;
  requests: string[];
}

const story = suite<Ctx>('a scale question in the browser');

async function audit(page: Page, view: string): Promise<void> {
  if (process.env.SCALE_SHOTS) await page.screenshot({ path: `${process.env.SCALE_SHOTS}/${view.replace(/\W+/g, '-')}.png`, fullPage: true });
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const severe = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.ok(result.passes.length > 0, `axe ran on ${view}`);
  assert.equal(severe.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${view} has serious or critical violations`);
}

const statement = (page: Page, id: string): Locator => page.getByTestId('scale-statement').and(page.locator(`[data-statement="${id}"]`));
const step = (page: Page, id: string, name: string) => statement(page, id).getByRole('radio', { name, exact: true });

/** Tab forward (at most 40 times) until a radio of statement `id` has the focus. */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('[data-statement]')?.getAttribute('data-statement') ?? null);
    if (at === id && (await page.evaluate(() => (document.activeElement as HTMLInputElement).type)) === 'radio') return;
  }
  throw new Error(`Tab never reached statement ${id}`);
}

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.srv = await startServer({ clientDir });
  const res = await fetch(`${ctx.srv.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'LGS Kalmar län', agenda: [{ kind: 'brainstorm' }] }),
  });
  assert.is(res.status, 201, 'the workshop is created');
  ctx.workshop = (await res.json()) as CreatedWorkshop;
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  recordRequests(ctx.laptop, ctx.requests);
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.facilitator.setDefaultTimeout(10_000);
  ctx.phones = [];
  ctx.sockets = [];
  for (let i = 0; i < PEOPLE.length; i++) {
    const context = await ctx.browser.newContext(PHONE);
    recordRequests(context, ctx.requests);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    ctx.phones.push(page);
  }
});

story.after(async (ctx) => {
  ctx.sockets?.forEach((s) => s.close());
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the facilitator adds two statements, chooses the scale and shows the question', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await page.getByTestId('add-kind').selectOption('scale');
  await page.getByLabel('Rubrik (frivillig)').fill(TITLE);
  await page.getByLabel('Påstående 1').fill(S1);
  await page.getByRole('button', { name: 'Lägg till påstående' }).click();
  await page.getByLabel('Påstående 2').fill(S2);
  await page.getByTestId('add-activity').click();
  const controls = page.getByTestId('scale-controls');
  await controls.waitFor();
  await controls.getByText(`${S1} · ${S2}`).waitFor();
  assert.ok(await page.getByTestId('scale-max-5').isChecked(), '1–5 unless chosen otherwise');
  assert.is(await page.getByLabel('Text vid 1').inputValue(), 'Stämmer inte alls');
  assert.is(await page.getByLabel('Text vid högsta värdet').inputValue(), 'Stämmer helt');
  await page.getByTestId('scale-start').click();
  await page.getByTestId('scale-state-badge').filter({ hasText: 'Frågan är öppen' }).waitFor();
  await page.getByTestId('focus').click();
  await page.getByTestId('unfocus').waitFor();
  const created = await ctx.srv.server.workshops.read(ctx.workshop.id, ({ state }) => state.activities.find((a) => a.kind === 'scale')!.id);
  ctx.activityId = created!;
  await audit(page, 'the facilitator\'s scale question');
});

story('three phones join and see each statement as a group of big steps', async (ctx) => {
  for (const [i, who] of PEOPLE.entries()) {
    const page = ctx.phones[i];
    await page.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
    await fillJoinForm(page, who);
    await page.getByTestId('participant-board').getByRole('heading', { name: TITLE }).waitFor();
    await statement(page, 's2').waitFor();
    assert.is(await page.getByTestId('note-input').count(), 0, `${who.name} has no note composer`);
  }
  const page = ctx.phones[0];
  const group = page.getByRole('group', { name: `${S1}. Svara på en skala från 1 till 5.` });
  assert.is(await group.getByRole('radio').count(), 6, 'five steps and "Vet inte"');
  await group.getByRole('radio', { name: '1, Stämmer inte alls' }).waitFor();
  await group.getByRole('radio', { name: '5, Stämmer helt' }).waitFor();
  const box = await statement(page, 's1').locator('label.step').first().boundingBox();
  assert.ok(box && box.height >= 44 && box.width >= 44, `a step is a big tap target (${box?.width}×${box?.height})`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (${width} px)`);
  await audit(page, 'a phone answering a scale question');
});

story('Anna answers by keyboard alone; Bo taps; Cecilia says "Vet inte" and then changes her mind', async (ctx) => {
  const [anna, bo, cecilia] = ctx.phones;
  // Anna: Tab into the first group, Space takes 1, an arrow moves the answer to 2.
  await anna.locator('body').focus();
  await tabTo(anna, 's1');
  await anna.keyboard.press('Space');
  await anna.keyboard.press('ArrowRight');
  await tabTo(anna, 's2');
  await anna.keyboard.press('Space');
  for (let i = 0; i < 3; i++) await anna.keyboard.press('ArrowRight');
  await step(anna, 's1', '2').and(anna.locator(':checked')).waitFor();
  await step(anna, 's2', '4').and(anna.locator(':checked')).waitFor();

  await step(bo, 's1', '5, Stämmer helt').check();
  await step(bo, 's2', '4').check();

  await step(cecilia, 's1', '1, Stämmer inte alls').check();
  await statement(cecilia, 's2').getByRole('radio', { name: 'Vet inte' }).check();
  await statement(cecilia, 's2').getByTestId('scale-state').filter({ hasText: 'Svar sparat' }).waitFor();
  await step(cecilia, 's2', '4').check();
  for (const phone of ctx.phones)
    for (const id of ['s1', 's2']) await statement(phone, id).getByTestId('scale-state').filter({ hasText: 'Svar sparat' }).waitFor();

  // Three more over plain sockets: kommun and region then have three each.
  const more: Array<[string, 'kommun' | 'region', number, number]> = [
    ['David', 'region', 4, 4],
    ['Eva', 'region', 5, 3],
    ['Fredrik', 'kommun', 2, 3],
  ];
  for (const [name, orgKind, a, b] of more) {
    const c = await participant(ctx.srv.url, ctx.workshop.id, { name, organisation: orgKind === 'kommun' ? 'Emmaboda kommun' : 'Region Kalmar län', orgKind });
    ctx.sockets.push(c);
    for (const [statementId, value] of [['s1', a], ['s2', b]] as const) {
      const ack = await c.command({ type: 'scale.answer', activityId: ctx.activityId, statementId, value });
      assert.ok(ack.ok, `${name}'s answer`);
    }
  }
  await ctx.facilitator.getByTestId('scale-progress').filter({ hasText: '6 av 6 deltagare har svarat' }).waitFor();
  const answers = await ctx.srv.server.workshops.read(ctx.workshop.id, ({ state }) => state.scaleAnswers?.[ctx.activityId]);
  const byName = Object.fromEntries(
    (await ctx.srv.server.workshops.read(ctx.workshop.id, ({ state }) => Object.values(state.participants).map((p) => [p.name, answers?.[p.id]]))) ?? [],
  );
  assert.equal(byName['Anna Andersson'], { s1: 2, s2: 4 }, 'Anna\'s keyboard answers, the last one counted once');
  assert.equal(byName['Cecilia Ek'], { s1: 1, s2: 4 }, 'Cecilia\'s changed answer replaced "Vet inte"');
});

story('before the reveal only the facilitator sees figures', async (ctx) => {
  await ctx.facilitator.getByTestId('scale-results').getByTestId('scale-largest-gap').waitFor();
  const big = await ctx.browser.newContext(PROJECTOR);
  recordRequests(big, ctx.requests);
  ctx.projector = await big.newPage();
  ctx.projector.setDefaultTimeout(10_000);
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  await ctx.projector.getByTestId('projector-scale-waiting').filter({ hasText: 'Frågan pågår. Svara i mobilen.' }).waitFor();
  await ctx.projector.getByTestId('projector-voters').filter({ hasText: '6' }).waitFor();
  for (const page of [ctx.projector, ...ctx.phones]) assert.is(await page.getByTestId('scale-results').count(), 0, 'no figures before the reveal');
});

story('closed and revealed: the projector shows each statement per kind, the gap marked where largest', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('scale-open-toggle').click();
  for (const phone of ctx.phones) {
    await phone.getByTestId('scale-closed').waitFor();
    assert.ok(await statement(phone, 's1').evaluate((el) => (el as HTMLFieldSetElement).disabled), 'read-only once closed');
  }
  await page.getByTestId('scale-reveal').click();
  const results = ctx.projector.getByTestId('scale-results');
  await results.waitFor();
  const s1 = results.getByTestId('scale-result').and(ctx.projector.locator('[data-statement="s1"]'));
  await s1.getByTestId('scale-largest-gap').filter({ hasText: 'Störst skillnad mellan kommun och region' }).waitFor();
  await s1.getByTestId('scale-gap').filter({ hasText: 'Skillnad kommun–region: 3,0' }).waitFor();
  const mean = async (kind: string) => (await s1.locator(`tr[data-kind="${kind}"]`).getByTestId('scale-mean').textContent())?.trim();
  assert.equal([await mean('all'), await mean('kommun'), await mean('region')], ['3,2', '1,7', '4,7']);
  const s2 = results.getByTestId('scale-result').and(ctx.projector.locator('[data-statement="s2"]'));
  assert.is(await s2.getByTestId('scale-largest-gap').count(), 0, 'only one statement is marked');
  await results.getByText('6 har svarat').waitFor();
  await audit(ctx.projector, 'the projector with a scale question\'s results');
  for (const phone of ctx.phones) await phone.getByTestId('scale-results').getByTestId('scale-largest-gap').waitFor();
});

story('no request goes to any other host than the server', async (ctx) => {
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();

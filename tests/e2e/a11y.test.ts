// axe-core (WCAG 2.1 A and AA rules) on every view of a real workshop: the start, join and create
// pages, a phone on the board, voting and in a breakout room, the facilitator's view with the
// breakout overview and the summary preview, the projector and the accessibility statement.
// No serious or critical violation anywhere; moderate and minor ones are printed as a note.
// Also: the polite live region tells a phone when someone else posts and when the timer starts.
// Needs the built client (dist/client) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, fillJoinForm, composer } from '../helpers/browser.ts';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PHONE_PERSON = { name: 'Cecilia Ek', organisation: 'Brukarrådet', orgKind: 'brukarrepresentant' };

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  phoneContext: BrowserContext;
  facilitatorPage: Page;
  phone: Page;
  workshop: CreatedWorkshop;
  f: TestClient;
  anna: TestClient;
  bo: TestClient;
  activities: { board: string; groups: string; vote: string };
  /** Moderate and minor findings, printed at the end. */
  notes: string[];
}

const views = suite<Ctx>('accessibility of every view (axe-core, WCAG 2.1 AA)');

async function projectorPage(ctx: Ctx): Promise<Page> {
  const page = await ctx.laptop.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  return page;
}

/** Runs axe on the page as it is; fails on serious or critical findings, notes the rest. */
async function audit(ctx: Ctx, page: Page, view: string, { app = true } = {}): Promise<void> {
  if (app) assert.is(await page.getByTestId('accessibility-link').count(), 1, `${view} links to the accessibility statement`);
  // Legacy mode runs axe in the page itself (same-origin frames, like the summary preview, included)
  // instead of opening a blank tab for every run.
  const result = await new AxeBuilder({ page }).withTags([...TAGS, 'best-practice']).setLegacyMode().analyze();
  const describe = (v: (typeof result.violations)[number]) =>
    `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes
      .slice(0, 5)
      .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`)
      .join('\n');
  // WCAG rules decide; axe's best practices (landmarks, heading order) are printed as notes.
  const wcag = (v: (typeof result.violations)[number]) => v.tags.some((tag) => TAGS.includes(tag));
  const severe = result.violations.filter((v) => wcag(v) && (v.impact === 'serious' || v.impact === 'critical'));
  for (const v of result.violations.filter((x) => !severe.includes(x))) ctx.notes.push(`${view}: ${describe(v)}`);
  assert.ok(result.passes.length > 0, `axe ran on ${view}`);
  assert.equal(severe.map(describe), [], `${view} has serious or critical violations`);
}

const must = async (c: TestClient, command: Record<string, unknown> & { type: string }) => {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${command.type}: ${ack.error} ${ack.message}`);
};

views.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.notes = [];
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, {
    title: 'LGS Kalmar län',
    place: 'Kalmar',
    purpose: 'Gemensam bild av läget',
    agenda: [
      { kind: 'swot' },
      { kind: 'brainstorm', title: 'Smågrupper: vad gör vi först?' },
      { kind: 'prioritise', title: 'Vad ska vi prioritera?' },
    ],
  });
  ctx.f = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.anna = await participant(ctx.srv.url, ctx.workshop.id, { name: 'Anna Andersson', organisation: 'Kalmar kommun' });
  ctx.bo = await participant(ctx.srv.url, ctx.workshop.id, { name: 'Bo Berg', organisation: 'Region Kalmar län', orgKind: 'region' });
  const [board, groups, vote] = ctx.f.state!.activities.map((a) => a.id);
  ctx.activities = { board, groups, vote };
  await must(ctx.anna, { type: 'note.add', noteId: 'note-anna-1', activityId: board, columnId: 's', text: 'Korta beslutsvägar' });
  await must(ctx.bo, { type: 'note.add', noteId: 'note-bo-01', activityId: board, columnId: 'w', text: 'Långa avstånd' });
  await must(ctx.f, { type: 'note.add', noteId: 'note-fac-1', activityId: board, columnId: 'o', text: 'Gemensam rekrytering' });
  for (const [i, text] of ['Nära vård', 'Barn och unga', 'Kompetensförsörjning'].entries())
    await must(ctx.f, { type: 'note.add', noteId: `option-${i}-xyz`, activityId: vote, columnId: 'options', text });
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  ctx.phoneContext = await ctx.browser.newContext(PHONE);
  ctx.facilitatorPage = await ctx.laptop.newPage();
  ctx.phone = await ctx.phoneContext.newPage();
  for (const page of [ctx.facilitatorPage, ctx.phone]) page.setDefaultTimeout(10_000);
});

views.after(async (ctx) => {
  for (const c of [ctx.f, ctx.anna, ctx.bo]) c?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
  if (ctx.notes?.length) console.log(`\nNote: moderate or minor axe findings\n${ctx.notes.join('\n')}\n`);
});

views('the start page', async (ctx) => {
  await ctx.phone.goto(`${ctx.srv.url}/`);
  await ctx.phone.getByTestId('join-code').waitFor();
  await audit(ctx, ctx.phone, 'start page (phone)');
});

views('the create page', async (ctx) => {
  const page = await ctx.laptop.newPage();
  await page.goto(`${ctx.srv.url}/new`);
  await page.getByTestId('create-title').waitFor();
  await audit(ctx, page, 'create page');
  await page.close();
});

views('the join page on a phone', async (ctx) => {
  await ctx.phone.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await ctx.phone.getByTestId('join-name').waitFor();
  await audit(ctx, ctx.phone, 'join page');
  // An error shown in the form is part of the page too.
  await ctx.phone.getByTestId('join-submit').click();
  await ctx.phone.getByRole('alert').waitFor();
  await audit(ctx, ctx.phone, 'join page with an error');
});

views('a participant on the board, on a phone', async (ctx) => {
  const page = ctx.phone;
  await fillJoinForm(page, PHONE_PERSON);
  await page.getByTestId('note').filter({ hasText: 'Långa avstånd' }).waitFor();
  await (await composer(page)).fill('Samverkan kring äldre');
  await page.getByTestId('note-submit').click();
  await page.getByTestId('note').filter({ hasText: 'Samverkan kring äldre' }).waitFor();
  await audit(ctx, page, 'participant board (phone)');
});

views('a phone hears politely of new notes from others and of the timer, not of its own typing', async (ctx) => {
  const page = ctx.phone;
  const region = page.getByTestId('live-region');
  assert.is(await region.getAttribute('aria-live'), 'polite');
  assert.is(await region.getAttribute('role'), 'status');
  // Alerts are for errors and the facilitator's message to everyone, not for routine news.
  const interrupting = page.locator('[role="alert"], [aria-live="assertive"]').filter({ hasText: /lapp|Nedräkning|Tiden|minut/ });
  // Every text the region held, in order: a short message may be gone before a poll sees it.
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="live-region"]')!;
    const heard: string[] = ((window as unknown as { heard: string[] }).heard = []);
    new MutationObserver(() => heard.push(region.textContent?.trim() ?? '')).observe(region, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  const heard = () => page.evaluate(() => (window as unknown as { heard: string[] }).heard.filter(Boolean));
  const said = async (text: string) => {
    const start = Date.now();
    while (!(await heard()).some((h) => h.includes(text))) {
      if (Date.now() - start > 10_000) assert.unreachable(`never said "${text}"; heard ${JSON.stringify(await heard())}`);
      await page.waitForTimeout(50);
    }
  };

  await page.getByTestId('note-input').fill('Ett utkast');
  await page.waitForTimeout(300);
  assert.equal(await heard(), [], 'typing is not announced');
  await page.getByTestId('note-input').fill('');

  await must(ctx.bo, { type: 'note.add', noteId: 'note-bo-02', activityId: ctx.activities.board, columnId: 't', text: 'Färre bussar' });
  await said('Ny lapp: Färre bussar'); // a SWOT is anonymous: no name
  await must(ctx.anna, { type: 'note.add', noteId: 'note-anna-2', activityId: ctx.activities.board, columnId: 's', text: 'Engagerade chefer' });
  await must(ctx.bo, { type: 'note.add', noteId: 'note-bo-03', activityId: ctx.activities.board, columnId: 'o', text: 'Ny lag' });
  await said('2 nya lappar.');

  await must(ctx.f, { type: 'timer.start', seconds: 62 });
  await said('Nedräkningen har startat: 1 minut.');
  await page.getByTestId('countdown').waitFor();
  await said('En minut kvar.');
  await must(ctx.f, { type: 'timer.start', seconds: 2 });
  await said('Nedräkningen har startat: 2 sekunder.');
  await said('Tiden är ute');
  await must(ctx.f, { type: 'timer.start', seconds: 600 });
  await said('Nedräkningen har startat: 10 minuter.');
  await page.getByTestId('countdown').filter({ hasText: 'Tid kvar' }).waitFor();
  assert.is(await interrupting.count(), 0, 'notes and the timer never interrupt');
});

views('the facilitator view and the projector on the board', async (ctx) => {
  const page = ctx.facilitatorPage;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await page.getByTestId('facilitator-board').getByTestId('note').filter({ hasText: 'Samverkan kring äldre' }).waitFor();
  await audit(ctx, page, 'facilitator view');
  // A selected note shows its actions (Ändra, Ta bort, Flytta till, Lägg i tema).
  await page.getByTestId('facilitator-board').getByTestId('note').filter({ hasText: 'Långa avstånd' }).getByTestId('note-select').click();
  await page.getByTestId('facilitator-board').getByTestId('note-tools').getByTestId('note-theme').waitFor();
  await audit(ctx, page, 'facilitator view, a note selected');
  await page.keyboard.press('Escape');
  const projector = await projectorPage(ctx);
  await projector.getByTestId('note').filter({ hasText: 'Korta beslutsvägar' }).waitFor();
  await audit(ctx, projector, 'projector (board)');
  await projector.close();
});

views('a participant in a breakout room; the facilitator sees the overview', async (ctx) => {
  const { groups } = ctx.activities;
  const cecilia = Object.values(ctx.f.state!.participants).find((p) => p.name === PHONE_PERSON.name)!;
  await must(ctx.f, { type: 'activity.focus', activityId: groups });
  await must(ctx.f, {
    type: 'breakout.open',
    activityId: groups,
    assignment: 'manual',
    rooms: [
      { id: 'room-north', name: 'Norra', members: [ctx.anna.participant!.id, cecilia.id], reporterId: cecilia.id },
      { id: 'room-south', name: 'Södra', members: [ctx.bo.participant!.id] },
    ],
  });
  await must(ctx.anna, { type: 'note.add', noteId: 'note-anna-room', activityId: groups, columnId: 'q1', text: 'Gemensam bemanning', roomId: 'room-north' });
  await must(ctx.bo, { type: 'note.add', noteId: 'note-bo-room', activityId: groups, columnId: 'q1', text: 'Digitala möten', roomId: 'room-south' });
  await ctx.phone.getByTestId('my-room').waitFor();
  await ctx.phone.getByTestId('note').filter({ hasText: 'Gemensam bemanning' }).waitFor();
  // Anna is in the same room, and this activity shows names.
  await ctx.phone.getByTestId('live-region').filter({ hasText: 'Ny lapp från Anna Andersson: Gemensam bemanning' }).waitFor({ state: 'attached' });
  await audit(ctx, ctx.phone, 'participant in a breakout room');
  const page = ctx.facilitatorPage;
  const overview = page.getByTestId('breakout-overview');
  await overview.getByRole('article', { name: 'Södra' }).getByTestId('room-note-count').filter({ hasText: '1' }).waitFor();
  await audit(ctx, page, 'facilitator breakout overview');
  await overview.getByRole('article', { name: 'Norra' }).getByTestId('visit-room').click();
  await overview.getByTestId('note').filter({ hasText: 'Gemensam bemanning' }).waitFor();
  await audit(ctx, page, 'facilitator visiting a room');
  const projector = await projectorPage(ctx);
  await projector.getByText('Södra').first().waitFor();
  await audit(ctx, projector, 'projector (rooms)');
  await projector.close();
  await must(ctx.f, { type: 'breakout.close', activityId: groups });
});

views('a participant votes on a phone; the facilitator and projector during the vote', async (ctx) => {
  const { vote } = ctx.activities;
  await must(ctx.f, { type: 'activity.focus', activityId: vote });
  await must(ctx.f, { type: 'voting.start', activityId: vote, dotsPerPerson: 3, maxPerOption: 2 });
  const phone = ctx.phone;
  await phone.getByTestId('dots-left').filter({ hasText: 'Prickar kvar: 3' }).waitFor();
  await phone.getByTestId('vote-option').filter({ hasText: 'Nära vård' }).getByTestId('vote-add').click();
  await phone.getByTestId('dots-left').filter({ hasText: 'Prickar kvar: 2' }).waitFor();
  await audit(ctx, phone, 'participant voting');
  await ctx.facilitatorPage.getByTestId('voting-state').waitFor();
  await audit(ctx, ctx.facilitatorPage, 'facilitator during the vote');
  const projector = await projectorPage(ctx);
  await projector.getByTestId('projector-voting').waitFor();
  await audit(ctx, projector, 'projector (vote)');
  await must(ctx.f, { type: 'voting.close', activityId: vote });
  await must(ctx.f, { type: 'results.reveal', activityId: vote, revealed: true });
  await projector.getByTestId('results').waitFor();
  await audit(ctx, projector, 'projector (results)');
  await projector.close();
  await phone.getByTestId('results').waitFor();
  await audit(ctx, phone, 'participant results');
});

views("the facilitator's summary dialog with its preview", async (ctx) => {
  const page = ctx.facilitatorPage;
  await page.getByTestId('open-summary').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const preview = dialog.getByTestId('summary-preview');
  await page.frameLocator('[data-testid="summary-preview"]').getByText('Nära vård').first().waitFor();
  await audit(ctx, page, 'summary dialog');
  // The preview's frame runs no scripts, so axe cannot look inside it: the same HTML on a page of its own.
  const printed = await ctx.laptop.newPage();
  await printed.setContent((await preview.getAttribute('srcdoc')) ?? '');
  await printed.getByText('Nära vård').first().waitFor();
  await audit(ctx, printed, 'summary preview (the printed summary)', { app: false });
  await printed.close();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
});

views('the accessibility statement, from the footer, in Swedish and English', async (ctx) => {
  const page = ctx.phone;
  await page.getByTestId('accessibility-link').click();
  const heading = page.getByRole('heading', { level: 1, name: 'Tillgänglighet för Verkstad' });
  await heading.waitFor();
  assert.is(new URL(page.url()).pathname, '/tillganglighet');
  for (const name of [
    'Hur tillgänglig är tjänsten?',
    'Vad kan du göra om du inte kan använda delar av tjänsten?',
    'Rapportera brister i tjänstens tillgänglighet',
    'Tillsyn',
    'Teknisk information om tjänstens tillgänglighet',
    'Hur vi har testat tjänsten',
  ])
    await page.getByRole('heading', { level: 2, name }).waitFor();
  assert.is(await page.getByRole('link', { name: /Digg/ }).getAttribute('href'), 'https://www.digg.se/tdosanmalan');
  assert.is(await page.getByTestId('accessibility-link').getAttribute('aria-current'), 'page');
  await audit(ctx, page, 'accessibility statement');
  await page.reload();
  await heading.waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Accessibility of Verkstad' }).waitFor();
  assert.is(await page.evaluate(() => document.documentElement.lang), 'en');
  await audit(ctx, page, 'accessibility statement (English)');
});

views.run();

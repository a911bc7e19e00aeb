// Minutes as these groups write them, in a real browser: on the laptop the facilitator sets the
// next meeting, lists two who sent apologies and writes an introduction with a link into the
// SWOT; a phone shows the introduction and its link opens in a new tab; the preview and the
// downloaded Markdown and HTML carry all of it. Nothing leaves the machine.
// Needs the built client (dist/client) and Debian's chromium.
import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop, facilitator, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, fillJoinForm, launchChromium, LAPTOP, PHONE, recordRequests, requestsLeaving } from '../helpers/browser.ts';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  phoneContext: BrowserContext;
  page: Page;
  phone: Page;
  created: CreatedWorkshop;
  /** The workshop as the server holds it, followed over a socket. */
  watcher: TestClient;
  requests: string[];
  /** The linked page: the accessibility statement of this very server, so the link can be followed. */
  link: string;
  intro: string;
}

const story = suite<Ctx>('the minutes: next meeting, apologies and an introduction with a link');

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.srv = await startServer({ clientDir });
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län', date: '2026-03-12', agenda: 'lgs' });
  ctx.watcher = await facilitator(ctx.srv.url, ctx.created);
  ctx.link = `${ctx.srv.url}/tillganglighet`;
  ctx.intro = `Föredragande: Mattias Ask.\nSamverkansplanen finns på ${ctx.link}. Bildspelet skickas ut.`;
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext({ ...LAPTOP, acceptDownloads: true });
  ctx.phoneContext = await ctx.browser.newContext(PHONE);
  recordRequests(ctx.laptop, ctx.requests);
  recordRequests(ctx.phoneContext, ctx.requests);
  ctx.page = await ctx.laptop.newPage();
  ctx.phone = await ctx.phoneContext.newPage();
  for (const page of [ctx.page, ctx.phone]) page.setDefaultTimeout(10_000);
  await ctx.page.goto(`${ctx.srv.url}/f/${ctx.created.id}#${ctx.created.facilitatorKey}`);
  await ctx.page.getByTestId('minutes-panel').waitFor();
});

story.after(async (ctx) => {
  ctx.watcher?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the facilitator sets the next meeting’s date, time and place', async ({ page, watcher }) => {
  const panel = page.getByTestId('minutes-panel');
  await panel.getByLabel('Datum').fill('2026-05-15');
  await panel.getByLabel('Från kl.').fill('13:00');
  await panel.getByLabel('Till kl.').fill('16:00');
  await panel.getByLabel('Plats').fill('Regionens hus, Kalmar');
  await panel.getByTestId('next-meeting-save').click();
  await panel.getByText('Nästa möte är sparat.').waitFor();
  const state = await watcher.until((s) => s.nextMeeting?.place === 'Regionens hus, Kalmar');
  assert.equal(state.nextMeeting, { date: '2026-05-15', start: '13:00', end: '16:00', place: 'Regionens hus, Kalmar' });
});

story('lists who sent apologies, by name and organisation, and takes one back', async ({ page, watcher }) => {
  const panel = page.getByTestId('minutes-panel');
  // A name is needed: an empty one is refused in words, next to the field.
  await panel.getByTestId('absentee-add').click();
  await panel.getByText('Skriv ett namn.').waitFor();
  for (const [name, organisation] of [['Eva Ek', 'Region Kalmar län'], ['Olle Ås', 'Torsås kommun'], ['Fel Person', '']]) {
    await panel.getByLabel('Namn', { exact: true }).fill(name);
    await panel.getByLabel('Organisation').fill(organisation);
    await panel.getByLabel('Namn', { exact: true }).press('Enter');
    await panel.getByTestId('absentees').getByText(name).waitFor();
  }
  assert.is(await panel.getByLabel('Namn', { exact: true }).inputValue(), '', 'the fields are emptied for the next one');
  await panel.getByRole('button', { name: 'Ta bort: Fel Person' }).click();
  await panel.getByTestId('absentees').getByText('Fel Person').waitFor({ state: 'detached' });
  assert.equal(await panel.getByTestId('absentees').locator('li > span').allInnerTexts(), ['Eva Ek, Region Kalmar län', 'Olle Ås, Torsås kommun']);
  const state = await watcher.until((s) => s.absentees?.length === 2);
  assert.equal(state.absentees!.map((a) => [a.name, a.organisation]), [['Eva Ek', 'Region Kalmar län'], ['Olle Ås', 'Torsås kommun']]);
});

story('writes an introduction with a link in the activity editor; the board shows it', async ({ page, watcher, intro, link }) => {
  const board = page.getByTestId('facilitator-board');
  await board.getByTestId('edit-activity').click();
  await board.getByTestId('activity-intro-input').fill(intro);
  await board.getByTestId('activity-intro-input').press('Tab');
  await board.locator('form.editor button[type="submit"]').click();
  const shown = board.getByTestId('activity-intro');
  await shown.waitFor();
  assert.is(await shown.getByRole('link').getAttribute('href'), link);
  const swot = watcher.state!.activities[0];
  await watcher.until((s) => s.activities[0].intro === intro.trim());
  assert.is(swot.kind, 'swot');
});

story('a phone shows the introduction, and its link opens the page in a new tab', async ({ srv, created, phone, phoneContext, link }) => {
  await phone.goto(`${srv.url}/j/${created.joinCode}`);
  await fillJoinForm(phone, { name: 'Anna Nilsson', organisation: 'Nybro kommun', orgKind: 'kommun' });
  const intro = phone.getByTestId('activity-intro');
  await intro.waitFor();
  const text = await intro.innerText();
  assert.ok(text.includes('Föredragande: Mattias Ask.\nSamverkansplanen finns på'), text);
  const anchor = intro.getByRole('link');
  assert.is(await anchor.count(), 1, 'one link: the address, and nothing else');
  assert.is(await anchor.getAttribute('href'), link);
  assert.is(await anchor.getAttribute('target'), '_blank');
  assert.match((await anchor.getAttribute('rel')) ?? '', /\bnoopener\b/);
  assert.match(await anchor.innerText(), new RegExp(`^${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the address itself, without the dot after it');
  const box = await anchor.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360 + 1, 'the link fits the phone’s width');
  const [opened] = await Promise.all([phoneContext.waitForEvent('page'), anchor.tap()]);
  await opened.waitForLoadState();
  assert.is(opened.url(), link);
  assert.is(await opened.evaluate(() => window.opener), null, 'the new tab cannot reach back to the workshop');
  await opened.getByRole('heading', { level: 1 }).waitFor();
  await opened.close();
});

story('a long introduction shows its first lines on the phone until opened, so the board stays in view', async ({ phone, watcher, intro }) => {
  const swot = watcher.state!.activities[0].id;
  const long = `${intro}\n\n${'Bakgrund: samverkansplanen för hälsa och välfärd i Kalmar län, med mål för nära vård, barn och unga och psykisk hälsa. '.repeat(12)}`;
  const ack = await watcher.command({ type: 'activity.update', activityId: swot, intro: long });
  assert.ok(ack.ok, JSON.stringify(ack));
  const more = phone.getByTestId('activity-intro-more');
  await more.waitFor();
  const box = phone.getByTestId('activity-intro');
  const folded = (await box.boundingBox())!.height;
  assert.ok(folded < 200, `folded it takes ${folded} px of the 740`);
  assert.is(await more.getAttribute('aria-expanded'), 'false');
  await more.tap();
  assert.is(await more.getAttribute('aria-expanded'), 'true');
  const open = (await box.boundingBox())!.height;
  assert.ok(open > folded * 2, `opened it shows the whole text (${open} px)`);
  await more.tap();
  assert.ok((await box.boundingBox())!.height < 200, 'and folds again');
  assert.ok((await watcher.command({ type: 'activity.update', activityId: swot, intro })).ok); // as before, for the stories after
  await phone.getByTestId('activity-intro-more').waitFor({ state: 'detached' });
});

/** Serious or critical WCAG 2.1 AA findings of axe on the page as it is (tests/e2e/a11y.test.ts decides the same way). */
async function severe(page: Page): Promise<string[]> {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await new AxeBuilder({ page }).withTags(tags).setLegacyMode().analyze();
  assert.ok(result.passes.length > 0, 'axe ran');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

story('axe finds nothing serious on the phone with the introduction, nor on the facilitator’s page', async ({ page, phone }) => {
  assert.equal(await severe(phone), [], 'the phone');
  assert.equal(await severe(page), [], 'the facilitator’s page');
});

const dialog = (page: Page) => page.getByTestId('summary-dialog');

story('the preview and the downloaded Markdown and HTML carry all of it', async ({ page, link }) => {
  await page.getByTestId('open-summary').click();
  const frame = dialog(page).getByTestId('summary-preview');
  await frame.waitFor();
  let preview = '';
  for (let start = Date.now(); Date.now() - start < 10_000 && !preview.includes('Nästa möte'); await page.waitForTimeout(50))
    preview = await frame.evaluate((el) => (el as HTMLIFrameElement).contentDocument?.body?.innerText ?? '');
  for (const part of ['Kommuner', 'Anmält förhinder', 'Eva Ek, Region Kalmar län', 'Nästa möte', 'fredag 15 maj 2026', 'kl. 13.00–16.00', 'Regionens hus, Kalmar', 'Föredragande: Mattias Ask.'])
    assert.ok(preview.includes(part), `the preview lacks ${part}:\n${preview}`);
  assert.not.ok(preview.includes('(Kommun)'), 'no kind in brackets after an organisation');
  const hrefs = await frame.evaluate((el) => [...((el as HTMLIFrameElement).contentDocument?.querySelectorAll('a') ?? [])].map((a) => [a.href, a.rel]));
  assert.equal(hrefs, [[link, 'noopener noreferrer']]);

  const save = async (format: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), dialog(page).getByTestId(`download-${format}`).click()]);
    assert.is(download.suggestedFilename(), `minnesanteckningar-lgs-kalmar-lan-2026-03-12.${format}`);
    return readFile((await download.path())!, 'utf8');
  };
  const md = await save('md');
  assert.ok(md.includes('### Kommuner\n\n- **Nybro kommun:** Anna Nilsson'), md);
  assert.ok(md.includes('## Anmält förhinder\n\n- Eva Ek, Region Kalmar län\n- Olle Ås, Torsås kommun'));
  assert.ok(md.includes(`Samverkansplanen finns på <${link}>. Bildspelet skickas ut.`));
  assert.ok(md.includes('## Nästa möte\n\n**Datum:** fredag 15 maj 2026  \n**Tid:** kl. 13.00–16.00  \n**Plats:** Regionens hus, Kalmar'));
  const html = await save('html');
  assert.ok(html.includes('<h3>Kommuner</h3><ul><li><strong>Nybro kommun:</strong> Anna Nilsson</li></ul>'));
  assert.ok(html.includes('<li>Eva Ek, Region Kalmar län</li><li>Olle Ås, Torsås kommun</li>'));
  assert.ok(html.includes(`<a href="${link}" rel="noopener noreferrer" target="_blank">${link}</a>. Bildspelet`));
  assert.ok(html.includes('fredag 15 maj 2026') && html.includes('kl. 13.00–16.00'));
});

story('nothing left the machine', ({ srv, requests }) => {
  const { network, foreign } = requestsLeaving(requests, srv.url);
  assert.equal(foreign, [], `requests to other hosts: ${foreign.join(', ')}`);
  assert.ok(network.length > 0, 'requests were recorded');
});

story.run();

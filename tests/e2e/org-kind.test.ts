// Nobody's kind of organisation is guessed, in a real browser. On a phone (360×740, Swedish) the
// join form starts with no kind chosen and refuses to join without one, saying so at the field;
// typing "Region Kalmar län" suggests Region, visibly, and the suggestion can be changed. Cecilia
// joins as Kommun by mistake; the facilitator on the laptop sees the name contradict the kind,
// corrects it from the participant list, and the list, her phone and the minutes' Närvarande
// follow. axe finds nothing serious or critical on the form with its error or in the dialog.
// Needs the built client (dist/client) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop, facilitator, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, recordRequests, requestsLeaving } from '../helpers/browser.ts';

const CECILIA = { name: 'Cecilia Frid', organisation: 'Region Kalmar län' };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  phoneContext: BrowserContext;
  phone: Page;
  workshop: CreatedWorkshop;
  /** The workshop as the server holds it, over a facilitator's socket. */
  host: TestClient;
  requests: string[];
}

const story = suite<Ctx>('the kind of organisation is chosen, never guessed, and the facilitator can correct it');

/** No serious or critical WCAG 2.1 AA finding on the page as it is. */
async function audit(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const severe = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.ok(result.passes.length > 0, `axe ran on ${view}`);
  assert.equal(
    severe.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `${view} has serious or critical violations`,
  );
}

const kindSelect = (page: Page) => page.getByTestId('join-orgkind');

/**
 * Which kind the minutes list someone under in Närvarande, from the preview's text: the label
 * beside their organisation ("Region Kalmar län (Kommun): Cecilia Frid"), or the heading of kinds
 * above their line ("Kommuner", "Region", …).
 */
function listedKind(text: string, name: string): string | null {
  const lines = text.split('\n').map((l) => l.trim());
  const start = lines.indexOf('Närvarande');
  const at = lines.findIndex((l, i) => i > start && l.includes(name));
  if (start < 0 || at < 0) return null;
  const beside = /\(([^)]+)\):/.exec(lines[at]);
  if (beside) return beside[1];
  const heading = lines.slice(start + 1, at).reverse().find((l) => /^(Kommun|Kommuner|Region|Regioner|Brukarrepresentanter?|Övriga|Annan)$/.test(l));
  return heading ?? null;
}

/** The text of the summary preview, once `check` holds for it. */
async function previewText(page: Page, check: (text: string) => boolean): Promise<string> {
  const frame = page.getByTestId('summary-dialog').getByTestId('summary-preview');
  await frame.waitFor();
  const start = Date.now();
  let text = '';
  while (Date.now() - start < 10_000) {
    text = await frame.evaluate((el) => (el as HTMLIFrameElement).contentDocument?.body?.innerText ?? '');
    if (check(text)) return text;
    await page.waitForTimeout(50);
  }
  throw new Error(`the preview never showed what was expected:\n${text}`);
}

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län', agenda: [{ kind: 'swot' }] });
  ctx.host = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  ctx.phoneContext = await ctx.browser.newContext(PHONE);
  recordRequests(ctx.laptop, ctx.requests);
  recordRequests(ctx.phoneContext, ctx.requests);
  ctx.phone = await ctx.phoneContext.newPage();
  ctx.phone.setDefaultTimeout(10_000);
});

story.after(async (ctx) => {
  ctx.host?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the join form has no kind chosen, and joining without one is refused at the field', async (ctx) => {
  const page = ctx.phone;
  await page.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await page.getByTestId('join-name').waitFor();
  assert.is(await kindSelect(page).inputValue(), '', 'no kind is chosen');
  assert.is((await kindSelect(page).locator('option:checked').innerText()).trim(), 'Välj …');
  await page.getByTestId('join-name').fill(CECILIA.name);
  await page.getByTestId('join-organisation').fill('Försäkringskassan');
  assert.is(await kindSelect(page).inputValue(), '', 'a name that says nothing suggests nothing');
  assert.is((await page.getByTestId('join-orgkind-hint').innerText()).trim(), '');

  await page.getByTestId('join-submit').click();
  const error = page.getByTestId('join-error');
  await error.waitFor();
  assert.match(await error.innerText(), /Välj typ av organisation/);
  assert.is(await error.getAttribute('role'), 'alert');
  assert.is(await kindSelect(page).getAttribute('aria-invalid'), 'true');
  assert.match((await kindSelect(page).getAttribute('aria-describedby')) ?? '', /\bjoin-error\b/, 'the error describes the field');
  assert.is(await page.evaluate(() => document.activeElement?.id), 'join-orgkind', 'focus is on the field to mend');
  assert.is(await page.getByTestId('join-submit').count(), 1, 'still on the form');
  assert.equal(Object.keys(ctx.host.state!.participants), [], 'nobody joined');
  await audit(page, 'join form with the kind missing');
});

story('typing "Region Kalmar län" suggests Region, visibly, and the suggestion can be changed', async (ctx) => {
  const page = ctx.phone;
  const organisation = page.getByTestId('join-organisation');
  await organisation.fill('');
  await organisation.pressSequentially(CECILIA.organisation);
  assert.is(await kindSelect(page).inputValue(), 'region');
  assert.is((await page.getByTestId('join-orgkind-hint').innerText()).trim(), 'Förslag utifrån organisationens namn: Region. Ändra om det inte stämmer.');
  assert.is(await page.getByTestId('join-orgkind-hint').getAttribute('aria-live'), 'polite');
  await audit(page, 'join form with a suggested kind');

  // She picks Kommun: her choice, which the name no longer overrides.
  await kindSelect(page).selectOption('kommun');
  assert.is((await page.getByTestId('join-orgkind-hint').innerText()).trim(), '', 'a choice is no suggestion');
  await organisation.press('End');
  await organisation.pressSequentially(' ');
  assert.is(await kindSelect(page).inputValue(), 'kommun', 'typing on keeps her choice');
  await page.getByTestId('join-submit').click();
  await page.getByText(`Du deltar som ${CECILIA.name}, ${CECILIA.organisation} (Kommun).`).waitFor();
  await ctx.host.until((s) => Object.values(s.participants).some((p) => p.name === CECILIA.name));
  const her = Object.values(ctx.host.state!.participants)[0];
  assert.equal([her.organisation, her.orgKind], [CECILIA.organisation, 'kommun']);
});

story('the facilitator corrects her kind from the laptop; the list, her phone and the minutes follow', async (ctx) => {
  const page = await ctx.laptop.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  const row = page.getByTestId('participant').filter({ hasText: CECILIA.name });
  await row.getByTestId('participant-org').filter({ hasText: `${CECILIA.organisation} · Kommun` }).waitFor();
  assert.is((await row.getByTestId('participant-kind-mismatch').innerText()).trim(), 'Namnet tyder på Region. Stämmer typen?');

  await page.getByTestId('open-summary').click();
  const before = await previewText(page, (text) => text.includes(CECILIA.name));
  assert.match(listedKind(before, CECILIA.name) ?? '', /^Kommun/, 'the minutes list her as she joined');
  await page.keyboard.press('Escape');
  await page.getByTestId('summary-dialog').waitFor({ state: 'hidden' });

  const edit = row.getByTestId('participant-edit');
  assert.is(await edit.getAttribute('aria-label'), `Ändra uppgifter för ${CECILIA.name}`);
  await edit.click();
  const editor = page.getByTestId('participant-editor');
  await editor.getByTestId('participant-form').waitFor();
  assert.is(await editor.getByTestId('participant-name').inputValue(), CECILIA.name);
  assert.is(await editor.getByTestId('participant-kind').inputValue(), 'kommun');
  await audit(page, 'the facilitator correcting a participant');
  await editor.getByTestId('participant-kind').selectOption('region');
  await editor.getByTestId('participant-save').click();
  await editor.waitFor({ state: 'hidden' });

  await row.getByTestId('participant-org').filter({ hasText: `${CECILIA.organisation} · Region` }).waitFor();
  assert.is(await row.getByTestId('participant-kind-mismatch').count(), 0, 'nothing left to point out');
  assert.is(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'participant-edit', 'focus is back on Ändra');
  await ctx.phone.getByText(`Du deltar som ${CECILIA.name}, ${CECILIA.organisation}.`).waitFor();
  await ctx.host.until((s) => Object.values(s.participants)[0].orgKind === 'region');

  await page.getByTestId('open-summary').click();
  const after = await previewText(page, (text) => listedKind(text, CECILIA.name) === 'Region');
  assert.not.match(after, /Region Kalmar län \(Kommun\)/);
  await page.close();
  assert.equal(requestsLeaving(ctx.requests, ctx.srv.url).foreign, [], 'nothing leaves the machine');
});

story.run();

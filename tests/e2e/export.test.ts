// The facilitator's end of a workshop in a real browser: the summary previewed in the app (with
// and without names), a Word download, then closing the workshop (nobody can write any more) and
// deleting it for good by typing its title. The server keeps closed workshops 30 days, which the
// join form and the close dialog say. The participant is a socket client, the projector and a
// newcomer's phone are pages. The facilitator key never rides in a request's URL, and nothing
// leaves the machine.
// Needs the built client (dist/client) and Debian's chromium.
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, recordRequests, requestsLeaving } from '../helpers/browser.ts';

const TITLE = 'LGL Kalmar län: uppföljning';
const NAME = 'Ingrid Karlsson';
const NOTE = 'Gemensam kompetensförsörjning inom psykiatrin';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  page: Page;
  projector: Page;
  phone: Page;
  workshop: CreatedWorkshop;
  activityTitle: string;
  anna: TestClient;
  requests: string[];
}

const story = suite<Ctx>('the summary, closing and deleting a workshop in the browser');

const dialog = (page: Page) => page.getByTestId('summary-dialog');

/** The text of the summary shown in the preview frame, once it contains `check`. */
async function previewText(page: Page, check: (text: string) => boolean): Promise<string> {
  const frame = dialog(page).getByTestId('summary-preview');
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
  ctx.srv = await startServer({ clientDir, retentionDays: 30 });
  ctx.workshop = await createWorkshop(ctx.srv.url, { title: TITLE, agenda: [{ kind: 'swot' }] });
  // The plenary's SWOT is on, and one participant (a socket) writes a strength in it.
  const host = await facilitator(ctx.srv.url, ctx.workshop);
  const swot = host.state!.activities[0];
  ctx.activityTitle = swot.title;
  assert.ok((await host.command({ type: 'activity.focus', activityId: swot.id })).ok);
  host.close();
  ctx.anna = await participant(ctx.srv.url, ctx.workshop.id, { name: NAME, organisation: 'Nybro kommun' });
  const posted = await ctx.anna.command({ type: 'note.add', noteId: 'note-anna-1', activityId: swot.id, columnId: 's', text: NOTE });
  assert.ok(posted.ok, 'the participant posts a note');

  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext({ ...LAPTOP, acceptDownloads: true });
  recordRequests(ctx.laptop, ctx.requests);
  ctx.page = await ctx.laptop.newPage();
  // The projector in a window of its own: a second tab would leave the facilitator's in the background.
  const big = await ctx.browser.newContext(LAPTOP);
  recordRequests(big, ctx.requests);
  ctx.projector = await big.newPage();
  const phone = await ctx.browser.newContext(PHONE);
  recordRequests(phone, ctx.requests);
  ctx.phone = await phone.newPage();
  for (const page of [ctx.page, ctx.projector, ctx.phone]) page.setDefaultTimeout(10_000);
});

story.after(async (ctx) => {
  ctx.anna?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the facilitator opens the summary and sees the title, the activity and the note', async (ctx) => {
  const { page } = ctx;
  await page.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await page.getByTestId('open-summary').click();
  await dialog(page).getByRole('heading', { name: 'Minnesanteckningar från workshoppen' }).waitFor();
  const text = await previewText(page, (t) => t.includes(NOTE));
  assert.ok(text.includes(TITLE), 'the workshop title');
  assert.ok(text.includes(ctx.activityTitle), 'the activity');
  assert.ok(text.includes(NAME), "the participant's name, with names on by default");
  const frame = dialog(page).getByTestId('summary-preview');
  assert.is(await frame.getAttribute('sandbox'), 'allow-same-origin allow-modals', 'the frame may not run scripts');
  assert.ok(await frame.getAttribute('title'), 'the frame has a title for screen readers');
});

story('unticking "Ta med namn" leaves the names out of the preview', async (ctx) => {
  const { page } = ctx;
  const names = dialog(page).getByLabel('Ta med namn');
  assert.ok(await names.isChecked(), 'names are on by default');
  await names.uncheck();
  const text = await previewText(page, (t) => t.includes('Namnen är utelämnade.'));
  assert.not.ok(text.includes(NAME), 'no name in the preview');
  assert.ok(text.includes(NOTE), 'the note is still there');
});

story('Word downloads as a .docx file', async (ctx) => {
  const { page } = ctx;
  const [download] = await Promise.all([page.waitForEvent('download'), dialog(page).getByTestId('download-docx').click()]);
  assert.match(download.suggestedFilename(), /^minnesanteckningar-lgl-kalmar-lan-uppfoljning.*\.docx$/);
  const bytes = await readFile((await download.path())!);
  assert.equal([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a zip (PK) file');
  await dialog(page).getByText(`${download.suggestedFilename()} är nedladdad.`).waitFor();
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  assert.is(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'open-summary', 'focus goes back');
});

story('a newcomer on a phone is told at joining how long the workshop is kept', async (ctx) => {
  await ctx.phone.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  const notice = await ctx.phone.getByTestId('join-notice').innerText();
  assert.ok(notice.includes('Workshoppen raderas 30 dagar efter att den avslutats.'), notice);
});

story('closing asks first, says what it means and how long it is kept; then nobody can write', async (ctx) => {
  const { page } = ctx;
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  await ctx.projector.getByText(TITLE).waitFor();
  await page.getByTestId('close-workshop').click();
  const closeDialog = page.getByTestId('close-dialog');
  await closeDialog.getByRole('heading', { name: 'Avsluta workshoppen?' }).waitFor();
  const text = await closeDialog.innerText();
  assert.ok(text.includes('kan ingen gå med eller skriva mer'), 'what closing means');
  assert.ok(text.includes('hämta minnesanteckningarna'), 'export still works');
  assert.ok(text.includes('Workshoppen raderas automatiskt 30 dagar efter att den avslutats.'), 'the retention');
  await closeDialog.getByTestId('close-confirm').click();
  await page.getByText('Avslutad. Ingen kan gå med eller skriva.').waitFor();
  assert.match(await page.getByTestId('retention').innerText(), /^Workshoppen raderas automatiskt den \d{1,2} \S+ \d{4}\.$/);
  const ack = await ctx.anna.command({ type: 'note.add', noteId: 'note-anna-2', activityId: ctx.anna.state!.activities[0].id, columnId: 'w', text: 'För sent' });
  assert.equal(ack.ok ? 'ok' : ack.error, 'closed', 'a participant can no longer post');
});

story('deleting needs the title typed exactly, then the facilitator lands on the home page', async (ctx) => {
  const { page } = ctx;
  await page.getByTestId('delete-workshop').click();
  const deleteDialog = page.getByTestId('delete-dialog');
  await deleteDialog.getByRole('heading', { name: 'Radera workshoppen för gott?' }).waitFor();
  assert.ok((await deleteDialog.innerText()).includes('Det går inte att ångra.'));
  const input = deleteDialog.getByLabel(`Skriv rubriken ”${TITLE}” för att bekräfta`);
  assert.ok(await input.evaluate((el) => el === document.activeElement), 'the title field has focus');
  const confirm = deleteDialog.getByTestId('delete-confirm');
  assert.ok(await confirm.isDisabled(), 'disabled while empty');
  await input.fill(TITLE.slice(0, -1));
  assert.ok(await confirm.isDisabled(), 'disabled while the title does not match');
  await input.fill(` ${TITLE} `);
  assert.ok(await confirm.isEnabled(), 'enabled once it matches');
  await confirm.click();
  await page.waitForURL(`${ctx.srv.url}/`);
  const notice = page.getByTestId('home-notice');
  assert.is((await notice.innerText()).trim(), `Workshoppen ”${TITLE}” är raderad.`);
  assert.ok(await notice.evaluate((el) => el === document.activeElement), 'the notice has focus');
  const remembered = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('verkstad:facilitator:')));
  assert.equal(remembered, [], 'this browser forgets the facilitator key');
  assert.is(await page.getByRole('link', { name: TITLE }).count(), 0, 'not in "Mina workshoppar"');
});

story('everyone still connected is told it was deleted, and the join code is gone', async (ctx) => {
  for (const screen of [ctx.projector, ctx.phone]) await screen.getByText('Workshoppen har raderats.').waitFor();
  const { id, joinCode } = ctx.workshop;
  const kept = await ctx.phone.evaluate(
    ([wid, code]) => Object.entries(localStorage).filter(([k, v]) => k.includes(wid) || k.includes(code) || v.includes(wid)),
    [id, joinCode],
  );
  assert.equal(kept, [], 'the phone keeps nothing of the deleted workshop (code, token, outbox)');
  const ended = ctx.anna.received.find((r) => r.name === 'ended');
  assert.equal((ended?.payload as { error?: string } | undefined)?.error, 'deleted', 'the participant socket got ended: deleted');
  const res = await fetch(`${ctx.srv.url}/api/join/${ctx.workshop.joinCode}`);
  assert.is(res.status, 404, 'the join code answers not found');
});

story('the facilitator key never rides in a URL, and nothing leaves the machine', async (ctx) => {
  const api = ctx.requests.filter((url) => url.includes('/api/'));
  assert.ok(api.some((url) => url.includes('/summary.html')), 'the preview was fetched');
  assert.equal(api.filter((url) => url.includes(ctx.workshop.facilitatorKey)), [], 'no key in an API URL');
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();

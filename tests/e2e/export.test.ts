// The facilitator's end of a workshop in a real browser: the summary previewed in the app (with
// and without names), a Word download, then closing the workshop (nobody can write any more) and
// deleting it for good by typing its title. The participant is a socket client, the projector a
// page. The facilitator key never rides in a request's URL, and nothing leaves the machine.
// Needs the built client (dist/client) and Debian's chromium.
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, recordRequests, requestsLeaving } from '../helpers/browser.ts';

const TITLE = 'LGL Kalmar län: uppföljning';
const NAME = 'Ingrid Karlsson';
const NOTE = 'Gemensam kompetensförsörjning inom psykiatrin';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  page: Page;
  projector: Page;
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
  ctx.srv = await startServer({ clientDir });
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
  ctx.projector = await ctx.laptop.newPage();
  for (const page of [ctx.page, ctx.projector]) page.setDefaultTimeout(10_000);
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
  await dialog(page).getByRole('heading', { name: 'Summering av workshoppen' }).waitFor();
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
  assert.match(download.suggestedFilename(), /^lgl-kalmar-lan-uppfoljning.*\.docx$/);
  const bytes = await readFile((await download.path())!);
  assert.equal([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a zip (PK) file');
  await dialog(page).getByText(`${download.suggestedFilename()} är nedladdad.`).waitFor();
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  assert.is(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'open-summary', 'focus goes back');
});

story.run();

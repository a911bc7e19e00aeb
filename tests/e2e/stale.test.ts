// A phone that was away while the workshop moved on, in a real browser: the note it edited
// offline was deleted meanwhile, another was moved, and the vote it dotted offline was closed.
// Back online it gets a clear message with its own text, never a note brought back or doubled,
// and the closed vote counts no offline dot. The facilitator is a socket.io client.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import { createWorkshop, facilitator, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, PHONE, fillJoinForm, composer } from '../helpers/browser.ts';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  phone: BrowserContext;
  page: Page;
  created: CreatedWorkshop;
  fac: TestClient;
}

const away = suite<Ctx>('a phone that was away while the workshop moved on');

const noteOn = (page: Page, text: string) => page.getByTestId('participant-board').getByTestId('note').filter({ hasText: text });
const copies = (state: Workshop | null, text: string) => Object.values(state?.notes ?? {}).filter((n) => n.text.startsWith(text)).length;

async function post(page: Page, text: string) {
  await (await composer(page)).fill(text);
  await page.getByTestId('note-submit').click();
  await noteOn(page, text).waitFor();
}

async function edit(page: Page, text: string, next: string) {
  const found = noteOn(page, text);
  const mine = page.locator(`[data-note-id="${await found.getAttribute('data-note-id')}"]`);
  await mine.getByRole('button', { name: /^Ändra:/ }).click();
  await mine.locator('textarea').fill(next);
  await mine.getByRole('button', { name: 'Spara' }).click();
}

async function offline(ctx: Ctx, on: boolean) {
  await ctx.phone.setOffline(on);
  await ctx.page.locator(`[data-testid="connection"][data-status="${on ? 'offline' : 'online'}"]`).waitFor({ state: 'attached' });
}

away.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({ clientDir });
  ctx.created = await createWorkshop(ctx.srv.url, {
    title: 'Samråd',
    agenda: [{ kind: 'brainstorm', title: 'Idéer', questions: ['Vad fungerar?', 'Vad behöver ändras?'] }, { kind: 'prioritise' }],
  });
  ctx.fac = await facilitator(ctx.srv.url, ctx.created);
  ctx.browser = await launchChromium();
  ctx.phone = await ctx.browser.newContext(PHONE);
  ctx.page = await ctx.phone.newPage();
  ctx.page.setDefaultTimeout(10_000);
  await ctx.page.goto(`${ctx.srv.url}/j/${ctx.created.joinCode}`);
  await fillJoinForm(ctx.page, { name: 'Anna Andersson', organisation: 'Nybro kommun', orgKind: 'kommun' });
  await ctx.page.getByTestId('composer-open').waitFor();
});

away.after(async (ctx) => {
  ctx.fac?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

away('an edit of a note deleted meanwhile comes back as a clear conflict with the text; nothing is resurrected', async (ctx) => {
  const { page, fac } = ctx;
  await post(page, 'Täta möten');
  await post(page, 'Gemensam utbildning');
  const state = await fac.until((s) => copies(s, 'Täta möten') === 1 && copies(s, 'Gemensam utbildning') === 1);
  const byText = (t: string) => Object.values(state.notes).find((n) => n.text === t)!;
  const gone = byText('Täta möten');
  const moved = byText('Gemensam utbildning');

  await offline(ctx, true);
  await edit(page, 'Täta möten', 'Täta möten varannan vecka');
  await edit(page, 'Gemensam utbildning', 'Gemensam utbildning för chefer');
  // Meanwhile the facilitator deletes one and moves the other.
  assert.ok((await fac.command({ type: 'note.delete', noteId: gone.id })).ok);
  assert.ok((await fac.command({ type: 'note.move', noteId: moved.id, columnId: 'q2' })).ok);
  await offline(ctx, false);

  const conflict = page.getByText('Lappen du ändrade har tagits bort medan du var borta. Det du skrev: ”Täta möten varannan vecka”');
  await conflict.waitFor();
  // The moved note keeps its edit, in the column it was moved to; the deleted one stays deleted.
  const after = await fac.until((s) => s.notes[moved.id]?.text === 'Gemensam utbildning för chefer');
  assert.is(after.notes[moved.id].columnId, 'q2');
  assert.not.ok(after.notes[gone.id], 'the deleted note is not brought back');
  assert.is(copies(after, 'Täta möten'), 0);
  assert.is(copies(after, 'Gemensam utbildning'), 1);
  await noteOn(page, 'Täta möten').waitFor({ state: 'detached' });
  assert.is(await noteOn(page, 'Gemensam utbildning för chefer').count(), 1);
  // A reload brings nothing back either: the refused edit left the outbox.
  await page.reload();
  await noteOn(page, 'Gemensam utbildning för chefer').waitFor();
  assert.is(await noteOn(page, 'Täta möten').count(), 0);
  assert.is(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('verkstad:outbox:')).length), 0);
  assert.is(copies(fac.state, 'Täta möten'), 0);
});

away('dots placed offline are judged by the rules when they arrive: a closed vote counts none', async (ctx) => {
  const { page, fac } = ctx;
  const vote = fac.state!.activities[1];
  for (const [i, text] of ['Nära vård', 'Barn och unga'].entries()) {
    assert.ok((await fac.command({ type: 'note.add', noteId: `option-${i}`, activityId: vote.id, columnId: 'options', text })).ok);
  }
  assert.ok((await fac.command({ type: 'voting.start', activityId: vote.id, dotsPerPerson: 3, maxPerOption: 2 })).ok);
  assert.ok((await fac.command({ type: 'activity.focus', activityId: vote.id })).ok);
  await page.getByTestId('dot-voter').waitFor();
  const option = page.getByTestId('vote-option').filter({ hasText: 'Nära vård' });
  await option.getByTestId('vote-add').click();
  await fac.until((s) => Object.keys(s.ballots[vote.id] ?? {}).length === 1);

  await offline(ctx, true);
  await option.getByTestId('vote-add').click();
  await page.getByTestId('vote-option').filter({ hasText: 'Barn och unga' }).getByTestId('vote-add').click();
  await page.locator('[data-testid="dots-left"][data-left="0"]').waitFor();
  assert.ok((await fac.command({ type: 'voting.close', activityId: vote.id })).ok);
  await offline(ctx, false);

  await page.getByText('Din prick räknades inte: röstningen stängdes innan den kom fram.').first().waitFor();
  // Only the dot placed online counts, on the phone and on the server.
  await page.getByTestId('voting-closed').waitFor();
  await option.locator('[data-testid="my-dots"][data-dots="1"]').waitFor();
  await page.getByTestId('vote-option').filter({ hasText: 'Barn och unga' }).locator('[data-testid="my-dots"][data-dots="0"]').waitFor();
  const ballots = fac.state!.ballots[vote.id];
  assert.equal(Object.values(ballots).map((b) => Object.values(b).reduce((x, y) => x + y, 0)), [1]);
});

away.run();

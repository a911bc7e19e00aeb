// A phone on flaky mobile data, in a real browser: a participant who reloads stays the same
// participant with the same notes; notes written while the connection is gone are shown as not
// saved yet, and arrive exactly once when it is back — also across a reload while offline, since
// the outbox lives in localStorage, and when the server's answer was lost and the command is sent
// again. The facilitator is a socket.io client that folds the state.
// Needs the built client (dist/client; `npm test` builds it first) and Debian's chromium.
import { type Browser, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Ack, CreatedWorkshop } from '../../shared/protocol.ts';
import type { Sequenced } from '../../shared/workshop/events.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import { createServer } from '../../server/server.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { createWorkshop, facilitator, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, requestsLeaving, recordRequests, fillJoinForm, composer } from '../helpers/browser.ts';

const UNSAVED = 'Inte sparad än';
const OFFLINE = 'Ingen anslutning.';
const BACK = 'Anslutningen är tillbaka.';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  phone: BrowserContext;
  page: Page;
  created: CreatedWorkshop;
  fac: TestClient;
  joinUrl: string;
  participantId: string;
  /** Every URL the phone asked for (HTTP and WebSocket). */
  requests: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
}

const flaky = suite<Ctx>('a phone on flaky mobile data');

// --- helpers -----------------------------------------------------------------------------

/** The participant board's note with this text. */
const note = (ctx: Ctx, text: string) =>
  ctx.page.getByTestId('participant-board').getByTestId('note').filter({ hasText: text });

const banner = (ctx: Ctx) => ctx.page.getByTestId('connection');

/** Notes with exactly this text in a folded state (the facilitator's). */
const copies = (state: Workshop | null, text: string) =>
  Object.values(state?.notes ?? {}).filter((n) => n.text === text).length;

/** Seqs of the note.added events with this text the facilitator received, raw: a duplicate shows here. */
const addedSeqs = (ctx: Ctx, text: string) =>
  ctx.fac.received
    .filter((r) => r.name === 'events')
    .flatMap((r) => r.payload as Sequenced[])
    .filter(({ event }) => event.type === 'note.added' && event.note.text === text)
    .map(({ seq }) => seq);

async function post(ctx: Ctx, text: string) {
  await (await composer(ctx.page)).fill(text);
  await ctx.page.getByTestId('note-submit').click();
  await note(ctx, text).waitFor();
}

/** Outbox entries of this page kept in localStorage. */
const storedOutbox = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('verkstad:outbox:')).length);

/** Stop the whole server: HTTP and Socket.IO (every open socket is dropped). */
async function serverDown(ctx: Ctx) {
  await ctx.srv.server.close();
}

/** Start it again on the same port and the same data folder, as after a crash or a deploy. */
async function serverUp(ctx: Ctx) {
  const port = Number(new URL(ctx.srv.url).port);
  ctx.srv.server = createServer({ store: new SqliteStore(ctx.srv.dataDir), clientDir });
  await ctx.srv.server.listen(port, '127.0.0.1');
}

/** The page says the connection is gone. */
async function offlineShown(ctx: Ctx) {
  await ctx.page.locator('[data-testid="connection"][data-status="offline"]').waitFor();
  await banner(ctx).getByText(OFFLINE).waitFor();
}

/** Every note is saved: no "not saved yet" mark, nothing left in the outbox, the banner calm. */
async function allSaved(ctx: Ctx) {
  await ctx.page.locator('[data-testid="connection"][data-status="online"]').waitFor({ state: 'attached' });
  await ctx.page.getByText(UNSAVED).first().waitFor({ state: 'detached' });
  await ctx.page.waitForFunction(
    () => !Object.keys(localStorage).some((key) => key.startsWith('verkstad:outbox:')),
  );
  assert.not.match((await banner(ctx).textContent()) ?? '', /osparad/);
}

// --- setup ---------------------------------------------------------------------------------

flaky.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.pageErrors = [];
  ctx.srv = await startServer({ clientDir });
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län – hösten' });
  ctx.fac = await facilitator(ctx.srv.url, ctx.created);
  ctx.joinUrl = `${ctx.srv.url}/j/${ctx.created.joinCode}`;
  ctx.browser = await launchChromium();
  ctx.phone = await ctx.browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'sv-SE',
  });
  recordRequests(ctx.phone, ctx.requests);
  ctx.page = await ctx.phone.newPage();
  ctx.page.on('pageerror', (err) => ctx.pageErrors.push(err.message));
  ctx.page.setDefaultTimeout(10_000);
});

flaky.after(async (ctx) => {
  ctx.fac?.close();
  // Playwright gives the browser a fresh temporary profile and removes it on close.
  await ctx.browser?.close();
  await ctx.srv?.close();
});

// --- scenarios -----------------------------------------------------------------------------

flaky('a participant who reloads is still the same participant, with their note still theirs', async (ctx) => {
  const page = ctx.page;
  await page.goto(ctx.joinUrl);
  await fillJoinForm(page, { name: 'Anna Andersson', organisation: 'Nybro kommun', orgKind: 'kommun' });
  // The link's page carried what the code opens: no lookup of it on a weak line.
  assert.equal(ctx.requests.filter((url) => url.includes('/api/join/')), []);
  await post(ctx, 'Kort väg mellan kommun och region');
  await ctx.fac.until((s) => copies(s, 'Kort väg mellan kommun och region') === 1, 5000);
  const [participant] = Object.values(ctx.fac.state!.participants);
  ctx.participantId = participant.id;

  await page.reload();
  await note(ctx, 'Kort väg mellan kommun och region').waitFor();
  await page.getByTestId('composer-open').or(page.getByTestId('note-input')).first().waitFor();
  assert.is(await page.getByTestId('join-name').count(), 0, 'no join form after a reload');
  await page.getByText('Du deltar som Anna Andersson, Nybro kommun.').waitFor();

  // Still theirs: the note offers "Ändra", and the edit is accepted by the server.
  const found = note(ctx, 'Kort väg mellan kommun och region');
  await found.getByText('Din lapp').waitFor();
  // Found by its id from here on: while edited, its text is in a textarea.
  const mine = page.locator(`[data-note-id="${await found.getAttribute('data-note-id')}"]`);
  await mine.getByRole('button', { name: /^Ändra:/ }).click();
  await mine.locator('textarea').fill('Kort väg mellan kommun och region – även på helger');
  await mine.getByRole('button', { name: 'Spara' }).click();
  await note(ctx, 'även på helger').waitFor();
  const state = await ctx.fac.until((s) =>
    Object.values(s.notes).some((n) => n.text === 'Kort väg mellan kommun och region – även på helger'),
  );
  assert.is(Object.keys(state.notes).length, 1, 'still one note');
  const edited = Object.values(state.notes)[0];
  assert.is(edited.authorId, ctx.participantId, 'the note is still the participant’s');
  assert.equal(Object.keys(state.participants), [ctx.participantId], 'still exactly one participant');
  await allSaved(ctx);
});

flaky('notes written offline are marked unsaved and arrive exactly once when back online', async (ctx) => {
  const page = ctx.page;
  await ctx.phone.setOffline(true);
  await offlineShown(ctx);

  await post(ctx, 'Skrivet i tunneln 1');
  await post(ctx, 'Skrivet i tunneln 2');
  await note(ctx, 'Skrivet i tunneln 1').getByText(UNSAVED).waitFor();
  await note(ctx, 'Skrivet i tunneln 2').getByText(UNSAVED).waitFor();
  await banner(ctx).getByText('2 osparade ändringar').waitFor();
  assert.is(await storedOutbox(page), 2, 'both notes wait in the outbox in localStorage');
  const reached = copies(ctx.fac.state, 'Skrivet i tunneln 1') + copies(ctx.fac.state, 'Skrivet i tunneln 2');
  assert.is(reached, 0, 'nothing reached the server');

  await ctx.phone.setOffline(false);
  await banner(ctx).getByText(BACK).waitFor();
  await allSaved(ctx);
  await ctx.fac.until((s) => copies(s, 'Skrivet i tunneln 1') === 1 && copies(s, 'Skrivet i tunneln 2') === 1);
  for (const text of ['Skrivet i tunneln 1', 'Skrivet i tunneln 2']) {
    assert.is(await note(ctx, text).count(), 1, `one "${text}" on the phone`);
    assert.is(addedSeqs(ctx, text).length, 1, `"${text}" added exactly once`);
  }
  // "Anslutningen är tillbaka" is a passing message, not a banner that stays.
  await banner(ctx).getByText(BACK).waitFor({ state: 'detached', timeout: 8000 });
  assert.is((await banner(ctx).textContent())?.trim(), '');
});

flaky('a note written while the server is down survives a reload and arrives exactly once', async (ctx) => {
  const page = ctx.page;
  await serverDown(ctx);
  await offlineShown(ctx);
  await post(ctx, 'Skrivet medan servern var nere');
  await note(ctx, 'Skrivet medan servern var nere').getByText(UNSAVED).waitFor();
  assert.is(await storedOutbox(page), 1);

  // The reload fails: the server is still down, the browser shows its own error page.
  const failed = await page.reload().then(
    () => null,
    (err: Error) => err,
  );
  assert.ok(failed, 'the reload cannot reach the server');
  // Let the error page commit, or it would cut into the next navigation.
  await page.waitForURL(/^chrome-error:/);

  // The server is back; the participant reloads once more and the outbox is read back.
  await serverUp(ctx);
  await page.goto(ctx.joinUrl);
  await note(ctx, 'Skrivet medan servern var nere').waitFor();
  await allSaved(ctx);
  await ctx.fac.until((s) => copies(s, 'Skrivet medan servern var nere') === 1, 8000);
  assert.is(await note(ctx, 'Skrivet medan servern var nere').count(), 1);
  assert.is(addedSeqs(ctx, 'Skrivet medan servern var nere').length, 1, 'added exactly once');
  assert.equal(Object.keys(ctx.fac.state!.participants), [ctx.participantId], 'still exactly one participant');
  assert.is(Object.keys(ctx.fac.state!.notes).length, 4);
});

flaky('a note whose answer was lost is sent again with the same id and saved once', async (ctx) => {
  const page = ctx.page;
  const text = 'Svaret kom aldrig fram';
  // The phone's socket goes through a relay that reads the Socket.IO frames and can lose the
  // server's answers: a command with an ack is "42<ackId>["command",{…}]", its ack "43<ackId>[…]".
  let loseAcks = false;
  const links: Array<{ phone: WebSocketRoute; server: WebSocketRoute }> = [];
  const sent: Array<{ link: number; ackId: string; command: { id: string; type: string; text?: string } }> = [];
  const answers: Array<{ link: number; ackId: string; ack: Ack<{ seq: number }> }> = [];
  await page.routeWebSocket(/\/socket\.io\//, (phone) => {
    const link = links.length;
    const server = phone.connectToServer();
    phone.onMessage((message) => {
      const frame = typeof message === 'string' ? /^42(\d+)(\[.*)$/s.exec(message) : null;
      if (frame) {
        const [name, command] = JSON.parse(frame[2]) as [string, (typeof sent)[number]['command']];
        if (name === 'command') sent.push({ link, ackId: frame[1], command });
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = typeof message === 'string' ? /^43(\d+)(\[.*)$/s.exec(message) : null;
      if (frame) {
        if (loseAcks) return;
        answers.push({ link, ackId: frame[1], ack: (JSON.parse(frame[2]) as [Ack<{ seq: number }>])[0] });
      }
      phone.send(message);
    });
    links.push({ phone, server });
  });
  await page.reload();
  await note(ctx, 'Skrivet medan servern var nere').waitFor();
  await allSaved(ctx);
  assert.ok(links.length > 0, 'the socket goes through the relay');

  loseAcks = true;
  await post(ctx, text);
  await ctx.fac.until((s) => copies(s, text) === 1); // the server applied it …
  assert.is(await storedOutbox(page), 1, '… but the phone never heard back: still in its outbox');

  // The connection drops before the answer arrives; the outbox sends the command again.
  loseAcks = false;
  for (const { phone, server } of links.splice(0)) {
    await phone.close();
    await server.close();
  }
  await allSaved(ctx);
  assert.ok(links.length > 0, 'the phone reconnected through the relay');

  const tries = sent.filter(({ command }) => command.type === 'note.add' && command.text === text);
  assert.is(tries.length, 2, 'sent once, and once more after the reconnect');
  assert.is(tries[0].command.id, tries[1].command.id, 'with the same command id');
  const answer = answers.find((a) => a.link === tries[1].link && a.ackId === tries[1].ackId);
  assert.ok(answer?.ack.ok, 'the server acknowledged the resend');
  assert.equal(answer.ack.data.seq, addedSeqs(ctx, text)[0], 'as the command it had already applied');

  assert.is(await note(ctx, text).count(), 1);
  assert.is(await page.getByText('Kunde inte sparas').count(), 0, 'no failure shown');
  assert.is(copies(ctx.fac.state, text), 1);
  assert.is(addedSeqs(ctx, text).length, 1, 'added exactly once');
  await page.unrouteAll();
});

flaky('a returning phone shows the board it kept before the server answers, then the server’s', async (ctx) => {
  const page = ctx.page;
  // Leaving the page keeps the board on the phone.
  await page.goto('about:blank');
  const state = ctx.fac.state!;
  const activity = state.activities.find((a) => a.id === state.currentActivityId)!;
  const away = 'Skrivet medan telefonen var borta';
  const added = await ctx.fac.command({ type: 'note.add', noteId: 'note-while-away', activityId: activity.id, columnId: activity.columns[0].id, text: away });
  assert.ok(added.ok);

  // The socket is held: the server's frames wait in a relay until it lets them through.
  let hold = true;
  const held: Array<() => void> = [];
  const fromServer: string[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (phone) => {
    const server = phone.connectToServer();
    server.onMessage((message) => {
      if (typeof message === 'string') fromServer.push(message);
      if (hold) held.push(() => phone.send(message));
      else phone.send(message);
    });
  });
  await page.goto(ctx.joinUrl);
  await note(ctx, 'Kort väg mellan kommun och region').waitFor();
  assert.ok(held.length > 0, 'the server’s first frames were held');
  assert.is(await page.locator('[data-testid="connection"]').getAttribute('data-status'), 'connecting');
  assert.is(await note(ctx, away).count(), 0, 'what was written meanwhile is not on the kept board');
  await banner(ctx).getByText('Ansluter').waitFor({ timeout: 5000 });
  assert.is(await page.getByTestId('live-region').textContent().then((text) => text?.trim()), '', 'a kept board is no news');

  // Now the server answers, with the whole picture (clock, retention and all), not only events.
  hold = false;
  for (const send of held.splice(0)) send();
  await note(ctx, away).waitFor();
  await allSaved(ctx);
  assert.ok(fromServer.some((m) => m.startsWith('42["snapshot"')), 'a snapshot replaced the kept board');
  assert.is(await note(ctx, away).count(), 1);
  await page.unrouteAll();
});

flaky('a phone removed while it was away shows that, and keeps nothing of the workshop’s board', async (ctx) => {
  const page = ctx.page;
  await page.goto('about:blank');
  const kept = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('verkstad:board:')).length);
  await page.goto(ctx.joinUrl);
  await note(ctx, 'Kort väg mellan kommun och region').waitFor();
  await page.goto('about:blank');
  await page.goto(`${ctx.srv.url}/`);
  assert.is(await kept(), 1, 'the board is kept while the participant is in the workshop');
  const removed = await ctx.fac.command({ type: 'participant.remove', participantId: ctx.participantId });
  assert.ok(removed.ok);
  await page.goto(ctx.joinUrl);
  await page.getByTestId('removed').waitFor();
  assert.is(await kept(), 0, 'refused: the kept board is gone');
});

flaky('nothing goes to another host, and the page threw no errors', async (ctx) => {
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
  assert.equal(ctx.pageErrors, []);
});

flaky.run();

// The Swedish these groups write, as the screens show it (issue 16, point 11): a phone in a group
// reads "Din grupp" and the rapportör's "Du redovisar för helgruppen vad ni kom fram till", the
// report-back speaks of grupprummen, the facilitator hides an activity with "Dölj för alla" and
// opens "Minnesanteckningar", the projector says the result comes when the vote is over, and the
// Att göra board asks "Vad ska göras?". Needs the built client (dist/client) and Debian's chromium.
import { type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { browserTestsReady, clientDir, fillJoinForm, LAPTOP, launchChromium, PHONE } from '../helpers/browser.ts';

const ANNA = { name: 'Anna Nilsson', organisation: 'Nybro kommun', orgKind: 'kommun' };

interface Ctx {
  srv: TestServer;
  browser: Browser;
  workshop: CreatedWorkshop;
  fa: TestClient;
  bo: TestClient;
  phone: Page;
  laptop: Page;
  projector: Page;
  annaId: string;
  activity: (kind: string) => string;
}

const story = suite<Ctx>('Swedish wording on the screens');

async function must(c: TestClient, command: Record<string, unknown>) {
  const ack = await c.command(command);
  assert.ok(ack.ok, `${command.type}: ${JSON.stringify(ack)}`);
}

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län' });
  ctx.fa = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.bo = await participant(ctx.srv.url, ctx.workshop.id, { name: 'Bo Ask', organisation: 'Region Kalmar län', orgKind: 'region' });
  ctx.activity = (kind) => ctx.fa.state!.activities.find((a) => a.kind === kind)!.id;
  ctx.browser = await launchChromium();
  const page = async (options: typeof PHONE) => {
    const p = await (await ctx.browser.newContext(options)).newPage();
    p.setDefaultTimeout(10_000);
    return p;
  };
  ctx.phone = await page(PHONE);
  ctx.laptop = await page(LAPTOP);
  ctx.projector = await page({ viewport: { width: 1920, height: 1080 }, locale: 'sv-SE' });
  await must(ctx.fa, { type: 'activity.focus', activityId: ctx.activity('swot') });
  await ctx.phone.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await fillJoinForm(ctx.phone, ANNA);
  // The composer may sit folded behind a button; it is there all the same.
  await ctx.phone.getByTestId('note-input').waitFor({ state: 'attached' });
  const state = await ctx.fa.until((s) => Object.values(s.participants).some((p) => p.name === ANNA.name));
  ctx.annaId = Object.values(state.participants).find((p) => p.name === ANNA.name)!.id;
});

story.after(async (ctx) => {
  ctx.fa?.close();
  ctx.bo?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('a phone in a group reads "Din grupp" and, as rapportör, what to do; afterwards "Grupprummen är stängda"', async (ctx) => {
  const { phone } = ctx;
  assert.is(await phone.getByTestId('note-input').getAttribute('placeholder'), 'Skriv en lapp …');
  await must(ctx.fa, {
    type: 'breakout.open',
    activityId: ctx.activity('swot'),
    assignment: 'manual',
    rooms: [
      { id: 'room-grupp-1', name: 'Grupp 1', members: [ctx.annaId], reporterId: ctx.annaId },
      { id: 'room-grupp-2', name: 'Grupp 2', members: [ctx.bo.participant!.id] },
    ],
  });
  await phone.getByText('Din grupp', { exact: true }).waitFor();
  await phone.getByText('Du redovisar för helgruppen vad ni kom fram till.', { exact: false }).waitFor();
  await phone.getByText('Bara din grupp ser de här lapparna tills grupprummen stängs.').waitFor();
  await ctx.laptop.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await ctx.laptop.getByRole('button', { name: 'Stäng grupprummen och samla alla' }).waitFor();
  await must(ctx.fa, { type: 'breakout.close', activityId: ctx.activity('swot') });
  await phone.getByText('Grupprummen är stängda. Här är varje grupps tavla.').waitFor();
  const body = await phone.locator('main').innerText();
  assert.not.match(body, /(?<!\p{L})(rum|rummet|rummen)(?!\p{L})/iu, 'no bare "rum" on the phone');
});

story('the facilitator hides with "Dölj för alla" and opens "Minnesanteckningar"', async (ctx) => {
  const { laptop } = ctx;
  const hide = laptop.getByTestId('unfocus');
  await hide.waitFor();
  assert.is((await hide.innerText()).trim(), 'Dölj för alla');
  assert.is((await laptop.getByTestId('open-summary').innerText()).trim(), 'Minnesanteckningar');
});

story('the projector during a vote: "Resultatet visas när röstningen är klar"', async (ctx) => {
  await must(ctx.fa, { type: 'activity.add', activityId: 'prio-wording', kind: 'prioritise' });
  await must(ctx.fa, { type: 'note.add', noteId: 'option-wording', activityId: 'prio-wording', columnId: 'options', text: 'Nära vård' });
  await must(ctx.fa, { type: 'voting.start', activityId: 'prio-wording', dotsPerPerson: 3, maxPerOption: 2 });
  await must(ctx.fa, { type: 'activity.focus', activityId: 'prio-wording' });
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  const banner = ctx.projector.getByTestId('projector-voting');
  await banner.waitFor();
  assert.is((await banner.innerText()).trim(), 'Röstning pågår. Resultatet visas när röstningen är klar. Rösta i mobilen.');
});

story('the Att göra board asks "Vad ska göras?"', async (ctx) => {
  await must(ctx.fa, { type: 'activity.focus', activityId: ctx.activity('actions') });
  const input = ctx.phone.getByTestId('note-input');
  await ctx.phone.waitForFunction(() => document.querySelector('[data-testid="note-input"]')?.getAttribute('placeholder') === 'Vad ska göras?');
  assert.is(await input.getAttribute('placeholder'), 'Vad ska göras?');
});

story.run();

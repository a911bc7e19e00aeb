// Hostile text in every field a person can fill, shown on every screen: script tags, event
// handlers, javascript: links, template and formula injection, a 500-character word, an RTL
// override and emoji, as notes (brainstorm in breakout rooms, SWOT with a theme, a revealed
// prioritisation, an evaluation), names, organisations, the workshop's title, place and purpose,
// activity and column titles, theme and room names and the announcement. The facilitator's
// view, a phone, the projector and the summary preview must show each as plain text: nothing
// runs, no dialog opens, no element is made from it, the CSP is never violated and no request
// leaves the machine. Needs the built client (dist/client) and Debian's chromium.
import { type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import type { Activity } from '../../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, PHONE, recordRequests, requestsLeaving, fillJoinForm } from '../helpers/browser.ts';

const P = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(1)>',
  svg: '<svg onload=alert(1)>',
  js: 'javascript:alert(1)',
  iframe: '"><iframe src=javascript:alert(1)>',
  template: "{{constructor.constructor('alert(1)')()}}",
  mdLink: '[x](javascript:alert(1))',
  mdImage: '![x](http://evil.example/x.png)',
  formula: '=HYPERLINK("http://evil","x")',
  dollar: '${alert(1)}',
  long: 'Samverkansöverenskommelse'.repeat(20),
  rtl: 'Svar \u202Egnp.exe\u202C klart',
  emoji: '👩‍⚕️🇸🇪🎉 Tack för i dag!',
  style: '<style>*{display:none}</style>',
  mathml: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  entity: '&lt;b&gt;inte fet&lt;/b&gt; &amp; &#60;i&#62;',
  quote: "' onmouseover='alert(1)' x='",
} as const;

const TITLE = `${P.script} LGS "Kalmar" <b>län</b>`;
const PLACE = P.img;
const PURPOSE = `${P.template} ${P.dollar}`;
const PEOPLE = [
  { name: P.img, organisation: P.formula, orgKind: 'kommun' },
  { name: P.svg, organisation: P.mdLink, orgKind: 'region' },
  { name: P.rtl, organisation: P.script, orgKind: 'brukarrepresentant' },
] as const;
/** The phone joins through the join form. */
const PHONE_PERSON = { name: P.iframe, organisation: P.js };
const ROOM_NAMES = [P.script, P.emoji];
const THEME = P.svg;
const ANNOUNCEMENT = `Paus: <a href="javascript:alert(1)">klicka</a> ${P.emoji}`;

/** Elements a payload would make if it were parsed as HTML (the preview frame itself excepted). */
const MADE_FROM_TEXT = [
  'img[src="x"]',
  'img[onerror]',
  'svg[onload]',
  '[onload]',
  '[onerror]',
  '[onmouseover]',
  'iframe:not([data-testid="summary-preview"])',
  'a[href^="javascript:" i]',
  '[href*="evil"]',
  '[src*="evil"]',
  'math',
  'mglyph',
  'object',
  'embed',
].join(', ');

interface Ctx {
  srv: TestServer;
  browser: Browser;
  workshop: CreatedWorkshop;
  host: TestClient;
  people: TestClient[];
  facilitator: Page;
  phone: Page;
  projector: Page;
  requests: string[];
  dialogs: string[];
  /** CSP violations reported on the console of any page or frame. */
  consoleViolations: string[];
}

const story = suite<Ctx>('hostile text on every screen');

const pages = (ctx: Ctx) => ({ facilitator: ctx.facilitator, phone: ctx.phone, projector: ctx.projector });

async function watch(ctx: Ctx, options: Parameters<Browser['newContext']>[0]): Promise<Page> {
  const context: BrowserContext = await ctx.browser.newContext(options);
  recordRequests(context, ctx.requests);
  await context.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => {
    ctx.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) ctx.consoleViolations.push(message.text());
  });
  return page;
}

/** What a page or frame shows as text, and the elements and violations the payloads must never make. */
async function inspect(target: Page | Frame) {
  return target.evaluate((selector) => {
    const w = window as unknown as { __violations?: string[] };
    return {
      text: document.body.innerText,
      made: [...document.querySelectorAll(selector)].map((el) => el.outerHTML.slice(0, 120)),
      inlineScripts: [...document.scripts].filter((s) => !s.src).length,
      violations: w.__violations ?? [],
    };
  }, MADE_FROM_TEXT);
}

/** Each page shows each of its texts literally, made nothing from them and saw no violation. */
async function expectShown(ctx: Ctx, expected: Partial<Record<keyof ReturnType<typeof pages>, string[]>>) {
  for (const [name, page] of Object.entries(pages(ctx))) {
    const texts = expected[name as keyof typeof expected] ?? [];
    // Wait for the last of them to show (the views update over the socket).
    if (texts.length) await page.waitForFunction((t) => t.every((s) => document.body.innerText.includes(s)), texts).catch(() => {});
    const seen = await inspect(page);
    for (const text of texts) assert.ok(seen.text.includes(text), `${name} shows ${JSON.stringify(text)}`);
    assert.equal(seen.made, [], `${name}: elements made from text`);
    assert.is(seen.inlineScripts, 0, `${name}: inline scripts`);
    assert.equal(seen.violations, [], `${name}: CSP violations`);
  }
  assert.equal(ctx.consoleViolations, [], 'CSP violations on the console');
  assert.equal(ctx.dialogs, [], 'dialogs opened');
}

const must = async (client: TestClient, command: Record<string, unknown>) => {
  const ack = await client.command(command);
  if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.message}`);
};

const activity = (ctx: Ctx, kind: Activity['kind']) => ctx.host.state!.activities.find((a) => a.kind === kind)!;

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  Object.assign(ctx, { requests: [], dialogs: [], consoleViolations: [] });
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, {
    title: TITLE,
    place: PLACE,
    purpose: PURPOSE,
    goal: P.mdLink,
    agenda: [
      { kind: 'brainstorm', title: P.svg, questions: [P.iframe, P.formula] },
      { kind: 'swot' },
      { kind: 'prioritise', title: P.dollar },
      { kind: 'evaluation' },
    ],
  });
  ctx.host = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.people = [];
  for (const who of PEOPLE) ctx.people.push(await participant(ctx.srv.url, ctx.workshop.id, who));
  ctx.browser = await launchChromium();
  ctx.facilitator = await watch(ctx, LAPTOP);
  ctx.projector = await watch(ctx, LAPTOP);
  ctx.phone = await watch(ctx, PHONE);
});

story.after(async (ctx) => {
  for (const client of [ctx.host, ...(ctx.people ?? [])]) client?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('the watch itself sees a CSP violation when one happens', async (ctx) => {
  const page = await watch(ctx, LAPTOP);
  await page.goto(`${ctx.srv.url}/`);
  await page.evaluate(() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'body{}' })));
  await page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length > 0);
  assert.match(ctx.consoleViolations.join('\n'), /style-src-elem/);
  ctx.consoleViolations.length = 0;
  await page.context().close();
});

story('a phone joins through the form with a hostile name and organisation', async (ctx) => {
  const { phone } = ctx;
  await phone.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await fillJoinForm(phone, { ...PHONE_PERSON, orgKind: 'annan' });
  await ctx.host.until((s) => Object.values(s.participants).some((p) => p.name === PHONE_PERSON.name));
  await ctx.facilitator.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await ctx.projector.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  await must(ctx.host, { type: 'announcement.send', text: ANNOUNCEMENT });
  await expectShown(ctx, {
    facilitator: [TITLE, ANNOUNCEMENT, PHONE_PERSON.name, PHONE_PERSON.organisation, ...PEOPLE.flatMap((p) => [p.name, p.organisation])],
    phone: [TITLE, ANNOUNCEMENT],
    projector: [TITLE, ANNOUNCEMENT],
  });
});

story('a brainstorm in breakout rooms with hostile room names and notes', async (ctx) => {
  const a = activity(ctx, 'brainstorm');
  await must(ctx.host, { type: 'activity.focus', activityId: a.id });
  const ids = Object.values(ctx.host.state!.participants).map((p) => p.id);
  const phoneId = Object.values(ctx.host.state!.participants).find((p) => p.name === PHONE_PERSON.name)!.id;
  const [p1, p2, p3] = ctx.people.map((c) => c.participant!.id);
  assert.ok(ids.includes(phoneId));
  const rooms = [
    { id: 'room-a', name: ROOM_NAMES[0], members: [p1, phoneId], reporterId: p1 },
    { id: 'room-b', name: ROOM_NAMES[1], members: [p2, p3], reporterId: p2 },
  ];
  await must(ctx.host, { type: 'breakout.open', activityId: a.id, assignment: 'manual', rooms });
  const [q1, q2] = a.columns.map((c) => c.id);
  await must(ctx.people[0], { type: 'note.add', noteId: 'note-b-1', activityId: a.id, columnId: q1, text: P.js });
  await must(ctx.people[0], { type: 'note.add', noteId: 'note-b-2', activityId: a.id, columnId: q2, text: P.long });
  await must(ctx.people[1], { type: 'note.add', noteId: 'note-b-3', activityId: a.id, columnId: q1, text: P.template });
  await must(ctx.people[2], { type: 'note.add', noteId: 'note-b-4', activityId: a.id, columnId: q2, text: P.quote });
  await must(ctx.people[0], { type: 'room.update', activityId: a.id, roomId: 'room-a', summary: P.mdImage });
  await expectShown(ctx, {
    facilitator: [P.svg, P.iframe, P.formula, ...ROOM_NAMES],
    phone: [ROOM_NAMES[0], P.js, P.long],
    projector: [...ROOM_NAMES],
  });
});

story('a SWOT with hostile notes grouped under a hostile theme', async (ctx) => {
  const brainstorm = activity(ctx, 'brainstorm');
  await must(ctx.host, { type: 'breakout.close', activityId: brainstorm.id });
  const a = activity(ctx, 'swot');
  await must(ctx.host, { type: 'activity.focus', activityId: a.id });
  const notes = [
    [0, 's', P.style],
    [1, 'w', P.mathml],
    [2, 'o', P.entity],
    [0, 't', P.emoji],
    [1, 's', P.rtl],
  ] as const;
  for (const [i, [who, columnId, text]] of notes.entries())
    await must(ctx.people[who], { type: 'note.add', noteId: `note-s-${i}`, activityId: a.id, columnId, text });
  await must(ctx.host, { type: 'theme.create', themeId: 'theme-1', activityId: a.id, name: THEME, noteIds: ['note-s-0', 'note-s-2'] });
  const texts = notes.map(([, , text]) => text);
  await expectShown(ctx, { facilitator: [...texts, THEME], phone: texts, projector: [...texts, THEME] });
  for (const text of [P.style, P.emoji]) await ctx.facilitator.getByText(text, { exact: true }).first().waitFor();
});

story('a prioritisation over hostile options, voted and revealed', async (ctx) => {
  const a = activity(ctx, 'prioritise');
  await must(ctx.host, { type: 'activity.focus', activityId: a.id });
  const options = [P.script, P.formula, P.mdLink, P.mdImage];
  for (const [i, text] of options.entries())
    await must(ctx.host, { type: 'note.add', noteId: `option-${i}`, activityId: a.id, columnId: 'options', text });
  await must(ctx.host, { type: 'voting.start', activityId: a.id, dotsPerPerson: 3, maxPerOption: 2 });
  await expectShown(ctx, { facilitator: [P.dollar, ...options], phone: [P.dollar, ...options], projector: [P.dollar] });
  const ballots = [[0, 0, 1], [1, 2, 3], [0, 3]];
  for (const [who, picks] of ballots.entries())
    for (const o of picks) await must(ctx.people[who], { type: 'vote.cast', activityId: a.id, optionId: `option-${o}`, delta: 1 });
  await must(ctx.host, { type: 'voting.close', activityId: a.id });
  await must(ctx.host, { type: 'results.reveal', activityId: a.id, revealed: true });
  await expectShown(ctx, { facilitator: options, phone: options, projector: options });
  for (const page of Object.values(pages(ctx))) await page.getByText(P.mdImage, { exact: true }).first().waitFor();
});

story('an evaluation with hostile comments and ratings', async (ctx) => {
  const a = activity(ctx, 'evaluation');
  await must(ctx.host, { type: 'activity.focus', activityId: a.id });
  const comments = [P.img, P.rtl, P.dollar];
  for (const [who, text] of comments.entries())
    await must(ctx.people[who], { type: 'note.add', noteId: `comment-${who}`, activityId: a.id, columnId: 'comments', text, rating: 5 - who });
  await expectShown(ctx, { facilitator: comments, phone: comments, projector: comments });
  for (const page of Object.values(pages(ctx))) await page.getByText(P.img, { exact: true }).first().waitFor();
});

story("the facilitator's summary preview shows every text literally and makes nothing from it", async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('open-summary').click();
  const frameElement = page.getByTestId('summary-dialog').getByTestId('summary-preview');
  await frameElement.waitFor();
  const frame = (await (await frameElement.elementHandle())!.contentFrame())!;
  await frame.waitForFunction((t) => document.body?.innerText.includes(t), P.long);
  const seen = await inspect(frame);
  const everything = [
    TITLE, PLACE, PURPOSE, P.mdLink, THEME, ...ROOM_NAMES,
    PHONE_PERSON.name, PHONE_PERSON.organisation, ...PEOPLE.flatMap((p) => [p.name, p.organisation]),
    ...Object.values(P),
  ];
  for (const text of everything) assert.ok(seen.text.includes(text), `the preview shows ${JSON.stringify(text)}`);
  assert.equal(seen.made, [], 'elements made from text in the preview');
  assert.is(seen.inlineScripts, 0, 'scripts in the preview');
  assert.is(await frame.evaluate(() => document.querySelectorAll('script, link, style').length), 1, 'only its own stylesheet');
  assert.is(await frame.getByText(P.formula, { exact: true }).count() > 0, true);
  await expectShown(ctx, {});
});

story('no dialog, no CSP violation and no request to another host on any screen', async (ctx) => {
  assert.equal(ctx.dialogs, []);
  assert.equal(ctx.consoleViolations, []);
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();

// docs/protocol.md §11, run: the worked example is taken from the document as it stands, run
// with node against a real server, and must print the document's "Output:" (ids aside). Its
// `step` must fold every event type as the shared `apply` does.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { apply } from '../shared/workshop/apply.ts';
import type { WorkshopEvent } from '../shared/workshop/events.ts';
import type { Workshop } from '../shared/workshop/model.ts';
import { facilitator, participant, story } from './helpers/builders.ts';
import { startServer } from './helpers/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');

/** §11's program and its printed output, as the document shows them. */
function workedExample(): { program: string; output: string } {
  const section = DOC.slice(DOC.indexOf('\n## 11.'));
  const program = /```js\n([\s\S]*?)\n```/.exec(section)?.[1];
  const output = /\nOutput:\n+```\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(program && output, '§11 has a ```js block and an "Output:" block');
  return { program: program!, output: output! };
}

/** Ids are made afresh by every run: client-made UUIDs and server-made nanoids. */
const withoutIds = (text: string) =>
  text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/'[A-Za-z0-9_-]{12}'/g, "'<id>'")
    .trimEnd();

function run(file: string, url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Run from the checkout so that `socket.io-client` resolves as it would for a reader.
    const child = spawn(process.execPath, [file, url], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const example = suite('the worked example of docs/protocol.md');

example('runs against a real server and prints what the document says', async () => {
  const { program, output } = workedExample();
  // Inside the checkout (.tmp is ignored by git), so that its imports resolve from node_modules.
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'protocol-example-'));
  const file = join(dir, 'example.mjs');
  writeFileSync(file, program);
  const srv = await startServer();
  try {
    const { code, stdout, stderr } = await run(file, srv.url);
    assert.is(code, 0, `the example failed:\n${stderr}\n${stdout}`);
    assert.fixture(withoutIds(stdout), withoutIds(output));
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

type Step = (state: Workshop, event: WorkshopEvent, seq: number) => Workshop;

/** The example's `step`, as written in the document. */
function documentedStep(): Step {
  const source = /^function step\(s, e, seq\) \{[\s\S]*?^\}/m.exec(workedExample().program)?.[0];
  assert.ok(source, 'the example defines step(s, e, seq)');
  return new Function(`${source}\nreturn step;`)() as Step;
}

example('its step folds every event type as apply does', () => {
  const step = documentedStep();
  const s = story({
    agenda: ['swot', 'brainstorm', 'prioritise', 'actions', 'evaluation', 'scale', 'wordCloud', 'ranking'],
    participants: ['p-anna1', 'p-bo0001', 'p-cilla1'],
  });
  const anna = participant('p-anna1');
  const bo = participant('p-bo0001');
  s.must(facilitator, { type: 'workshop.update', info: { title: 'Samverkan 2026', place: 'Kalmar' } });
  s.must(facilitator, { type: 'activity.add', activityId: 'extra-1', kind: 'decisions', index: 1 });
  s.must(facilitator, { type: 'activity.move', activityId: 'extra-1', index: 4 });
  s.must(facilitator, { type: 'activity.update', activityId: 'swot-1', title: 'Läget', columns: [{ id: 's', title: 'Styrkor' }, { id: 'w', title: 'Svagheter' }, { id: 'o', title: 'Möjligheter' }, { id: 't', title: 'Hot' }], anonymous: false, summary: 'Kort' });
  s.must(anna, { type: 'note.add', noteId: 'note-a01', activityId: 'swot-1', columnId: 's', text: 'Korta beslutsvägar' });
  s.must(anna, { type: 'note.edit', noteId: 'note-a01', text: 'Mycket korta beslutsvägar' });
  s.must(anna, { type: 'note.move', noteId: 'note-a01', columnId: 'o' });
  s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: true });
  s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: false });
  s.must(facilitator, {
    type: 'breakout.open', activityId: 'swot-1', assignment: 'selfSelect',
    rooms: [{ id: 'room-norr', name: 'Norr', members: ['p-anna1'], reporterId: 'p-anna1' }, { id: 'room-soder', name: 'Söder', members: ['p-bo0001'] }],
  });
  s.must(bo, { type: 'note.add', noteId: 'note-b01', activityId: 'swot-1', columnId: 'w', text: 'Olika system' });
  s.must(facilitator, { type: 'room.update', activityId: 'swot-1', roomId: 'room-norr', name: 'Norra länet', videoUrl: 'https://example.org/norr' });
  s.must(anna, { type: 'room.update', activityId: 'swot-1', roomId: 'room-norr', summary: 'Vi vill samordna' });
  s.must(anna, { type: 'room.join', activityId: 'swot-1', roomId: 'room-soder' }); // the reporter leaves
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  s.must(facilitator, { type: 'note.delete', noteId: 'note-b01' });
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  s.must(facilitator, { type: 'activity.update', activityId: 'brainstorm-1', hidden: true });
  s.must(anna, { type: 'note.add', noteId: 'idea-a01', activityId: 'brainstorm-1', columnId: 'q1', text: 'Gemensam utbildning' });
  s.must(bo, { type: 'note.add', noteId: 'idea-b01', activityId: 'brainstorm-1', columnId: 'q1', text: 'Gemensam jourtelefon' });
  s.must(facilitator, { type: 'activity.update', activityId: 'brainstorm-1', hidden: false });
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-01', activityId: 'brainstorm-1', name: 'Samverkan', noteIds: ['idea-a01'] });
  s.must(facilitator, { type: 'note.group', noteId: 'idea-b01', themeId: 'theme-01' });
  s.must(facilitator, { type: 'theme.rename', themeId: 'theme-01', name: 'Gemensamma tjänster' });
  s.must(facilitator, { type: 'voting.start', activityId: 'brainstorm-1', target: 'themes', dotsPerPerson: 2, maxPerOption: 2 });
  s.must(anna, { type: 'vote.cast', activityId: 'brainstorm-1', optionId: 'theme-01', delta: 1 });
  s.must(facilitator, { type: 'theme.delete', themeId: 'theme-01' }); // its dots go back
  s.must(facilitator, { type: 'activity.focus', activityId: 'prioritise-1' });
  s.must(facilitator, { type: 'options.import', activityId: 'prioritise-1', fromActivityId: 'brainstorm-1', what: 'notes' });
  s.must(facilitator, { type: 'voting.start', activityId: 'prioritise-1', dotsPerPerson: 3, maxPerOption: 2, live: true });
  const option = Object.values(s.state.notes).find((n) => n.activityId === 'prioritise-1')!.id;
  s.must(anna, { type: 'vote.cast', activityId: 'prioritise-1', optionId: option, delta: 1 });
  s.must(bo, { type: 'vote.cast', activityId: 'prioritise-1', optionId: option, delta: 1 });
  s.must(bo, { type: 'vote.cast', activityId: 'prioritise-1', optionId: option, delta: -1 });
  s.must(facilitator, { type: 'voting.close', activityId: 'prioritise-1' });
  s.must(facilitator, { type: 'results.reveal', activityId: 'prioritise-1', revealed: true });
  s.must(facilitator, { type: 'note.delete', noteId: option }); // a voted option: its dots go back
  s.must(facilitator, { type: 'activity.focus', activityId: 'actions-1' });
  s.must(facilitator, { type: 'note.add', noteId: 'step-0001', activityId: 'actions-1', columnId: 'actions', text: 'Boka möte', owner: 'Anna', due: '2026-04-01' });
  s.must(facilitator, { type: 'note.edit', noteId: 'step-0001', text: 'Boka möte', owner: 'Bo' });
  s.must(facilitator, { type: 'activity.focus', activityId: 'evaluation-1' });
  s.must(anna, { type: 'note.add', noteId: 'eval-a01', activityId: 'evaluation-1', columnId: 'comments', text: 'Bra dag', rating: 4 });
  s.must(anna, { type: 'note.edit', noteId: 'eval-a01', text: 'Bra dag', rating: 5 });
  s.must(anna, { type: 'note.edit', noteId: 'eval-a01', text: 'Bra dag', rating: null }); // the rating taken away
  s.must(facilitator, { type: 'projector.focus', focus: { activityId: 'evaluation-1', kind: 'column', id: 'comments' } });
  // The kinds that are answered like a vote, and their answers.
  s.must(facilitator, { type: 'activity.focus', activityId: 'scale-1' }); // clears the projector's focus
  const statement = s.state.activities.find((a) => a.id === 'scale-1')!.columns[0].id;
  s.must(facilitator, { type: 'scale.start', activityId: 'scale-1', max: 5, minLabel: 'Stämmer inte alls', maxLabel: 'Stämmer helt', dontKnow: true });
  s.must(anna, { type: 'scale.answer', activityId: 'scale-1', statementId: statement, value: 4 });
  s.must(bo, { type: 'scale.answer', activityId: 'scale-1', statementId: statement, value: 'dontKnow' });
  s.must(bo, { type: 'scale.answer', activityId: 'scale-1', statementId: statement, value: null });
  s.must(facilitator, { type: 'scale.change', activityId: 'scale-1', open: false, revealed: true });
  s.must(facilitator, { type: 'activity.focus', activityId: 'wordCloud-1' });
  s.must(facilitator, { type: 'wordcloud.start', activityId: 'wordCloud-1', maxWords: 3, maxLength: 30 });
  s.must(anna, { type: 'words.send', activityId: 'wordCloud-1', words: ['Tillit', 'Dialog'] });
  s.must(facilitator, { type: 'word.hide', activityId: 'wordCloud-1', word: 'dialog', hidden: true });
  s.must(facilitator, { type: 'wordcloud.set', activityId: 'wordCloud-1', open: false, revealed: true });
  s.must(facilitator, { type: 'activity.focus', activityId: 'ranking-1' });
  for (const noteId of ['rank-opt-1', 'rank-opt-2']) s.must(facilitator, { type: 'note.add', noteId, activityId: 'ranking-1', columnId: 'options', text: noteId });
  s.must(facilitator, { type: 'voting.start', activityId: 'ranking-1', dotsPerPerson: 1, maxPerOption: 1 });
  s.must(anna, { type: 'ranking.submit', activityId: 'ranking-1', order: ['rank-opt-2', 'rank-opt-1'] });
  s.must(facilitator, { type: 'activity.remove', activityId: 'scale-1' }); // its answers go with it
  s.must(facilitator, { type: 'timer.start', seconds: 300 });
  s.must(facilitator, { type: 'timer.pause' });
  s.must(facilitator, { type: 'timer.add', seconds: 60 });
  s.must(facilitator, { type: 'timer.resume' });
  s.must(facilitator, { type: 'timer.stop' });
  s.must(facilitator, { type: 'announcement.send', text: '2 minuter kvar' });
  s.must(facilitator, { type: 'announcement.clear' });
  s.must(facilitator, { type: 'workshop.update', info: { nextMeeting: { date: '2026-05-15', start: '13:00', end: '16:00', place: 'Kalmar' } } });
  s.must(facilitator, { type: 'activity.update', activityId: 'swot-1', intro: 'Bildspel och https://example.org/plan' });
  s.must(facilitator, { type: 'absentee.add', absenteeId: 'absent-01', name: 'Eva Ek', organisation: 'Nybro kommun' });
  s.must(facilitator, { type: 'absentee.add', absenteeId: 'absent-02', name: 'Olle Ås', organisation: '' });
  s.must(facilitator, { type: 'absentee.remove', absenteeId: 'absent-02' });
  s.must(facilitator, { type: 'participant.update', participantId: 'p-bo0001', organisation: 'Region Kalmar län', orgKind: 'region' });
  s.must(facilitator, { type: 'participant.remove', participantId: 'p-cilla1' });
  s.must(facilitator, { type: 'activity.focus', activityId: null });
  s.must(facilitator, { type: 'activity.remove', activityId: 'brainstorm-1' });
  s.must(facilitator, { type: 'workshop.close' });
  s.must(facilitator, { type: 'workshop.reopen' });

  const seen = new Set<string>();
  let state: Workshop | null = null;
  for (const { seq, event } of s.log) {
    // As it travels: JSON, where a field set to undefined is no field.
    const wire = JSON.parse(JSON.stringify(event)) as WorkshopEvent;
    seen.add(wire.type);
    if (!state) {
      state = { ...step(null as unknown as Workshop, wire, seq), seq };
      continue;
    }
    const expected = JSON.parse(JSON.stringify(apply(state, wire, seq)));
    assert.equal({ ...step(state, wire, seq), seq }, expected, `${seq} ${wire.type}`);
    state = expected as Workshop;
  }
  assert.equal(JSON.parse(JSON.stringify(state)), JSON.parse(JSON.stringify(s.state)));
  // Every event type, by construction: a type missing here fails the type check.
  const every: Record<WorkshopEvent['type'], true> = {
    'workshop.created': true, 'workshop.updated': true, 'workshop.closed': true, 'workshop.reopened': true,
    'participant.joined': true, 'participant.removed': true, 'participant.updated': true,
    'activity.added': true, 'activity.updated': true, 'activity.moved': true, 'activity.removed': true, 'activity.focused': true, 'activity.locked': true,
    'note.added': true, 'note.edited': true, 'note.moved': true, 'note.deleted': true, 'note.grouped': true,
    'theme.created': true, 'theme.renamed': true, 'theme.deleted': true,
    'voting.started': true, 'voting.changed': true, 'vote.cast': true, 'ballot.set': true,
    'scale.started': true, 'scale.changed': true, 'scale.answered': true,
    'wordcloud.started': true, 'wordcloud.changed': true, 'words.sent': true, 'word.hidden': true,
    'breakout.opened': true, 'breakout.closed': true, 'room.joined': true, 'room.updated': true,
    'timer.set': true, 'announcement.set': true, 'projector.focused': true, 'absentee.added': true, 'absentee.removed': true,
  };
  const allTypes = Object.keys(every);
  assert.equal([...seen].sort(), allTypes.sort(), 'the story meets every event type');
});

example.run();

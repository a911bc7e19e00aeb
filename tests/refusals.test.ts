// Refusals on the wire: a closed set of details a client can switch on, and a sentence for each
// in both languages, never a code or a placeholder shown to a person.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { translate } from '../shared/i18n/index.ts';
import { DETAILS, type Detail } from '../shared/protocol.ts';
import { refusalMessage } from '../shared/refusal.ts';
import { BreakoutPreviewRequest, Command, JoinRequest, parse, parseCommand, type InvalidReason } from '../shared/schema.ts';
import { LANGUAGES, type ErrorCode } from '../shared/workshop/model.ts';

const words = (lang: 'sv' | 'en') => (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate(lang, key, params);

const wording = suite('every refusal in words');

const readable = (text: string, what: string) => {
  assert.ok(text.length > 5, `${what}: "${text}"`);
  assert.not.match(text, /[{}]|error\.|invalid\./, `${what}: "${text}"`);
};

wording('each listed detail of each code has a sentence in Swedish and English', () => {
  for (const lang of LANGUAGES)
    for (const [error, details] of Object.entries(DETAILS) as Array<[ErrorCode, readonly Detail[]]>)
      for (const detail of details) readable(refusalMessage(words(lang), { error, detail }), `${lang} ${error}/${detail}`);
});

wording('a detail more specific than its code is worded more specifically', () => {
  const t = words('sv');
  assert.is(refusalMessage(t, { error: 'not_found', detail: 'note' }), 'Lappen finns inte (längre).');
  assert.is(refusalMessage(t, { error: 'forbidden', detail: 'options' }), 'Det är samtalsledaren som lägger till alternativen. Du röstar med dina prickar.');
  assert.is(refusalMessage(t, { error: 'not_current', detail: 'breakout' }), 'Grupprummen är stängda.');
  assert.is(refusalMessage(t, { error: 'limit', detail: 'notes' }), 'Workshoppen har redan 20000 lappar.');
  assert.is(refusalMessage(t, { error: 'too_large', detail: 'participant' }), 'Meddelandet är för stort (högst 16 kB).');
  assert.is(refusalMessage(words('en'), { error: 'too_large', detail: 'facilitator' }), 'The message is too large (at most 96 kB).');
  // A detail with no wording of its own falls back on its code's.
  assert.is(refusalMessage(t, { error: 'rate_limited', detail: 'socket' }), translate('sv', 'error.rate_limited'));
  assert.is(refusalMessage(t, { error: 'locked' }), 'Aktiviteten är låst.');
});

wording('a column that still holds notes is named where the sender knows which', () => {
  const t = words('sv');
  assert.is(refusalMessage(t, { error: 'column_not_empty', title: 'Hot' }), 'Kolumnen ”Hot” har lappar. Flytta eller ta bort dem först.');
  readable(refusalMessage(t, { error: 'column_not_empty' }), 'without a title');
});

wording('an invalid field is named with why, in the reader’s language', () => {
  const reasons: InvalidReason[] = ['missing', 'type', 'choice', 'empty', 'too_long', 'too_many', 'format', 'range', 'reserved', 'duplicate', 'unknown_key'];
  for (const lang of LANGUAGES)
    for (const reason of reasons)
      readable(refusalMessage(words(lang), { error: 'invalid', detail: 'text', reason, max: 500 }), `${lang} ${reason}`);
  assert.is(refusalMessage(words('sv'), { error: 'invalid', detail: 'text', reason: 'too_long', max: 500 }), 'Ogiltiga uppgifter: text får vara högst 500 tecken.');
  assert.is(refusalMessage(words('en'), { error: 'invalid', detail: 'rooms.2.videoUrl', reason: 'format' }), 'Invalid input: rooms.2.videoUrl has the wrong format.');
  // Without the reason (a client has only the detail) the field is still named.
  assert.is(refusalMessage(words('en'), { error: 'invalid', detail: 'info.title' }), 'Invalid input in info.title.');
});

wording.run();

const paths = suite('invalid names the failing field');

const fields = (input: unknown, schema: Parameters<typeof parse>[0] = Command) => {
  const parsed = parse(schema, input);
  return parsed.ok ? 'ok' : { detail: parsed.detail, reason: parsed.reason, ...(parsed.max !== undefined && { max: parsed.max }) };
};
const note = (fields: Record<string, unknown>) => ({
  id: 'cmd-000001', type: 'note.add', noteId: 'note-000001', activityId: 'swot-1', columnId: 's', text: 'Hej', ...fields,
});

paths('by its path, with a reason from a closed list', () => {
  assert.equal(fields({ id: 'cmd-000001', type: 'announcement.send', text: ' ' }), { detail: 'text', reason: 'empty' });
  assert.equal(fields(note({ text: 'å'.repeat(501) })), { detail: 'text', reason: 'too_long', max: 500 });
  assert.equal(fields(note({ text: 42 })), { detail: 'text', reason: 'type' });
  assert.equal(fields(note({ noteId: 'constructor' })), { detail: 'noteId', reason: 'reserved' });
  assert.equal(fields(note({ noteId: 'x' })), { detail: 'noteId', reason: 'format' });
  assert.equal(fields(note({ rating: 7 })), { detail: 'rating', reason: 'range' });
  assert.equal(fields({ id: 'cmd-000001', type: 'note.add' }), { detail: 'noteId', reason: 'missing' });
  assert.equal(fields({ id: 'cmd-000001', type: 'note.shout' }), { detail: 'type', reason: 'choice' });
  assert.equal(fields({ id: 'cmd-000001', type: 'workshop.update', info: { language: 'de' } }), { detail: 'info.language', reason: 'choice' });
  assert.equal(
    fields({ id: 'cmd-000001', type: 'breakout.open', activityId: 'swot-1', assignment: 'mixed', rooms: [{ id: 'room-01', name: 'A', members: [], videoUrl: 'javascript:alert(1)' }] }),
    { detail: 'rooms.0.videoUrl', reason: 'format' },
  );
  assert.equal(fields({ token: 'x', name: 'A', organisation: 'B', orgKind: 'kommun' }, JoinRequest), { detail: 'token', reason: 'format' });
  assert.equal(fields({ activityId: 'swot-1', assignment: 'mixed' }, BreakoutPreviewRequest), { detail: 'rooms', reason: 'format' });
  // In a union (a count or names), the branch that got furthest names the field.
  assert.equal(fields({ activityId: 'swot-1', assignment: 'mixed', rooms: ['Norr', ' '] }, BreakoutPreviewRequest), { detail: 'rooms.1', reason: 'empty' });
});

paths('an unknown key blames the object that holds it; a non-object is the payload', () => {
  assert.equal(fields(note({ authorId: 'p-bertil' })), { detail: 'payload', reason: 'unknown_key' });
  assert.equal(fields({ id: 'cmd-000001', type: 'workshop.update', info: { status: 'closed' } }), { detail: 'info', reason: 'unknown_key' });
  for (const input of [null, 5, 'text']) assert.equal(fields(input), { detail: 'payload', reason: 'type' }, JSON.stringify(input));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.is(parseCommand(cyclic).ok, false);
});

paths.run();

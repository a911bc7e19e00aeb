// What a phone says when a change made while away meets a workshop that moved on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { conflictText, emptiedTitle } from '../client/src/lib/conflicts.ts';
import { translate } from '../shared/i18n/index.ts';
import { refusalMessage } from '../shared/refusal.ts';
import type { Command } from '../shared/schema.ts';
import { story, participant } from './helpers/builders.ts';

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('sv', key, params);
const cmd = (c: Record<string, unknown>) => ({ id: 'cmd-000001', ...c }) as Command;

const it = suite('conflicts after being away');

it('an edit of a deleted note gives the text back; other changes of it say it is gone', () => {
  assert.is(
    conflictText(cmd({ type: 'note.edit', noteId: 'note-1', text: 'Min nya text' }), { error: 'not_found', detail: 'note' }, t),
    'Lappen du ändrade har tagits bort medan du var borta. Det du skrev: ”Min nya text”',
  );
  for (const type of ['note.move', 'note.delete'])
    assert.is(conflictText(cmd({ type, noteId: 'note-1', columnId: 's' }), { error: 'not_found', detail: 'note' }, t), 'Lappen har redan tagits bort.');
  // A missing activity or column is not this conflict: the plain error text says it.
  assert.is(conflictText(cmd({ type: 'note.move', noteId: 'note-1', columnId: 's' }), { error: 'not_found', detail: 'column' }, t), null);
});

it('a dot that arrives after the vote closed or its option went is explained; taking one back is not', () => {
  const dot = (delta: number) => cmd({ type: 'vote.cast', activityId: 'act-1', optionId: 'opt-1', delta });
  assert.match(conflictText(dot(1), { error: 'voting_closed' }, t)!, /röstningen stängdes/);
  assert.match(conflictText(dot(1), { error: 'not_found', detail: 'voting' }, t)!, /röstningen stängdes/);
  assert.match(conflictText(dot(1), { error: 'not_found', detail: 'option' }, t)!, /alternativet finns inte längre/);
  assert.is(conflictText(dot(-1), { error: 'voting_closed' }, t), null);
  assert.is(conflictText(dot(1), { error: 'no_dots_left' }, t), null);
});

it('a column that still holds notes is named from the page’s own command and state', () => {
  const s = story({ agenda: ['swot'], participants: ['p-anna1'] });
  s.must(participant('p-anna1'), { type: 'note.add', noteId: 'note-hot1', activityId: 'swot-1', columnId: 't', text: 'Kompetensbrist' });
  const keep = (ids: string[]) => s.state.activities[0].columns.filter((c) => ids.includes(c.id));
  const update = (ids: string[]) => cmd({ type: 'activity.update', activityId: 'swot-1', columns: keep(ids) });
  assert.is(emptiedTitle(update(['s', 'w', 'o']), s.state), 'Hot');
  assert.is(emptiedTitle(update(['s', 't']), s.state), undefined, 'the emptied columns hold no notes');
  assert.is(emptiedTitle(cmd({ type: 'note.delete', noteId: 'note-hot1' }), s.state), undefined);
  assert.is(
    refusalMessage(t, { error: 'column_not_empty', title: emptiedTitle(update(['s']), s.state) }),
    'Kolumnen ”Hot” har lappar. Flytta eller ta bort dem först.',
  );
});

it.run();

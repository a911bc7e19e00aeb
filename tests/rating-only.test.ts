// An evaluation's rating counts on its own: a participant taps "5 Mycket bra" and it is stored,
// the comment can come later or never; the average counts it. Anywhere else a note needs words.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { averageRating } from '../shared/workshop/voting.ts';
import { facilitator, participant, story, T0 } from './helpers/builders.ts';

const ANNA = 'p-anna-01';
const BO = 'p-bo-0001';
const anna = participant(ANNA);
const bo = participant(BO);

const rating = suite('a rating on its own');

const evaluation = () => {
  const s = story({ agenda: ['evaluation', 'swot'], participants: [ANNA, BO] });
  s.now = T0;
  return s;
};

rating('is stored without a comment, and counts in the average', () => {
  const s = evaluation();
  s.must(anna, { type: 'note.add', noteId: 'note-anna-1', activityId: 'evaluation-1', columnId: 'comments', text: '', rating: 5 });
  s.must(bo, { type: 'note.add', noteId: 'note-bo-001', activityId: 'evaluation-1', columnId: 'comments', text: 'Bra dag', rating: 4 });
  const note = s.state.notes['note-anna-1'];
  assert.equal([note.text, note.rating, note.authorId], ['', 5, ANNA]);
  assert.equal(averageRating(Object.values(s.state.notes)), { average: 4.5, count: 2 });
});

rating('the comment is added and changed later, the rating kept', () => {
  const s = evaluation();
  s.must(anna, { type: 'note.add', noteId: 'note-anna-1', activityId: 'evaluation-1', columnId: 'comments', text: '', rating: 5 });
  s.must(anna, { type: 'note.edit', noteId: 'note-anna-1', text: 'Givande samtal' });
  assert.equal([s.state.notes['note-anna-1'].text, s.state.notes['note-anna-1'].rating], ['Givande samtal', 5]);
  s.must(anna, { type: 'note.edit', noteId: 'note-anna-1', text: 'Givande samtal', rating: 3 });
  assert.is(s.state.notes['note-anna-1'].rating, 3);
  // Taking the comment away again leaves the rating.
  s.must(anna, { type: 'note.edit', noteId: 'note-anna-1', text: '' });
  assert.equal([s.state.notes['note-anna-1'].text, s.state.notes['note-anna-1'].rating], ['', 3]);
});

rating('can be taken away from a comment, but a note of neither is refused', () => {
  const s = evaluation();
  s.must(anna, { type: 'note.add', noteId: 'note-anna-1', activityId: 'evaluation-1', columnId: 'comments', text: 'Bra', rating: 4 });
  const events = s.must(anna, { type: 'note.edit', noteId: 'note-anna-1', text: 'Bra', rating: null });
  assert.is(events.length, 1);
  assert.not.ok('rating' in s.state.notes['note-anna-1'], 'the rating is gone');
  assert.is(averageRating(Object.values(s.state.notes)), null);
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-anna-1', text: '', rating: null }), 'invalid');
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-anna-1', text: '' }), 'invalid', 'no rating left to stand alone');
  assert.equal(s.must(anna, { type: 'note.edit', noteId: 'note-anna-1', text: 'Bra', rating: null }), [], 'nothing to take away');
});

rating('is one per person like a comment', () => {
  const s = evaluation();
  s.must(anna, { type: 'note.add', noteId: 'note-anna-1', activityId: 'evaluation-1', columnId: 'comments', text: '', rating: 5 });
  assert.is(s.try(anna, { type: 'note.add', noteId: 'note-anna-2', activityId: 'evaluation-1', columnId: 'comments', text: '', rating: 2 }), 'one_per_person');
});

rating('elsewhere a note without words is refused, rating or not', () => {
  const s = evaluation();
  s.must(facilitator, { type: 'activity.focus', activityId: 'swot-1' });
  assert.is(s.try(anna, { type: 'note.add', noteId: 'note-anna-3', activityId: 'swot-1', columnId: 's', text: '', rating: 5 }), 'invalid');
  assert.is(s.try(anna, { type: 'note.add', noteId: 'note-anna-3', activityId: 'swot-1', columnId: 's', text: '  ' }), 'invalid');
  s.must(anna, { type: 'note.add', noteId: 'note-anna-3', activityId: 'swot-1', columnId: 's', text: 'Styrka' });
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-anna-3', text: '', rating: 5 }), 'invalid');
  assert.is(s.state.notes['note-anna-3'].text, 'Styrka');
});

rating.run();

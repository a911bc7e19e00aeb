// Word cloud (ordmoln): variants of one word merge, each person counts once per word and once in
// all (a changed answer replaces the earlier one), the order people answered in never matters,
// and no kind of organisation with fewer than 3 respondents has a figure. Words the facilitator
// hid and who wrote what never reach a participant's or the projector's view. Pure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ORG_KINDS, type OrgKind } from '../shared/workshop/model.ts';
import { MIN_KIND_VOTERS } from '../shared/workshop/voting.ts';
import { projection, view, viewEvent } from '../shared/workshop/view.ts';
import { tallyWords, tidyWord, wordKey, type WordCloudResult } from '../shared/workshop/wordCloud.ts';
import { facilitator, joinedEvent, participant, projector, story, type Story } from './helpers/builders.ts';

const CLOUD = 'wordCloud-1';

function cloud(maxWords = 3): Story {
  const s = story({ agenda: [{ kind: 'wordCloud', id: CLOUD }] });
  s.must(facilitator, { type: 'wordcloud.start', activityId: CLOUD, maxWords, maxLength: 30 });
  return s;
}

function answer(s: Story, id: string, kind: OrgKind, words: string[]) {
  if (!s.state.participants[id]) s.record(joinedEvent(id, kind));
  s.must(participant(id), { type: 'words.send', activityId: CLOUD, words });
}

const figures = (r: WordCloudResult) => r.words.map((w) => [w.text, w.total]);

// ---------------------------------------------------------------------------------------------
const merging = suite('merging variants');

merging('case, surrounding space and trailing punctuation make one word', () => {
  assert.is(tidyWord('  Tillit.  '), 'Tillit');
  assert.is(wordKey('TILLIT!!'), 'tillit');
  assert.is(wordKey('god  dialog …'), 'god dialog');
  const s = cloud();
  answer(s, 'p-anna01', 'kommun', ['Tillit', 'Dialog']);
  answer(s, 'p-bertil', 'kommun', ['tillit.', ' dialog ']);
  answer(s, 'p-cecili', 'region', ['TILLIT!', 'Samsyn?']);
  assert.equal(figures(tallyWords(s.state, CLOUD)), [['Tillit', 3], ['Dialog', 2], ['Samsyn', 1]]);
});

merging('one person saying the same word twice counts once', () => {
  const s = cloud();
  answer(s, 'p-anna01', 'kommun', ['Tillit', 'tillit!', 'Dialog']);
  assert.equal(s.state.words?.[CLOUD]?.['p-anna01'], ['Tillit', 'Dialog']);
  assert.equal(figures(tallyWords(s.state, CLOUD)), [['Dialog', 1], ['Tillit', 1]]);
});

merging('more words than the facilitator allows, or too long, is refused; closed takes none', () => {
  const s = cloud(2);
  s.record(joinedEvent('p-anna01', 'kommun'));
  assert.is(s.try(participant('p-anna01'), { type: 'words.send', activityId: CLOUD, words: ['a', 'b', 'c'] }), 'invalid');
  assert.is(s.try(participant('p-anna01'), { type: 'words.send', activityId: CLOUD, words: ['x'.repeat(31)] }), 'invalid');
  assert.is(s.try(facilitator, { type: 'words.send', activityId: CLOUD, words: ['a'] }), 'forbidden');
  s.must(facilitator, { type: 'wordcloud.set', activityId: CLOUD, open: false });
  assert.is(s.try(participant('p-anna01'), { type: 'words.send', activityId: CLOUD, words: ['a'] }), 'voting_closed');
  assert.is(s.try(participant('p-anna01'), { type: 'word.hide', activityId: CLOUD, word: 'a', hidden: true }), 'forbidden');
});

// ---------------------------------------------------------------------------------------------
const props = suite('the tally, for any hall');

const KINDS = fc.constantFrom<OrgKind>(...ORG_KINDS);
const WORDS = fc.constantFrom('Tillit', 'tillit.', 'Dialog', 'DIALOG!', 'Samsyn', 'Gemensamt ansvar', 'Trygghet', 'trygghet ');
const HALL = fc.array(fc.record({ kind: KINDS, words: fc.array(WORDS, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 14 });

props('any order of respondents gives the same result', () => {
  fc.assert(
    fc.property(HALL, fc.func(fc.integer()), (hall, key) => {
      const people = hall.map((p, i) => ({ ...p, id: `p-${String(i).padStart(5, '0')}` }));
      const shuffled = [...people].sort((a, b) => key(a.id) - key(b.id) || (a.id < b.id ? -1 : 1));
      const a = cloud();
      const b = cloud();
      for (const p of people) answer(a, p.id, p.kind, p.words);
      for (const p of shuffled) answer(b, p.id, p.kind, p.words);
      assert.equal(tallyWords(a.state, CLOUD), tallyWords(b.state, CLOUD));
    }),
    { numRuns: 150 },
  );
});

props('a changed answer counts once: only the last words sent count', () => {
  fc.assert(
    fc.property(HALL, fc.array(WORDS, { minLength: 1, maxLength: 3 }), (hall, first) => {
      const once = cloud();
      const changed = cloud();
      hall.forEach((p, i) => {
        const id = `p-${String(i).padStart(5, '0')}`;
        answer(once, id, p.kind, p.words);
        answer(changed, id, p.kind, first);
        answer(changed, id, p.kind, p.words);
      });
      const r = tallyWords(changed.state, CLOUD);
      assert.equal(r, tallyWords(once.state, CLOUD));
      assert.is(r.respondents, hall.length);
      for (const w of r.words) assert.ok(w.total <= hall.length, 'no word counted more often than people answered');
    }),
    { numRuns: 150 },
  );
});

props('no kind with fewer than 3 respondents has a figure; beside a kind shown, the withheld never hold 1 or 2 together', () => {
  fc.assert(
    fc.property(HALL, (hall) => {
      const s = cloud();
      hall.forEach((p, i) => answer(s, `p-${String(i).padStart(5, '0')}`, p.kind, p.words));
      const r = tallyWords(s.state, CLOUD);
      const count = (k: OrgKind) => hall.filter((p) => p.kind === k).length;
      let withheldPeople = 0;
      for (const k of ORG_KINDS) {
        const n = count(k);
        if (n > 0 && n < MIN_KIND_VOTERS) {
          assert.is(r.respondentsByKind[k], 'fewerThan3');
          for (const w of r.words) assert.is(w.byKind[k], 'fewerThan3');
        }
        if (typeof r.respondentsByKind[k] !== 'number') withheldPeople += n;
      }
      // With a kind shown, the total less the kinds shown must not give one or two people away.
      const shownKind = ORG_KINDS.some((k) => typeof r.respondentsByKind[k] === 'number' && count(k) > 0);
      if (shownKind) assert.ok(withheldPeople === 0 || withheldPeople >= MIN_KIND_VOTERS, `withheld kinds hold ${withheldPeople}`);
    }),
    { numRuns: 300 },
  );
});

// ---------------------------------------------------------------------------------------------
const secrecy = suite('who sees the words');

function collected(): Story {
  const s = cloud();
  answer(s, 'p-anna01', 'kommun', ['Tillit', 'Idiot']);
  answer(s, 'p-bertil', 'kommun', ['Tillit']);
  answer(s, 'p-cecili', 'kommun', ['Dialog']);
  return s;
}

secrecy('before reveal a participant sees only their own words and the projector none', () => {
  const s = collected();
  assert.equal(view(s.state, participant('p-bertil')).words, { [CLOUD]: { 'p-bertil': ['Tillit'] } });
  assert.equal(view(s.state, projector).words, { [CLOUD]: {} });
  assert.is(projection(s.state).wordClouds, undefined);
  assert.is(projection(s.state).voters[CLOUD], 3, 'how many answered, never what');
  const sent = s.log.at(-1)!.event;
  assert.is(viewEvent(s.state, sent, participant('p-anna01')), null);
  assert.is(viewEvent(s.state, sent, projector), null);
  assert.equal(viewEvent(s.state, sent, participant('p-cecili')), sent);
});

secrecy('a hidden word is in nobody else\'s result, view or event; the facilitator still sees it marked', () => {
  const s = collected();
  const [hid] = s.must(facilitator, { type: 'word.hide', activityId: CLOUD, word: 'idiot', hidden: true });
  assert.is(viewEvent(s.state, hid, participant('p-anna01')), null);
  assert.is(viewEvent(s.state, hid, projector), null);
  assert.equal(view(s.state, projector).hiddenWords, {});
  s.must(facilitator, { type: 'wordcloud.set', activityId: CLOUD, revealed: true });
  const shown = projection(s.state).wordClouds![CLOUD];
  assert.equal(figures(shown), [['Tillit', 2], ['Dialog', 1]]);
  assert.is(shown.hiddenCount, 1);
  assert.not.ok(JSON.stringify(projection(s.state)).includes('Idiot'));
  assert.ok(tallyWords(s.state, CLOUD, true).words.some((w) => w.text === 'Idiot' && w.hidden));
});

secrecy('live results show while collecting; a removed participant no longer counts', () => {
  const s = story({ agenda: [{ kind: 'wordCloud', id: CLOUD }] });
  s.must(facilitator, { type: 'wordcloud.start', activityId: CLOUD, maxWords: 2, maxLength: 30, live: true });
  answer(s, 'p-anna01', 'region', ['Tillit']);
  assert.equal(figures(projection(s.state).wordClouds![CLOUD]), [['Tillit', 1]]);
  s.must(facilitator, { type: 'participant.remove', participantId: 'p-anna01' });
  assert.equal(projection(s.state).wordClouds![CLOUD].respondents, 0);
});

secrecy('participants write no notes on a word cloud', () => {
  const s = cloud();
  s.record(joinedEvent('p-anna01', 'kommun'));
  assert.is(s.note(participant('p-anna01'), 'note-000001', CLOUD, 'Tillit'), 'forbidden');
});

secrecy('once the cloud has been shown by kind, a respondent\'s kind is no longer corrected', () => {
  const s = collected();
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-anna01', orgKind: 'region' }), 'ok', 'before the reveal it may be');
  s.must(facilitator, { type: 'participant.update', participantId: 'p-anna01', orgKind: 'kommun' });
  s.must(facilitator, { type: 'wordcloud.set', activityId: CLOUD, revealed: true });
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-anna01', orgKind: 'region' }), 'forbidden');
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-anna01', name: 'Anna A' }), 'ok', 'the name still may');
});

merging.run();
props.run();
secrecy.run();

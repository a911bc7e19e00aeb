// A big, realistic workshop for the benches, built without a server: every step is a command
// through the real schema, `decide` and `apply` (the tests' Story), so the state is one the
// server could have produced. Deterministic: the same notes, votes and names on every run.
import { Story, facilitator as F, participant } from '../tests/helpers/builders.ts';
import type { OrgKind, Participant, Workshop } from '../shared/workshop/model.ts';

export interface BigWorkshop {
  state: Workshop;
  participants: number;
  notes: number;
  themes: number;
}

/** 40 people as a Swedish joint leadership group brings them: kommuner, region, users' and others. */
const ORGS: Array<{ kind: OrgKind; people: number; names: string[] }> = [
  { kind: 'kommun', people: 16, names: ['Kalmar kommun', 'Nybro kommun', 'Västerviks kommun', 'Oskarshamns kommun', 'Borgholms kommun', 'Emmaboda kommun', 'Torsås kommun', 'Mönsterås kommun'] },
  { kind: 'region', people: 12, names: ['Region Kalmar län'] },
  { kind: 'brukarrepresentant', people: 6, names: ['NSPH Kalmar län', 'Attention Kalmar', 'RSMH Kalmar'] },
  { kind: 'annan', people: 6, names: ['Försäkringskassan', 'Arbetsförmedlingen', 'Polisen Kalmar'] },
];
const FIRST = ['Anna', 'Bertil', 'Cecilia', 'David', 'Eva', 'Fredrik', 'Gunilla', 'Hassan', 'Ingrid', 'Johan', 'Karin', 'Lars', 'Maria', 'Nils'];
const LAST = ['Nilsson', 'Ask', 'Frid', 'Hartz', 'Karlsson', 'Wilhelmsson', 'Berg', 'Lind', 'Öberg', 'Åström', 'Yilmaz'];
const WORDS = (
  'samverkan mellan kommun och region behöver tydligare ansvar för barn och unga med psykisk ohälsa ' +
  'vi ser att nära vård fungerar bättre när hemsjukvården har gemensam planering och kortare väntetider ' +
  'brukarnas röst ska höras tidigt i arbetet med äldre personal bemanning kompetens uppföljning av mål'
).split(' ');

/** A small seeded generator (mulberry32): the same workshop on every run and every machine. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function bigWorkshop(): BigWorkshop {
  const rnd = random(8);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  /** A note of 6–30 words, now and then over two lines, as people write on phones. */
  const sentence = () => {
    const words = Array.from({ length: 6 + Math.floor(rnd() * 25) }, () => pick(WORDS));
    if (rnd() < 0.15) words.splice(words.length >> 1, 0, '\n');
    const text = words.join(' ').replace(/ \n /, '\n');
    return text[0].toUpperCase() + text.slice(1) + '.';
  };

  const s = new Story({
    title: 'LGS Kalmar län: uppföljning våren 2026',
    agenda: [
      { kind: 'swot', title: 'SWOT: samverkan i länet' },
      { kind: 'startStopContinue', withOptional: true },
      { kind: 'brainstorm', title: 'Gruppdiskussion', questions: ['Vad fungerar?', 'Vad behöver vi ändra?'] },
      { kind: 'prioritise', title: 'Vilka områden ska vi prioritera?' },
      'evaluation',
      'decisions',
      { kind: 'actions', title: 'Att göra till nästa möte' },
    ],
  });
  const people: Participant[] = [];
  for (const org of ORGS)
    for (let i = 0; i < org.people; i++) {
      const n = people.length;
      const p: Participant = {
        id: `p-${String(n + 1).padStart(4, '0')}`,
        name: `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`,
        organisation: org.names[i % org.names.length],
        orgKind: org.kind,
        joinedAt: s.now + n * 1000,
        removed: false,
      };
      s.record({ type: 'participant.joined', participant: p });
      people.push(p);
    }

  let noteCount = 0;
  let themeCount = 0;
  const focus = (activityId: string) => s.must(F, { type: 'activity.focus', activityId });
  /** A note by someone (the facilitator when `by` is null); returns its id. */
  const note = (by: Participant | null, activityId: string, columnId: string, extra: Record<string, unknown> = {}) => {
    const noteId = `note-${String(++noteCount).padStart(4, '0')}`;
    s.must(by ? participant(by.id) : F, { type: 'note.add', noteId, activityId, columnId, text: sentence(), ...extra });
    return noteId;
  };
  /** Themes of five to eight notes each from anywhere on the wall, as a facilitator clusters it. */
  const themes = (activityId: string, noteIds: string[], names: string[]) => {
    const free = [...noteIds];
    for (const name of names) {
      const themeId = `theme-${String(++themeCount).padStart(3, '0')}`;
      const picked = Array.from({ length: 5 + Math.floor(rnd() * 4) }, () => free.splice(Math.floor(rnd() * free.length), 1)[0]);
      s.must(F, { type: 'theme.create', themeId, activityId, name, noteIds: picked });
    }
  };
  const summary = (activityId: string) => s.must(F, { type: 'activity.update', activityId, summary: `${sentence()}\n${sentence()}` });

  // SWOT (anonymous): 160 notes over four columns, four themes.
  const swot = ['s', 'w', 'o', 't'].flatMap((c) => Array.from({ length: 40 }, (_, i) => note(people[i], 'swot-1', c)));
  themes('swot-1', swot, ['Tillit', 'Bemanning', 'Gemensam planering', 'Ekonomi']);
  summary('swot-1');

  // Start, stop, continue with all five columns: 120 notes, three themes.
  focus('startStopContinue-1');
  const ssc = ['start', 'stop', 'continue', 'more', 'less'].flatMap((c) =>
    Array.from({ length: 24 }, (_, i) => note(people[(i * 3) % 40], 'startStopContinue-1', c)),
  );
  themes('startStopContinue-1', ssc, ['Möten', 'Uppföljning', 'Kommunikation']);
  summary('startStopContinue-1');

  // A breakout in four rooms of ten, each with a reporter and a summary: 140 notes, two themes.
  focus('brainstorm-1');
  const rooms = ['Norra länet', 'Mellersta länet', 'Södra länet', 'Öland'].map((name, r) => {
    const members = people.filter((_, i) => i % 4 === r).map((p) => p.id);
    return { id: `room-${r + 1}-of-4`, name, members, reporterId: members[0] };
  });
  s.must(F, { type: 'breakout.open', activityId: 'brainstorm-1', assignment: 'manual', rooms });
  const talk = Array.from({ length: 140 }, (_, i) => note(people[i % 40], 'brainstorm-1', i % 3 ? 'q1' : 'q2'));
  for (const room of rooms)
    s.must(participant(room.reporterId), { type: 'room.update', activityId: 'brainstorm-1', roomId: room.id, summary: sentence() });
  themes('brainstorm-1', talk, ['Gemensamt för alla grupper', 'Lokala skillnader']);
  s.must(F, { type: 'breakout.close', activityId: 'brainstorm-1' });

  // Prioritisation: twelve options, three dots each for all forty on three different options
  // (the first options more popular, as in a real vote), revealed.
  focus('prioritise-1');
  const options = Array.from({ length: 12 }, () => note(null, 'prioritise-1', 'options'));
  s.must(F, { type: 'voting.start', activityId: 'prioritise-1', dotsPerPerson: 3, maxPerOption: 2 });
  for (const p of people) {
    const mine = new Set<string>();
    while (mine.size < 3) mine.add(options[Math.floor(rnd() ** 2 * options.length)]);
    for (const optionId of mine) s.must(participant(p.id), { type: 'vote.cast', activityId: 'prioritise-1', optionId, delta: 1 });
  }
  s.must(F, { type: 'voting.close', activityId: 'prioritise-1' });
  s.must(F, { type: 'results.reveal', activityId: 'prioritise-1', revealed: true });
  summary('prioritise-1');

  // Evaluation: a comment from each, most with a rating.
  focus('evaluation-1');
  for (const p of people) note(p, 'evaluation-1', 'comments', rnd() < 0.85 ? { rating: 1 + Math.floor(rnd() * 5) } : {});

  // Decisions, and next steps with an owner and a date.
  focus('decisions-1');
  for (let i = 0; i < 8; i++) note(null, 'decisions-1', 'decisions');
  focus('actions-1');
  for (let i = 0; i < 20; i++)
    note(null, 'actions-1', 'actions', { owner: pick(ORGS.flatMap((o) => o.names)), due: `2026-0${4 + (i % 5)}-${10 + i}` });

  return { state: s.state, participants: people.length, notes: Object.keys(s.state.notes).length, themes: themeCount };
}

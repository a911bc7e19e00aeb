// A whole LGS workshop played over real sockets for the export tests: SWOT, start/stop/continue
// with five columns, three breakout rooms, a revealed prioritisation, an evaluation, decisions
// and next steps. Every note carries a marker (L01L, …) and is recorded where it must end up.
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import type { Activity, OrgKind, Workshop } from '../../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './clients.ts';

export const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '[klick](javascript:alert(1))',
  '![x](http://evil/x.png)',
  '=HYPERLINK("http://evil","x")',
  '+cmd',
  '@SUM(1)',
];

export interface Expected {
  marker: string;
  text: string;
  activityId: string;
  /** Where it is listed: a board (with room, column, theme), the ranking, decisions or next steps. */
  part: 'board' | 'ranking' | 'decisions' | 'nextSteps';
  room: { id: string; name: string } | null;
  column: { id: string; title: string };
  theme: { id: string; name: string } | null;
  /** The name shown beside it; null where the activity is anonymous. */
  author: string | null;
  owner?: string;
  due?: string;
}

export interface Played {
  created: CreatedWorkshop;
  state: Workshop;
  notes: Expected[];
  /**
   * The prioritisation's options, most dots first, with dots in all and the cells for kommun and
   * region: two voters each, too few for their figures to be given.
   */
  ranking: Array<{ text: string; votes: number; kommun: string; region: string }>;
  clients: TestClient[];
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
export const PEOPLE: Who[] = [
  { name: 'Anna Nilsson', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Bertil Ask', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Cecilia Frid', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'David Hartz', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Ingrid Karlsson', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Lars Wilhelmsson', organisation: 'Försäkringskassan', orgKind: 'annan' },
];
export const ROOMS = [
  { id: 'room-norra', name: 'Norra länet', people: [0, 2] },
  { id: 'room-mellersta', name: 'Mellersta länet', people: [1, 3] },
  { id: 'room-sodra', name: 'Södra länet & Öland', people: [4, 5] },
];
export const TITLE = 'LGS Kalmar län: uppföljning <våren>';
const AREAS = ['Nära vård', 'Psykisk hälsa', 'Barn och unga', 'Äldre'];
const FEWER = 'färre än 3';

export async function playWorkshop(url: string): Promise<Played> {
  const created = await createWorkshop(url, {
    title: TITLE,
    date: '2026-03-12',
    place: 'Kalmar, Regionhuset',
    purpose: 'Ta tillvara erfarenheter och välja vad vi prioriterar.',
    goal: 'Tre områden och nästa steg.',
    agenda: [
      { kind: 'swot', title: 'SWOT: samverkan i länet' },
      { kind: 'startStopContinue', withOptional: true },
      { kind: 'brainstorm', title: 'Gruppdiskussion', questions: ['Vad fungerar?', 'Vad behöver vi ändra?'] },
      { kind: 'prioritise', title: 'Vilka områden ska vi prioritera?' },
      { kind: 'evaluation' },
      { kind: 'decisions' },
      { kind: 'actions', title: 'Att göra till nästa möte' },
    ],
  });
  const f = await facilitator(url, created);
  const people: TestClient[] = [];
  for (const who of PEOPLE) people.push(await participant(url, created.id, who));
  const clients = [f, ...people];
  const notes: Expected[] = [];
  let count = 0;
  const must = async (c: TestClient, command: Record<string, unknown>) => {
    const ack = await c.command(command);
    if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.message}`);
  };
  const activity = (i: number): Activity => f.state!.activities[i];
  const focus = (i: number) => must(f, { type: 'activity.focus', activityId: activity(i).id });
  /** Post a note as `who` (a participant's index, or -1 for the facilitator) and record it. */
  const post = async (who: number, i: number, columnId: string, text: string, extra: Partial<Expected> & Record<string, unknown> = {}) => {
    const { part = 'board', room = null, owner, due, rating } = extra;
    const marker = `L${String(++count).padStart(2, '0')}L`;
    const noteId = `note-${marker}`;
    const a = activity(i);
    const full = `${text} ${marker}`;
    await must(who < 0 ? f : people[who], { type: 'note.add', noteId, activityId: a.id, columnId, text: full, owner, due, rating });
    const author = a.anonymous ? null : who < 0 ? 'Samtalsledare' : PEOPLE[who].name;
    const column = { id: columnId, title: a.columns.find((c) => c.id === columnId)!.title };
    notes.push({ marker, text: full, activityId: a.id, part, room, column, theme: null, author, owner, due });
    return noteId;
  };
  const theme = async (i: number, themeId: string, name: string, noteIds: string[]) => {
    await must(f, { type: 'theme.create', themeId, activityId: activity(i).id, name, noteIds });
    for (const n of notes) if (noteIds.includes(`note-${n.marker}`)) n.theme = { id: themeId, name };
  };

  // 1. SWOT (anonymous), with a theme across two columns.
  const s1 = await post(0, 0, 's', 'Vi har en etablerad samverkan');
  await post(2, 0, 'w', HOSTILE[0]);
  const o1 = await post(3, 0, 'o', 'Gemensam planering, mindre dubbelarbete');
  await post(4, 0, 't', HOSTILE[1]);
  await post(5, 0, 's', 'Täta avstämningar under våren');
  await theme(0, 'theme-samverkan', 'Samverkan & <tillit>', [s1, o1]);
  await must(f, { type: 'activity.update', activityId: activity(0).id, summary: 'Gruppen ser *stora* möjligheter.\nHot: bemanning.' });

  // 2. Start, stop, continue with all five columns.
  await focus(1);
  const columns = ['start', 'stop', 'continue', 'more', 'less'];
  for (const [n, columnId] of columns.entries()) await post(n % PEOPLE.length, 1, columnId, `Förslag om ${columnId}`);
  await post(1, 1, 'start', HOSTILE[2]);
  await post(2, 1, 'stop', HOSTILE[3]);
  await post(3, 1, 'more', HOSTILE[4]);

  // 3. A breakout in three rooms, each with a reporter and a summary; one note after it, in the plenary.
  await focus(2);
  const ids = people.map((p) => p.participant!.id);
  const rooms = ROOMS.map((r) => ({ id: r.id, name: r.name, members: r.people.map((p) => ids[p]), reporterId: ids[r.people[0]] }));
  await must(f, { type: 'breakout.open', activityId: activity(2).id, assignment: 'manual', rooms });
  const roomNotes: string[] = [];
  for (const r of ROOMS)
    for (const p of r.people) {
      const room = { id: r.id, name: r.name };
      roomNotes.push(await post(p, 2, 'q1', `Det fungerar i ${r.name}`, { room }));
      await post(p, 2, 'q2', p === 5 ? HOSTILE[5] : `Ändra i ${r.name}`, { room });
    }
  for (const r of ROOMS)
    await must(people[r.people[0]], { type: 'room.update', activityId: activity(2).id, roomId: r.id, summary: `Sammanfattning från ${r.name}: tillit.` });
  await theme(2, 'theme-gemensamt', 'Gemensamt', roomNotes.slice(0, 2));
  await must(f, { type: 'breakout.close', activityId: activity(2).id });
  await post(0, 2, 'q1', 'Tillbaka i helgruppen');

  // 4. Prioritisation: options, dots, revealed.
  await focus(3);
  const options: string[] = [];
  for (const area of AREAS) options.push(await post(-1, 3, 'options', area, { part: 'ranking' }));
  await must(f, { type: 'voting.start', activityId: activity(3).id, dotsPerPerson: 3, maxPerOption: 2 });
  const ballots = [[1, 1, 0], [1, 2, 2], [0, 0, 1], [1, 3], [2], [0]];
  for (const [p, picks] of ballots.entries())
    for (const o of picks) await must(people[p], { type: 'vote.cast', activityId: activity(3).id, optionId: options[o], delta: 1 });
  await must(f, { type: 'voting.close', activityId: activity(3).id });
  await must(f, { type: 'results.reveal', activityId: activity(3).id, revealed: true });
  await must(f, { type: 'activity.update', activityId: activity(3).id, summary: 'Psykisk hälsa först.' });

  // 5. Evaluation: one comment each, five with a rating.
  await focus(4);
  const ratings = [5, 4, 4, 3, 5, undefined];
  for (const [p, rating] of ratings.entries()) await post(p, 4, 'comments', `Bra dag enligt ${p}`, { rating });

  // 6. Decisions and 7. next steps.
  await focus(5);
  await post(-1, 5, 'decisions', 'LGS prioriterar psykisk hälsa 2026', { part: 'decisions' });
  await post(1, 5, 'decisions', HOSTILE[6], { part: 'decisions' });
  await focus(6);
  await post(-1, 6, 'actions', 'Ta fram en gemensam plan', { part: 'nextSteps', owner: 'Kommunförbundet', due: '2026-04-30' });
  await post(-1, 6, 'actions', HOSTILE[7], { part: 'nextSteps', owner: '=1+1', due: '2026-05-15' });

  const state = await f.until((st) => Object.keys(st.notes).length === notes.length && !!st.activities[3].voting?.revealed);
  return {
    created,
    state,
    notes,
    ranking: [
      { text: AREAS[1], votes: 5, kommun: FEWER, region: FEWER },
      { text: AREAS[0], votes: 4, kommun: FEWER, region: FEWER },
      { text: AREAS[2], votes: 3, kommun: FEWER, region: FEWER },
      { text: AREAS[3], votes: 1, kommun: FEWER, region: FEWER },
    ],
    clients,
  };
}

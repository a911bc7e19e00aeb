// A realistic LGS workshop for the layout tests, in the words of the seed minutes (Länsgemensam
// ledning i samverkan, Kalmar län): a group discussion, a prioritisation over twelve areas with
// long Swedish names, voted on by kommuner, region and brukarrepresentanter (the one participant
// of another kind does not vote), decisions and next steps with owners and dates.
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import type { OrgKind, Workshop } from '../../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './clients.ts';

type Who = { name: string; organisation: string; orgKind: OrgKind };
export const LGS_PEOPLE: Who[] = [
  { name: 'Mattias Ask', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Sofia Hartz', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Jonas Lindqvist', organisation: 'Torsås kommun', orgKind: 'kommun' },
  { name: 'Karin Öberg', organisation: 'Emmaboda kommun', orgKind: 'kommun' },
  { name: 'Per-Olof Svensson', organisation: 'Oskarshamns kommun', orgKind: 'kommun' },
  { name: 'Mathias Karlsson', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Lena Andersson', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Fredrik Holm', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Ingrid Wilhelmsson', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Madelene Ek', organisation: 'Funktionsrätt Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Gunnar Frid', organisation: 'PRO Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Anna Berg', organisation: 'Länsstyrelsen i Kalmar län', orgKind: 'annan' },
];

/** The areas to prioritise, as the seed minutes name them (and one the issue quotes). */
export const LGS_OPTIONS = [
  'Samverkan kring utskrivningsprocessen',
  'Psykisk hälsa inklusive missbruk och beroende',
  'Komplexa och långvariga behov, kroniker',
  'Nära vård med primärvården som nav',
  'Ojämlik vård och omsorg',
  'Barn och unga, särskilt barn i utanförskap',
  'Digitalisering och digitala välfärdstjänster',
  'Kunskapsorganisation och gemensamma målbilder',
  'Lokal organisering att föra ner frågor från länsgemensam ledning och ut i verksamheten',
  'Brukarmedverkan i alla samverkansområdesgrupper',
  'Suicidprevention enligt den länsgemensamma strategin',
  'Kompetensförsörjning och bemanning',
];

const QUESTIONS = [
  'Vilka tre delar vill vi ta med oss från våren när det gäller LGS:s sätt att arbeta tillsammans?',
  'Vilka tre delar vill vi ta med oss från vårt tidigare arbetssätt?',
  'Hur ska vårt arbetssätt se ut framöver? Ge konkreta förslag.',
];
const DISCUSSION = [
  ['Gemensam målbild', 'Brukarmedverkan', 'Växla mellan digitala och fysiska möten', 'Täta avstämningar mellan kommun och region'],
  ['Mer fokus på prioriterade frågor – gärna med workshops där man får möjlighet att diskutera frågorna', 'Beredningen ska vara kvar'],
  [
    'Korta avstämningsmöten på strategisk nivå i LGS',
    'Korta avstämningar verksamhetsnära vid sidan av länsgemensam ledning',
    'Del av ledamöterna ingår i arbetsgrupper utifrån erfarenheter och intresse',
  ],
];

export interface LgsPlayed {
  created: CreatedWorkshop;
  state: Workshop;
  clients: TestClient[];
}

export async function playLgsWorkshop(url: string): Promise<LgsPlayed> {
  const created = await createWorkshop(url, {
    title: 'Länsgemensam ledning i samverkan – workshop om prioriteringar 2026–2027',
    date: '2026-09-04',
    place: 'Regionhuset Kalmar, sal Runsten',
    purpose:
      'Ta tillvara erfarenheterna från arbetet under våren i det kommande arbetet, och välja vilka områden som ska prioriteras kommande år.',
    goal: 'Högst fem prioriterade områden och nästa steg för det regionala styrdokumentet.',
    agenda: [
      { kind: 'brainstorm', title: 'Gruppdiskussion: vårt sätt att arbeta', questions: QUESTIONS },
      { kind: 'prioritise', title: 'Vilka områden ska LGS prioritera under 2026–2027?' },
      { kind: 'decisions' },
      { kind: 'actions', title: 'Att göra till nästa möte' },
    ],
  });
  const f = await facilitator(url, created);
  const people: TestClient[] = [];
  for (const who of LGS_PEOPLE) people.push(await participant(url, created.id, who));
  const must = async (c: TestClient, command: Record<string, unknown>) => {
    const ack = await c.command(command);
    if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.message}`);
  };
  const [discussion, prioritise, decisions, actions] = f.state!.activities.map((a) => a.id);
  let n = 0;
  const note = (c: TestClient, activityId: string, columnId: string, text: string, extra: Record<string, unknown> = {}) =>
    must(c, { type: 'note.add', noteId: `note-lgs-${++n}`, activityId, columnId, text, ...extra });

  const columns = f.state!.activities[0].columns.map((c) => c.id);
  for (const [q, texts] of DISCUSSION.entries())
    for (const [i, text] of texts.entries()) await note(people[(q * 4 + i) % people.length], discussion, columns[q], text);
  await must(f, {
    type: 'activity.update',
    activityId: discussion,
    summary: 'Gruppen vill behålla de korta avstämningarna och växla mellan digitala och fysiska möten.',
  });

  await must(f, { type: 'activity.focus', activityId: prioritise });
  const options: string[] = [];
  for (const text of LGS_OPTIONS) {
    await note(f, prioritise, 'options', text);
    options.push(`note-lgs-${n}`);
  }
  await must(f, { type: 'voting.start', activityId: prioritise, dotsPerPerson: 5, maxPerOption: 2 });
  // Everyone but the one from Länsstyrelsen places their dots: kommuner, region and brukarrepresentanter.
  const ballots = [
    [0, 0, 1, 3, 8], [1, 1, 0, 4, 2], [0, 3, 3, 6, 11], [1, 2, 5, 0, 7], [8, 0, 1, 9, 4],
    [1, 1, 2, 2, 0], [3, 0, 6, 6, 1], [0, 1, 10, 5, 11],
    [1, 9, 9, 10, 2], [9, 10, 5, 5, 1], [2, 4, 9, 0, 3],
  ];
  for (const [p, picks] of ballots.entries())
    for (const o of picks) await must(people[p], { type: 'vote.cast', activityId: prioritise, optionId: options[o], delta: 1 });
  await must(f, { type: 'voting.close', activityId: prioritise });
  await must(f, { type: 'results.reveal', activityId: prioritise, revealed: true });
  await must(f, { type: 'activity.update', activityId: prioritise, summary: 'Utskrivningsprocessen och psykisk hälsa får flest prickar; LGS tar med de fem första till styrdokumentet.' });

  await must(f, { type: 'activity.focus', activityId: decisions });
  await note(f, decisions, 'decisions', 'LGS ställer sig bakom att de fem områden som fått flest prickar lyfts in i det regionala styrdokumentet 2026–2027.');
  await note(f, decisions, 'decisions', 'Beredningen får i uppdrag att ta fram ett förslag till handlingsplan till nästa möte.');
  await must(f, { type: 'activity.focus', activityId: actions });
  await note(f, actions, 'actions', 'Sammanställa resultatet från workshoppen och skicka ut det till ledamöterna', { owner: 'Kommunförbundet Kalmar län', due: '2026-09-18' });
  await note(f, actions, 'actions', 'Ta fram förslag till handlingsplan för de prioriterade områdena', { owner: 'Beredningsgruppen', due: '2026-10-30' });
  await note(f, actions, 'actions', 'Bjuda in brukarorganisationerna till samverkansområdesgrupperna', { owner: 'Region Kalmar län, hälso- och sjukvårdsförvaltningen', due: '2026-11-15' });
  await note(f, actions, 'actions', 'Följa upp antalet utskrivningsklara dagar per kommun och redovisa läget', { owner: 'Mathias Karlsson, analytiker', due: '2026-12-04' });
  await note(f, actions, 'actions', 'Samordna arbetet med den länsgemensamma suicidpreventiva strategin', { owner: 'Samverkansområdesgruppen för psykisk hälsa', due: '2027-01-29' });
  await note(f, actions, 'actions', 'Boka lokal och skicka kallelse till nästa möte', { owner: 'Sekreteraren', due: '2026-10-01' });

  const state = await f.until((s) => !!s.activities[1].voting?.revealed && Object.keys(s.notes).length === n);
  return { created, state, clients: [f, ...people] };
}

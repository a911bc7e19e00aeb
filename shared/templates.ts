// Activity templates: the boards a facilitator builds an agenda from, and ready agendas.
import type { Activity, ActivityKind, Column, Language } from './workshop/model.ts';
import { translate, type MessageKey } from './i18n/index.ts';

interface Template {
  /** Column id and the dictionary key of its default title. */
  columns: Array<[string, MessageKey]>;
  /** Columns offered but left out unless the facilitator asks for them. */
  optional?: Array<[string, MessageKey]>;
  anonymous: boolean;
}

export const TEMPLATES: Record<ActivityKind, Template> = {
  brainstorm: { columns: [['q1', 'template.brainstorm.question']], anonymous: false },
  swot: {
    columns: [
      ['s', 'template.swot.s'],
      ['w', 'template.swot.w'],
      ['o', 'template.swot.o'],
      ['t', 'template.swot.t'],
    ],
    anonymous: true,
  },
  startStopContinue: {
    columns: [
      ['start', 'template.ssc.start'],
      ['stop', 'template.ssc.stop'],
      ['continue', 'template.ssc.continue'],
    ],
    optional: [
      ['more', 'template.ssc.more'],
      ['less', 'template.ssc.less'],
    ],
    anonymous: false,
  },
  evaluation: { columns: [['comments', 'template.evaluation.column']], anonymous: true },
  actions: { columns: [['actions', 'template.actions.column']], anonymous: false },
  decisions: { columns: [['decisions', 'template.decisions.column']], anonymous: false },
  prioritise: { columns: [['options', 'template.prioritise.options']], anonymous: false },
  // Skalfrågor: one column per statement, answered on the scale the facilitator sets (scale.ts).
  scale: { columns: [['s1', 'template.scale.statement']], anonymous: false },
  // Rangordning: the facilitator's options, put in order by each participant (ranking.ts).
  ranking: { columns: [['options', 'template.prioritise.options']], anonymous: false },
  // 100 poäng: the facilitator's options, each participant shares out the points (points.ts).
  points: { columns: [['options', 'template.prioritise.options']], anonymous: false },
  // Ordmoln: the column's title is the question; the words are secret answers (wordCloud.ts).
  wordCloud: { columns: [['question', 'template.wordCloud.question']], anonymous: true },
  // The last meeting's next steps, gone through at the start: moved to "Klart" as they are.
  followUp: {
    columns: [
      ['open', 'template.followUp.open'],
      ['done', 'template.followUp.done'],
    ],
    anonymous: false,
  },
};

export interface ActivityOptions {
  title?: string;
  /** brainstorm: one column per question. */
  questions?: string[];
  /** startStopContinue: add "Göra mer av" and "Göra mindre av". */
  withOptional?: boolean;
  /** Columns as an earlier meeting had them (wins over questions and template columns). */
  columns?: Column[];
  anonymous?: boolean;
}

/** A fresh activity of a template in a language. Pure: the id comes from the caller. */
export function makeActivity(
  id: string,
  kind: ActivityKind,
  lang: Language,
  opts: ActivityOptions = {},
): Activity {
  const t = TEMPLATES[kind];
  let columns: Column[];
  if (opts.columns?.length) {
    columns = opts.columns.map((c) => ({ id: c.id, title: c.title }));
  } else if (kind === 'brainstorm' && opts.questions?.length) {
    columns = opts.questions.map((title, i) => ({ id: `q${i + 1}`, title }));
  } else if (kind === 'scale' && opts.questions?.length) {
    columns = opts.questions.map((title, i) => ({ id: `s${i + 1}`, title }));
  } else if (kind === 'wordCloud' && opts.questions?.[0]) {
    columns = [{ id: 'question', title: opts.questions[0] }];
  } else {
    const defs = [...t.columns, ...(opts.withOptional ? (t.optional ?? []) : [])];
    columns = defs.map(([cid, key]) => ({ id: cid, title: translate(lang, key) }));
  }
  return {
    id,
    kind,
    title: opts.title?.trim() || translate(lang, `kind.${kind}`),
    columns,
    locked: false,
    anonymous: opts.anonymous ?? t.anonymous,
    breakout: null,
    hidden: false,
    summary: '',
    voting: null,
  };
}

/** Columns a template offers that the activity does not have yet (e.g. "Göra mer av"). */
export function optionalColumns(activity: Activity, lang: Language): Column[] {
  const have = new Set(activity.columns.map((c) => c.id));
  return (TEMPLATES[activity.kind].optional ?? [])
    .filter(([cid]) => !have.has(cid))
    .map(([cid, key]) => ({ id: cid, title: translate(lang, key) }));
}

export interface AgendaTemplate {
  id: string;
  nameKey: MessageKey;
  activities: Array<{ kind: ActivityKind; titleKey?: MessageKey; options?: ActivityOptions }>;
}

export const AGENDA_TEMPLATES: AgendaTemplate[] = [
  {
    id: 'lgs',
    nameKey: 'agenda.lgs',
    activities: [
      { kind: 'swot' },
      { kind: 'startStopContinue', options: { withOptional: true } },
      { kind: 'evaluation' },
      { kind: 'actions', titleKey: 'agenda.nextSteps' },
    ],
  },
];

/** The activities of an agenda template; `newId` gives each its id. */
export function agendaFromTemplate(
  templateId: string,
  lang: Language,
  newId: () => string,
): Activity[] {
  const tpl = AGENDA_TEMPLATES.find((t) => t.id === templateId);
  if (!tpl) return [];
  return tpl.activities.map((a) =>
    makeActivity(newId(), a.kind, lang, {
      ...a.options,
      title: a.titleKey ? translate(lang, a.titleKey) : undefined,
    }),
  );
}

// The abuse scenario's figures (bench/abuse.ts): the honest side of each phase beside its
// targets, what each attack got beside the default limit it meets (server/quotas.ts
// DEFAULT_QUOTAS, server/limits.ts), and a timeline of where the server was slow.
import { DEFAULT_CODE_GUESS_LIMITS } from '../server/limits.ts';
import { DEFAULT_QUOTAS } from '../server/quotas.ts';
import type { AttackResult, Tally } from './abuseAttackers.ts';
import { counts, info, int, mb, ms, pct, type Phase } from './figures.ts';
import type { Histogram } from './latency.ts';
import type { Sizes } from './abuse.ts';
import type { Figure } from './measure.ts';

export const ACK_P99_MS = 100;
export const HEALTH_MAX_MS = 200;
const SOURCE = 'issue 14';

export interface ProbeOutcome {
  health: Histogram;
  /** Each poll: when it was sent (ms epoch) and how long its answer took. */
  healthAt: Array<[number, number]>;
  healthFailed: number;
  code: Histogram;
  codeAnswers: Tally;
  rss: number[];
}

export interface PhaseOutcome {
  startedAt: number;
  phase: Phase;
  probes: ProbeOutcome;
  /** Over the posting time, % of one core; `machine`: % of all cores (/proc/stat). */
  cpu: { server: number; bots: number; attackers: number; machine: number };
  attack: AttackResult | null;
  /** The server's heap in use and RSS after a full GC at the end of the phase (KB). */
  heapKb: number;
  gcRssKb: number;
}
const latencyText = (h: Histogram) =>
  `p50 ${ms(h.percentile(0.5))} · p95 ${ms(h.percentile(0.95))} · p99 ${ms(h.percentile(0.99))} · max ${ms(h.max)} ms (${int(h.count)})`;
const sum = (t: Tally, pick: (key: string) => boolean = () => true) => Object.entries(t).reduce((n, [k, v]) => n + (pick(k) ? v : 0), 0);
const tally = (t: Tally) => Object.entries(t).map(([k, v]) => `${k} ${int(v)}`).join(', ') || 'none';

/** The honest side of one phase, beside its targets. */
export function honestFigures(label: string, o: PhaseOutcome, bound: number): Figure[] {
  const { ackMs } = o.phase.posted;
  const p = o.probes;
  const ackP99 = ackMs.percentile(0.99);
  const opened = p.codeAnswers['200'] ?? 0;
  const codes = sum(p.codeAnswers);
  const late = p.health.count - p.health.counts.slice(0, HEALTH_MAX_MS * 10).reduce((a, b) => a + b, 0);
  const rssMax = Math.max(...p.rss) / 1024;
  return [
    { name: `${label}: note → ack (honest authors)`, value: latencyText(ackMs), target: `p99 < ${ACK_P99_MS} ms (${SOURCE})`, pass: ackP99 < ACK_P99_MS },
    {
      name: `${label}: a right join code from a fresh address, every 500 ms`,
      value: `${int(opened)} of ${int(codes)} opened (${tally(p.codeAnswers)}); p99 ${ms(p.code.percentile(0.99))} · max ${ms(p.code.max)} ms`,
      target: `all (${SOURCE})`,
      pass: codes > 0 && opened === codes,
    },
    {
      name: `${label}: /api/health every 100 ms`,
      value: `p99 ${ms(p.health.percentile(0.99))} · max ${ms(p.health.max)} ms (${int(p.health.count)} polls, ${late} over ${HEALTH_MAX_MS} ms, ${p.healthFailed} failed)`,
      target: `max < ${HEALTH_MAX_MS} ms (${SOURCE})`,
      pass: p.health.max < HEALTH_MAX_MS && p.healthFailed === 0,
    },
    {
      name: `${label}: server RSS, every second`,
      value: `max ${rssMax.toFixed(0)} MB, end ${mb(p.rss.at(-1)!)}, after a full GC ${mb(o.gcRssKb)}`,
      target: `< ${bound} MB (${SOURCE})`,
      pass: rssMax < bound,
    },
    {
      name: `${label}: honest refusals, disconnects`,
      value: `${counts(o.phase.posted.errors)}; ${counts(o.phase.report.disconnects)}`,
      target: 'none',
      pass: !Object.keys(o.phase.posted.errors).length && !Object.keys(o.phase.report.disconnects).length,
    },
  ];
}

/**
 * Where the server was slow: in each 5 s of the attack phase, the slowest /api/health answer and
 * the server's event-loop delay (p99 of its own 5 s window nearest to it), beside the bursts
 * (c, d, e) that ran in it; the floods (a, b) run throughout.
 */
export function timeline(o: PhaseOutcome, loopWindow: (from: number, to: number) => number): string {
  const spans: Partial<AttackResult['spans']> = o.attack?.spans ?? {};
  const slots: string[] = [];
  for (let from = o.startedAt; from + 5000 <= o.startedAt + Math.max(5, o.phase.wallS) * 1000 + 500; from += 5000) {
    const inSlot = o.probes.healthAt.filter(([at]) => at >= from && at < from + 5000);
    const running = (Object.entries(spans) as Array<[string, [number, number]]>)
      .filter(([, [t0, t1]]) => t0 < from + 5000 && t1 > from)
      .map(([name]) => ({ codes: 'c', creations: 'd', opens: 'e' })[name]);
    const worst = inSlot.length ? Math.max(...inSlot.map(([, t]) => t)) : NaN;
    const s = (from - o.startedAt) / 1000;
    const loop = loopWindow(from - 2500, from + 7500);
    slots.push(`${s}–${s + 5} s ${ms(worst)} / ${ms(loop)}${running.length ? ` (${running.join(', ')})` : ''}`);
  }
  return slots.join(' · ');
}

/** What each attack got, held to the default limit it meets (DEFAULT_QUOTAS, limits.ts). */
export function attackFigures(a: AttackResult, durationS: number, plan: Sizes['plan'], madeByBench: number): Figure[] {
  const { sockets, addresses } = plan;
  const minutes = Math.ceil(durationS / 60);
  const q = DEFAULT_QUOTAS;
  const perAddress = DEFAULT_CODE_GUESS_LIMITS.perAddress;
  const { flood, sync, codes, creations, opens } = a;
  const admitted = (flood.handshake.ok ?? 0) + (flood.viaJoin['ok (by join)'] ?? 0);
  const syncSockets = 1 + (sync.reopened.ok ?? 0);
  const acked = sum(flood.acked);
  const notes = flood.acked['note.add'] ?? 0;
  const created = creations.byStatus['201'] ?? 0;
  const lookedUp = codes.byStatus['404 unknown_code'] ?? 0;
  return [
    {
      name: `a) one participant's sockets admitted, of ${sockets}`,
      value: `${admitted}: with its token in the handshake ${tally(flood.handshake)}; those refused, as visitors joining with the token: ${tally(flood.viaJoin)}`,
      target: `≤ ${q.socketsPerParticipant} (socketsPerParticipant)`,
      pass: admitted <= q.socketsPerParticipant,
    },
    {
      name: 'a) its note.add / note.edit flood, reopening every socket the server lets go',
      value:
        `${int(acked)} acked (${tally(flood.acked)}) of ${int(flood.sent)} sent (${int(flood.sent / durationS)}/s); refused ${tally(flood.refused)}; ` +
        `sockets let go ${int(flood.cut)} times, reopened ${tally(flood.reopened)}`,
      target: `≤ ${q.commandsPerParticipant * minutes} commands, ≤ ${q.notesPerParticipant * minutes} notes (a minute's)`,
      pass: acked <= q.commandsPerParticipant * minutes && notes <= q.notesPerParticipant * minutes,
    },
    {
      name: 'b) sync from a public socket of A, reopened whenever let go',
      value:
        `${int(sync.acked)} answered of ${int(sync.sent)} sent (${int(sync.sent / durationS)}/s) on ${int(syncSockets)} sockets; refused ${tally(sync.refused)}; ` +
        `let go ${int(sync.cut)} times, reopened ${tally(sync.reopened)}; snapshots received ${int(sync.snapshots)} (answers, and each new socket's catch-up)`,
      target: '≤ 1 per 10 s a socket',
      pass: sync.acked <= (Math.ceil(durationS / 10) + 1) * syncSockets,
    },
    {
      name: `c) ${int(codes.sent)} wrong join codes from ${addresses} addresses`,
      value: `${int(lookedUp)} looked up (at most ${codes.maxPerAddress} from one address), ${tally(codes.byStatus)}, in ${codes.wallS.toFixed(1)} s`,
      target: `≤ ${perAddress} from one address (limits.ts)`,
      pass: codes.maxPerAddress <= perAddress,
    },
    {
      name: `d) ${int(creations.sent)} workshop creations, ${(creations.bodyBytes / 1000).toFixed(1)} kB bodies`,
      value: `${int(created)} created; ${tally(creations.byStatus)}, in ${creations.wallS.toFixed(1)} s`,
      target: `≤ ${q.creates - madeByBench} (${q.creates} an hour in all; ${madeByBench} made by the bench)`,
      pass: created <= q.creates - madeByBench,
    },
    {
      name: `e) ${int(opens.tried)} socket opens from one address`,
      value: `${int(opens.outcome.admitted ?? 0)} admitted and held; ${tally(opens.outcome)}, in ${opens.wallS.toFixed(1)} s`,
      target: `≤ ${int(q.visitorSocketsPerAddress)} (visitorSocketsPerAddress)`,
      pass: (opens.outcome.admitted ?? 0) <= q.visitorSocketsPerAddress,
    },
  ];
}

/** Alone beside under attack: where the time went, and what the created workshops hold. */
export function sideFigures(alone: PhaseOutcome, attacked: PhaseOutcome, nice: number): Figure[] {
  const side = (f: (o: PhaseOutcome) => string) => `${f(alone)} / ${f(attacked)}`;
  const a = attacked.attack!;
  const created = a.creations.byStatus['201'] ?? 0;
  const heapPerWorkshop = created ? (attacked.heapKb - alone.heapKb) / created : NaN;
  return [
    info('note → every other client, alone / under attack', side((o) => `p99 ${ms(o.phase.report.latency.percentile(0.99))} ms`)),
    info('server CPU, alone / under attack', side((o) => pct(o.cpu.server))),
    info('server event-loop delay, alone / under attack', side((o) => `p99 ${ms(o.phase.serverLoop.p99)} · max ${ms(o.phase.serverLoop.max)} ms`)),
    info('honest bots CPU, alone / under attack', side((o) => pct(o.cpu.bots))),
    info(`attackers' CPU (their process, at nice ${nice})`, pct(attacked.cpu.attackers)),
    info('machine CPU busy, of both cores, alone / under attack', side((o) => pct(o.cpu.machine))),
    info('server heap after a full GC, alone / under attack', side((o) => mb(o.heapKb))),
    info('heap per created workshop (growth over the attack phase / created)', Number.isFinite(heapPerWorkshop) ? `${(heapPerWorkshop / 1024).toFixed(2)} MB` : '–'),
  ];
}

/** What the figures mean, in words computed from them: what the attack cost and what bounds a miss. */
export function readingNotes(alone: PhaseOutcome, attacked: PhaseOutcome, durationS: number, nice: number, rss: { beforeKb: number; boundMb: number }): string[] {
  const a = attacked.attack!;
  const { cpu } = attacked;
  const p99 = attacked.phase.posted.ackMs.percentile(0.99);
  const verdict =
    p99 < ACK_P99_MS
      ? `The honest phones kept p99 < ${ACK_P99_MS} ms with the server's thread that busy.`
      : cpu.machine >= 90
        ? "The miss is bounded by the machine: its 2 cores, shared by the server, the phones' processes and the attackers, were nearly all in use."
        : cpu.server >= 85
          ? "The miss is bounded by the server's one thread, nearly all of it spent on the attack."
          : 'Neither the server thread nor the machine was saturated: the miss is queueing behind the attack\'s bursts (see the timeline).';
  const created = a.creations.byStatus['201'] ?? 0;
  const q = DEFAULT_QUOTAS;
  const perWorkshopMb = created ? (attacked.heapKb - alone.heapKb) / created / 1024 : NaN;
  const sumMb = rss.beforeKb / 1024 + q.creates * perWorkshopMb * 2 + (q.visitorSocketsPerAddress * 40) / 1024;
  return [
    `Under attack the server's one thread was ${pct(cpu.server)} busy (alone: ${pct(alone.cpu.server)}) answering ${int(a.flood.sent / durationS)} commands and ${int(a.sync.sent / durationS)} syncs a second beside the phones; ` +
      `the machine's 2 cores were ${pct(cpu.machine)} busy (phones ${pct(cpu.bots)}, attackers ${pct(cpu.attackers)} of one core at nice ${nice}). ${verdict}`,
    `A socket sending past its rate is let go after 100 refusals in 10 s, but opening another is free: each new socket brings 100 more requests through parsing and the participant's limits ` +
      `(a: ${int(a.flood.cut)} sockets let go and reopened in ${durationS} s, ${int(a.flood.refused['rate_limited (participant)'] ?? 0)} commands refused by the participant's limit), ` +
      `and a public one a snapshot of the workshop it follows on connecting and another for its first \`sync\` (b: ${int(a.sync.snapshots)} snapshots of A in ${durationS} s). ` +
      'The limits bound each socket and how many are open at once, not how fast an address opens them.',
    `The creations stop at ${int(created)}, but the ${int(q.creates)} an hour are everyone's: after attack d nobody may create a workshop for the rest of the hour (the creation after the attack). ` +
      'Run with ABUSE_NICE=0 to let the attackers take the 2 cores as the server\'s equals.',
    `RSS bound ${rss.boundMb} MB: ${mb(rss.beforeKb)} before the attack, ${int(q.creates)} workshops an hour × ${perWorkshopMb.toFixed(2)} MB of heap each (a 64 KB body; ` +
      `docs/operations.md's ~11 KiB is a workshop made from the LGS agenda), doubled for V8's room, and ${int(q.visitorSocketsPerAddress)} visitor sockets × at most 40 KB ` +
      `(bare Socket.IO's RSS per connection, baseline section): ${sumMb.toFixed(0)} MB; the rest is garbage between collections.`,
  ];
}

// The figures and notes of the load scenarios: what was measured, beside its target, in the
// words results.md uses. Each scenario picks the ones that apply to it.
import type { DiskPressureResult } from './diskPressure.ts';
import type { DiskSync } from './diskProbe.ts';
import type { Histogram } from './latency.ts';
import type { JoinOutcome, LoadSession, RssPerParticipant } from './load.ts';
import type { ServerKind } from './loadServer.ts';
import type { Figure } from './measure.ts';


export const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : n.toFixed(0)) : '–');
export const pct = (n: number) => `${n.toFixed(0)} %`;
export const kb = (n: number) => `${n.toFixed(1)} KB`;
export const mb = (kbValue: number) => `${(kbValue / 1024).toFixed(0)} MB`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function percentiles(h: Histogram): string {
  return `p50 ${ms(h.percentile(0.5))} · p95 ${ms(h.percentile(0.95))} · p99 ${ms(h.percentile(0.99))} ms`;
}

/** A latency figure held to a p99 budget (or none). */
export function latencyFigure(name: string, h: Histogram, p99Target: number | null, source = 'issue 8'): Figure {
  const p99 = h.percentile(0.99);
  return {
    name,
    value: `${percentiles(h)} (${int(h.count)} pairs)`,
    target: p99Target === null ? '' : `p99 < ${int(p99Target)} ms (${source})`,
    pass: p99Target === null ? null : p99 < p99Target,
  };
}

/** RSS per participant: held to the target after a full GC; as read (with the joins' garbage) beside it. */
export function rssFigure(name: string, rss: RssPerParticipant, targetKb: number | null): Figure {
  return {
    name,
    value: `${kb(rss.gc)} after a full GC (${kb(rss.raw)} as read; live heap ${kb(rss.heap)})`,
    target: targetKb === null ? '' : `< ${targetKb} KB (issue 8)`,
    pass: targetKb === null ? null : rss.gc < targetKb,
  };
}

export const info = (name: string, value: string): Figure => ({ name, value, target: '', pass: null });

/** The disk's fsync time beside the phase (diskProbe.ts): what a note's commit waits for. */
const diskFigure = (d: DiskSync | null): Figure[] =>
  d === null
    ? []
    : [info('disk: a 4 KB write + fsync in the data folder, 10/s beside', `p50 ${d.p50.toFixed(1)} · p99 ${d.p99.toFixed(0)} · max ${d.max.toFixed(0)} ms (${d.count})`)];

/** Under --disk-pressure the server's loop must stay free of the disk's waits (issue 13). */
export const LOOP_P99_MS = 20;

export type Phase = Awaited<ReturnType<LoadSession['measure']>>;

/** How the server and the authors fared in a measured phase, as every posting scenario shows it. */
export function phaseFigures(phase: Phase, action = 'note'): Figure[] {
  const { ackMs } = phase.posted;
  const loop = phase.serverLoop;
  const pressure = phase.competing;
  const loopText = `p99 ${ms(loop.p99)} · worst 5 s window p99 ${ms(loop.worstWindowP99)} · max ${ms(loop.max)} ms`;
  return [
    info('server CPU while posting', pct(phase.serverCpuPct)),
    pressure
      ? {
          name: 'server event-loop delay while posting',
          value: loopText,
          target: `p99 < ${LOOP_P99_MS} ms throughout (issue 13)`,
          pass: Math.max(loop.p99, loop.worstWindowP99) < LOOP_P99_MS,
        }
      : info('server event-loop delay while posting', loopText),
    ...diskFigure(phase.diskSync),
    ...(pressure ? [info('--disk-pressure: a competing writer in the data folder', competingText(pressure))] : []),
    info(`${action} → ack (author)`, `p50 ${ms(ackMs.percentile(0.5))} · p99 ${ms(ackMs.percentile(0.99))} ms`),
  ];
}

const competingText = (d: DiskPressureResult) => `${int(d.perSecond)} writes of 4 KB + fsync a second (${int(d.writes)} in all)`;

/**
 * What the phones' sockets saw in the phase, each held to zero where the design says nothing
 * resyncs (issue 13): snapshots received, `sync` sent, acks that timed out (the client then
 * sends the command again), commands never acked, events the client's state did not fold.
 * Bytes per phone are shown beside.
 */
export function wireFigures(phase: Pick<Phase, 'report' | 'wallS'> & { posted: { unacked: number } }): Figure[] {
  const { wire, unfolded } = phase.report;
  const { snapshots } = wire;
  const allSnapshots = snapshots.participant + snapshots.facilitator + snapshots.projector;
  const zero = (name: string, n: number, value = int(n)): Figure => ({ name, value, target: '0 (issue 13)', pass: n === 0 });
  return [
    zero(
      'snapshots received',
      allSnapshots,
      `${int(snapshots.participant)} by participants, ${int(snapshots.facilitator)} facilitator, ${int(snapshots.projector)} projector`,
    ),
    zero('sync requests sent', wire.syncs),
    zero('acks timed out (commands the client sent again)', wire.resends),
    zero('commands never acked (a minute after the end)', phase.posted.unacked),
    zero('notes delivered but not in the client state', unfolded),
    info('bytes received per phone', bytesText(wire.participantBytes, phase.wallS)),
  ];
}

/** Mean, p99 and max of the bytes each phone received, and the mean rate. */
export function bytesText(bytes: number[], seconds: number): string {
  if (!bytes.length) return '–';
  const sorted = [...bytes].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
  return `mean ${kb(mean / 1024)} · p99 ${kb(p99 / 1024)} · max ${kb(sorted[sorted.length - 1] / 1024)} (${kb(mean / 1024 / seconds)}/s)`;
}

export const meanBytes = (bytes: number[]) => (bytes.length ? bytes.reduce((a, b) => a + b, 0) / bytes.length : NaN);

/** The notes below a posting scenario's table: its server's memory and its bots' health and cost. */
export function phaseNotes(kind: ServerKind, session: LoadSession, joined: JoinOutcome, phase: Phase): string[] {
  const { posted, report } = phase;
  return [
    `${kind}: server RSS ${mb(session.rssBeforeKb)} before the participants, ${mb(session.rssAfterKb)} after (after a full GC: ${mb(session.rssBeforeGcKb)}, ${mb(session.rssAfterGcKb)}); join CPU ${pct(joined.serverCpuPct)}.`,
    `${kind}: bots used ${pct(phase.botCpuPct)} CPU in ${session.fleet.workers.length} processes; their event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms, max ${report.loopDelayMax.toFixed(0)} ms; refused ${counts(posted.errors)}; disconnects ${counts(report.disconnects)}.`,
    `${kind}: ${botCost(session, joined, phase)}.`,
    `${kind}: ${session.memoryBreakdown()}.`,
  ];
}

/** What the web client's code costs per bot on this machine: CPU while joining and posting, memory. */
export function botCost(session: LoadSession, joined: JoinOutcome, phase: Phase): string {
  const bots = Math.max(1, phase.report.bots);
  const rss = (phase.report.rssKb - session.fleet.emptyRssKb) / bots;
  const cpuMs = (pctValue: number) => ((pctValue / 100) * 1000) / bots;
  return (
    `per bot (the web client's WorkshopState, Connection and socket): ${kb(rss)} RSS, ` +
    `${cpuMs(joined.botCpuPct).toFixed(2)} ms CPU a second while joining, ${cpuMs(phase.botCpuPct).toFixed(2)} ms a second while posting`
  );
}

export function counts(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

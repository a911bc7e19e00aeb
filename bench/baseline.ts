// Scenario `baseline` (issues 8 and 13): the plenary and the rooms once more, against bare
// Socket.IO 4.8 (bench/bareServer.ts) with the same bots, sizes and rates — what Socket.IO
// itself costs on this machine. Set beside our figures of the same bench run (or, run alone
// with `--only baseline`, measured right before), with the ratio of the p99s.
import { info, int, kb, latencyFigure, pct } from './figures.ts';
import { size } from './load.ts';
import type { Figure, Result, Scenario } from './measure.ts';
import { BASELINE_RATIO, runPlenary } from './plenary.ts';
import { ours, remember, runRooms } from './rooms.ts';

/** The rooms' p99 may be at most this many times bare Socket.IO's (issue 13). */
export const ROOMS_BASELINE_RATIO = 3;
const RATIO = { plenary: [BASELINE_RATIO, 'issue 8'], rooms: [ROOMS_BASELINE_RATIO, 'issue 13'] } as const;

const ratio = (a: number, b: number) => a / b;

export const baselineScenario: Scenario = {
  name: 'baseline',
  async run({ load }): Promise<Result> {
    const notes: string[] = [];
    const figures: Figure[] = [];
    for (const name of ['plenary', 'rooms'] as const) {
      const run = name === 'plenary' ? runPlenary : runRooms;
      if (!ours.has(name)) remember(name, await run('verkstad', load));
      const mine = ours.get(name)!;
      const bare = await run('bare', load);
      const r = ratio(mine.latency.percentile(0.99), bare.latency.percentile(0.99));
      figures.push(
        latencyFigure(`${name}: bare Socket.IO`, bare.latency, null),
        latencyFigure(`${name}: Verkstad`, mine.latency, null),
        { name: `${name}: p99 Verkstad / bare`, value: `${r.toFixed(2)}×`, target: `≤ ${RATIO[name][0]}× (${RATIO[name][1]})`, pass: r <= RATIO[name][0] },
        info(`${name}: server CPU while posting, Verkstad / bare`, `${pct(mine.serverCpuPct)} / ${pct(bare.serverCpuPct)}`),
      );
      if (name === 'plenary')
        figures.push(
          info('RSS per participant, bare Socket.IO', `${kb(bare.rssPerParticipant.gc)} after a full GC (${kb(bare.rssPerParticipant.raw)} as read)`),
          info('RSS per participant, Verkstad', `${kb(mine.rssPerParticipant.gc)} after a full GC (${kb(mine.rssPerParticipant.raw)} as read)`),
        );
      notes.push(...bare.notes);
    }
    return {
      title: `bare Socket.IO 4.8 with the same bots: plenary of ${int(size(load, 'participants', 1000, 100))} at ${size(load, 'rate', 10, 10)} notes/s, and ${size(load, 'rooms', 50, 5)} rooms`,
      setup:
        'bench/bareServer.ts: no store, no validation, no views, rooms by socket.join, the same `events` payload, perMessageDeflate off, the handshake request dropped once connected. ' +
        'Verkstad figures from this bench run (plenary and rooms sections).',
      rows: [],
      figures,
      notes,
    };
  },
};

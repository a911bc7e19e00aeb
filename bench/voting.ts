// Scenario `voting` (issue 13): dot voting with 1,000 phones. First a plenary phase in the
// same session, notes at the rate the vote will have, for what a phone receives then; then the
// facilitator's page adds a prioritisation with twelve options, starts the vote with results
// live (so others' dots reach every phone, as a ranking in the projection) and shows it; the
// participants vote as their dot voter lets them, as many votes a second as there were notes.
// Held to: no snapshot at any phone, and a phone receives under twice the plenary's bytes.
import { bytesText, counts, info, int, meanBytes, phaseFigures, phaseNotes, wireFigures } from './figures.ts';
import { LoadSession, size, sleep } from './load.ts';
import type { Figure, Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';
import { BOTS } from './rooms.ts';

/** A phone's bytes over the vote, at most this many times a plenary's of the same rate (issue 13). */
export const VOTE_BYTES_RATIO = 2;
const OPTIONS = 12;

export const votingScenario: Scenario = {
  name: 'voting',
  async run({ load }): Promise<Result> {
    const n = size(load, 'participants', 1000, 100);
    const rate = size(load, 'rate', 10, 10);
    const durationS = size(load, 'duration', 60, 15);
    const session = await LoadSession.open('verkstad', n, load, 'voting');
    try {
      const joined = await session.join(n, 100);
      if (joined.ready !== n) throw new Error(`only ${joined.ready} of ${n} joined: ${counts(joined.failed)}`);
      await session.settle();
      const workers = session.fleet.size;
      const plan = (w: number) => ({ mode: 'rate' as const, perSecond: rate / workers, offsetMs: (w * 1000) / rate });
      const plenary = await session.measure(plan, durationS * 1000);

      const facilitator = session.staff.facilitator;
      const call = (method: string, ...args: unknown[]) => session.fleet.call(facilitator, method, ...args);
      const activityId = (await call('addActivity', 'prioritise', { title: 'Vad ska vi prioritera?' })) as string;
      for (let k = 1; k <= OPTIONS; k++) await call('addNote', activityId, 'options', `Förslag ${k}: gemensam planering för barn och unga i länet`);
      await call('startVoting', activityId, { dotsPerPerson: 3, maxPerOption: 2, live: true });
      await call('focusActivity', activityId);
      await sleep(3000);
      const vote = await session.measure(plan, durationS * 1000, false, 'vote');

      const plenaryBytes = meanBytes(plenary.report.wire.participantBytes);
      const voteBytes = meanBytes(vote.report.wire.participantBytes);
      const ratio = voteBytes / plenaryBytes;
      const plenarySnapshots = Object.values(plenary.report.wire.snapshots).reduce((a, b) => a + b, 0);
      const figures: Figure[] = [
        info(`bytes per phone over ${durationS} s of plenary notes, same rate (voting: below)`, bytesText(plenary.report.wire.participantBytes, plenary.wallS)),
        { name: 'voting / plenary bytes per phone', value: `${ratio.toFixed(2)}×`, target: `< ${VOTE_BYTES_RATIO}× (issue 13)`, pass: ratio < VOTE_BYTES_RATIO },
        { name: 'snapshots received in the plenary phase', value: int(plenarySnapshots), target: '0 (issue 13)', pass: plenarySnapshots === 0 },
        ...phaseFigures(vote, 'vote'),
        ...wireFigures(vote),
      ];
      return {
        title: `dot voting: ${int(n)} phones, ${rate} votes/s across the crowd, results live`,
        setup: `${durationS} s of plenary notes, then ${durationS} s of voting on ${OPTIONS} options (3 dots each, at most 2 on one) in the same session; ${BOTS(load)}.`,
        rows: [],
        figures,
        notes: [
          `${int(n)} participants joined (100/s) in ${joined.wallS.toFixed(1)} s; plenary: ${int(plenary.posted.acked)} notes acked; voting: ${int(vote.posted.sent)} votes sent, ${int(vote.posted.acked)} acked, refused ${counts(vote.posted.errors)}.`,
          ...phaseNotes('verkstad', session, joined, vote),
        ],
      };
    } finally {
      await session.close();
      if (load.profile) for (const line of profileSummary('voting')) console.log(line);
    }
  },
};

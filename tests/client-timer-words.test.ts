// The countdown in words for screen readers: which change of the timer is worth saying, and how
// long is left said the way a person would ("10 minuter", "1 minut", "45 sekunder").
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spokenTime, timerChange } from '../client/src/lib/timer.ts';
import { DICTIONARIES, type MessageKey } from '../shared/i18n/index.ts';
import type { Timer } from '../shared/workshop/model.ts';

const t = (key: MessageKey, params: Record<string, number> = {}) =>
  DICTIONARIES.sv[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
const NOW = 1_000_000;
const running = (leftMs: number, durationMs = leftMs): Timer => ({ endsAt: NOW + leftMs, remainingMs: 0, durationMs });
const paused = (leftMs: number, durationMs = leftMs): Timer => ({ endsAt: null, remainingMs: leftMs, durationMs });

const words = suite('the timer in words');

words('how long, as it is said', () => {
  assert.is(spokenTime(600_000, t), '10 minuter');
  assert.is(spokenTime(62_000, t), '1 minut');
  assert.is(spokenTime(45_000, t), '45 sekunder');
  assert.is(spokenTime(1_200, t), '2 sekunder', 'rounded up like the clock');
});

words('what the facilitator did is told; the same timer again is not news', () => {
  assert.equal(timerChange(null, running(600_000), NOW), { key: 'timer.started', ms: 600_000 });
  assert.equal(timerChange(running(300_000, 600_000), paused(300_000, 600_000), NOW), { key: 'timer.pausedAt', ms: 300_000 });
  assert.equal(timerChange(paused(300_000, 600_000), running(300_000, 600_000), NOW), { key: 'timer.resumed', ms: 300_000 });
  assert.equal(timerChange(running(300_000, 600_000), running(360_000, 660_000), NOW), { key: 'timer.changed', ms: 360_000 });
  assert.equal(timerChange(running(30_000, 600_000), running(120_000), NOW), { key: 'timer.started', ms: 120_000 });
  assert.equal(timerChange(running(300_000), null, NOW), { key: 'timer.stopped', ms: 0 });
  assert.is(timerChange(running(300_000), running(300_000), NOW), null);
  assert.is(timerChange(null, null, NOW), null);
});

words('a timer already run out is not stopped again, and a new one after it is a start', () => {
  const over: Timer = { endsAt: NOW - 1000, remainingMs: 0, durationMs: 60_000 };
  assert.is(timerChange(over, null, NOW), null);
  assert.equal(timerChange(over, running(60_000), NOW), { key: 'timer.started', ms: 60_000 });
});

words('a start is never said longer than it was set, whatever the clock estimate', () => {
  // The page's estimate of the server clock lags a little: 2.0004 s seem to be left of 2 s.
  assert.equal(timerChange(null, running(2_000.4, 2_000), NOW), { key: 'timer.started', ms: 2_000 });
});

words.run();

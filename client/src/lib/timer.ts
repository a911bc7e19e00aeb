// The countdown as a clock face (what is left at a moment of the server's clock) and in words
// for screen readers (what changed, how long is left).
import type { MessageKey } from '../../../shared/i18n/sv.ts';
import type { Timer } from '../../../shared/workshop/model.ts';

/** Milliseconds left: counted down while running, frozen while paused, never below zero. */
export function timeLeft(timer: Timer, serverNow: number): number {
  return timer.endsAt === null ? Math.max(0, timer.remainingMs) : Math.max(0, timer.endsAt - serverNow);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "4:59", "12:00", "1:05:00": whole seconds rounded up, so zero shows only when time is up. */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** "10 minuter", "1 minut", "45 sekunder": how long, as a screen reader should say it. */
export function spokenTime(ms: number, t: (key: MessageKey, params?: Record<string, number>) => string): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  if (seconds < 60) return t('timer.spokenSeconds', { n: seconds });
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? t('timer.spokenMinute') : t('timer.spokenMinutes', { n: minutes });
}

export interface TimerChange {
  key: 'timer.started' | 'timer.pausedAt' | 'timer.resumed' | 'timer.changed' | 'timer.stopped';
  /** The time to say with it: what is left. */
  ms: number;
}

/** What the facilitator did to the timer between two states, in words worth saying; null: nothing. */
export function timerChange(before: Timer | null, after: Timer | null, serverNow: number): TimerChange | null {
  const leftBefore = before ? timeLeft(before, serverNow) : 0;
  if (!after) return before && leftBefore > 0 ? { key: 'timer.stopped', ms: 0 } : null;
  const left = timeLeft(after, serverNow);
  // Never more than it was set to, whatever the last estimate of the server's clock.
  const started: TimerChange = { key: 'timer.started', ms: Math.min(left, after.durationMs) };
  const running = after.endsAt !== null;
  if (!before || leftBefore <= 0) return running ? started : null;
  const wasRunning = before.endsAt !== null;
  if (wasRunning && !running) return { key: 'timer.pausedAt', ms: left };
  if (!wasRunning && running) return { key: 'timer.resumed', ms: left };
  if (before.endsAt === after.endsAt && before.remainingMs === after.remainingMs) return null;
  // A new start replaces the timer: its whole duration is left.
  const restarted = after.durationMs !== before.durationMs && Math.abs(after.durationMs - left) < 2000;
  return restarted ? started : { key: 'timer.changed', ms: left };
}

// The countdown as a clock face: what is left of a timer at a moment of the server's clock.
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

// Who is online, for the facilitators' participant list. Ephemeral: never stored, never an
// event. Changes are coalesced, so a hall joining at once is one message, not hundreds.
import { channels, type Io } from './fanout.ts';

const PRESENCE_DELAY_MS = 200;

export function createPresence(io: Io) {
  const online = new Map<string, Map<string, number>>(); // workshopId -> participantId -> sockets
  const timers = new Map<string, NodeJS.Timeout>();

  const onlineIds = (workshopId: string) => [...(online.get(workshopId)?.keys() ?? [])];

  function announce(workshopId: string) {
    if (timers.has(workshopId)) return;
    const timer = setTimeout(() => {
      timers.delete(workshopId);
      // Not volatile: a dropped list would leave the facilitator's view wrong until the next change.
      io.to(channels.facilitators(workshopId)).emit('presence', { online: onlineIds(workshopId) });
    }, PRESENCE_DELAY_MS);
    timer.unref();
    timers.set(workshopId, timer);
  }

  function track(workshopId: string, participantId: string, delta: 1 | -1) {
    const counts = online.get(workshopId) ?? new Map<string, number>();
    const n = (counts.get(participantId) ?? 0) + delta;
    if (n > 0) counts.set(participantId, n);
    else counts.delete(participantId);
    if (counts.size) online.set(workshopId, counts);
    else online.delete(workshopId);
    announce(workshopId);
  }

  return {
    online: onlineIds,
    arrived: (workshopId: string, participantId: string) => track(workshopId, participantId, 1),
    left: (workshopId: string, participantId: string) => track(workshopId, participantId, -1),
  };
}

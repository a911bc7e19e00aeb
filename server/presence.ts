// Who is online, for the facilitators' participant list. Ephemeral: never stored, never an
// event. Changes are coalesced, so a hall joining at once is one message, not hundreds. With
// several servers each counts its own sockets and tells the others (cluster.ts); a facilitator
// sees everyone online on any server, and a server that stops telling is forgotten.
import { channels, type Io } from './fanout.ts';

const PRESENCE_DELAY_MS = 200;
/** Another server's list counts this long after it last said it (it repeats it every 10 s). */
const REMOTE_TTL_MS = 30_000;

export interface PresenceOptions {
  /** Tell the other servers who is online here now (several servers only). */
  share?: (workshopId: string, online: string[]) => void;
}

export function createPresence(io: Io, options: PresenceOptions = {}) {
  const online = new Map<string, Map<string, number>>(); // workshopId -> participantId -> sockets
  /** What the other servers said: workshopId -> server -> participant ids, and when. */
  const remote = new Map<string, Map<string, { ids: string[]; at: number }>>();
  const timers = new Map<string, NodeJS.Timeout>();

  const localIds = (workshopId: string) => [...(online.get(workshopId)?.keys() ?? [])];

  function onlineIds(workshopId: string): string[] {
    const servers = remote.get(workshopId);
    if (!servers?.size) return localIds(workshopId);
    const ids = new Set(localIds(workshopId));
    const fresh = Date.now() - REMOTE_TTL_MS;
    for (const [server, said] of servers) {
      if (said.at < fresh) servers.delete(server);
      else said.ids.forEach((id) => ids.add(id));
    }
    return [...ids];
  }

  /** Send the facilitators here the list, soon (coalesced); `shared`: and tell the other servers. */
  function announce(workshopId: string, shared = true) {
    if (timers.has(workshopId)) return;
    const timer = setTimeout(() => {
      timers.delete(workshopId);
      if (shared) options.share?.(workshopId, localIds(workshopId));
      // Not volatile: a dropped list would leave the facilitator's view wrong until the next change.
      io.local.to(channels.facilitators(workshopId)).emit('presence', { online: onlineIds(workshopId) });
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
    /** Another server's list for a workshop (empty: nobody there any more). */
    heard(server: string, workshopId: string, ids: string[]) {
      const servers = remote.get(workshopId) ?? new Map<string, { ids: string[]; at: number }>();
      if (ids.length) servers.set(server, { ids, at: Date.now() });
      else servers.delete(server);
      if (servers.size) remote.set(workshopId, servers);
      else remote.delete(workshopId);
      announce(workshopId, false);
    },
    /** Say again who is here, for every workshop with someone online (a server that stops saying is forgotten). */
    repeat() {
      for (const [workshopId] of online) options.share?.(workshopId, localIds(workshopId));
    },
  };
}

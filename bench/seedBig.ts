// The big workshop of `--only big` (issue 13), built through the running server as its users
// would build it: participants join and write notes, facilitators add the rest, every one a
// `note.add` command with its ack, paced under the sockets' rate limits (participants 10/s,
// facilitators 50/s). Raw socket.io-client speaking docs/protocol.md, not headless phones: this
// is setup, not measurement, and a phone folding 20,000 notes one event at a time would spend
// minutes of CPU (apply copies the notes record for each note).
import { io, type Socket } from 'socket.io-client';
import type { Created } from './load.ts';
import { newToken, sleep } from './load.ts';

export interface BigSeed extends Created {
  /** Participants' tokens; each wrote `notesEach` notes of its own, to edit later. */
  editors: string[];
  notes: number;
  seconds: number;
}

type Ack = { ok: true; data: unknown } | { ok: false; error: string; message: string };

const QUESTIONS = ['Vad fungerar i samverkan?', 'Vad behöver vi ändra?', 'Vad saknas?', 'Vem behöver vara med?'];
export const BIG_AGENDA = [{ kind: 'brainstorm', title: 'Länsgemensam dag', questions: QUESTIONS }];
const TEXT = 'gemensam planering mellan kommun och region ger kortare väntetider för barn och unga med psykisk ohälsa';

function open(url: string, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { protocol: 1, ...auth } });
    socket.once('snapshot', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Sends each command until acked; a rate limit or a passing failure waits and tries again. */
async function send(socket: Socket, event: string, payload: unknown): Promise<void> {
  for (;;) {
    const ack = (await socket.timeout(60_000).emitWithAck(event, payload)) as Ack;
    if (ack.ok) return;
    if (ack.error !== 'rate_limited' && ack.error !== 'internal') throw new Error(`${event}: ${ack.error} ${ack.message}`);
    await sleep(1000);
  }
}

/** `count` notes from one socket at `perSecond`, a few in flight at once. */
async function write(socket: Socket, ws: Created, count: number, perSecond: number, label: string) {
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let k = 0; k < count; k++) {
    const wait = start + (k / perSecond) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= 20) await Promise.race(inFlight);
    const noteId = `${label}-${k}`;
    const command = { id: `cmd-${noteId}`, type: 'note.add', noteId, activityId: ws.activityId, columnId: `q${1 + (k % QUESTIONS.length)}`, text: `${k}: ${TEXT}` };
    const p = send(socket, 'command', command).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
}

/** Fills `ws` to `notes` notes: `editors` participants write `notesEach` each, then facilitators the rest. */
export async function seedBig(url: string, ws: Created, notes: number, editors: number, notesEach = 25, writers = 10): Promise<BigSeed> {
  const t0 = Date.now();
  const tokens = Array.from({ length: editors }, (_, i) => newToken(i));
  // The editors first, and gone before the rest is written: only the writers receive every note.
  await Promise.all(
    tokens.map(async (token, i) => {
      const socket = await open(url, { workshopId: ws.workshopId, participantToken: token });
      try {
        await send(socket, 'join', { token, name: `Redaktör ${i}`, organisation: 'Region Kalmar län', orgKind: 'region' });
        await write(socket, ws, notesEach, 8, `editor${i}`);
      } finally {
        socket.close();
      }
    }),
  );
  const rest = notes - editors * notesEach;
  const sockets = await Promise.all(Array.from({ length: writers }, () => open(url, { workshopId: ws.workshopId, facilitatorKey: ws.key })));
  try {
    await Promise.all(sockets.map((socket, w) => write(socket, ws, Math.ceil((rest - w) / writers), 45, `seed${w}`)));
  } finally {
    for (const socket of sockets) socket.close();
  }
  return { ...ws, editors: tokens, notes, seconds: (Date.now() - t0) / 1000 };
}

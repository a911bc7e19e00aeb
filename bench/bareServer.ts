// The baseline: bare Socket.IO 4.8 doing only the fan-out part of Verkstad's job, for the same
// bots. No store, no validation, no views, no rate limits: rooms via socket.join, and each note
// broadcast as an `events` message of the same shape as ours. What our server costs on top of
// Socket.IO itself is the difference. `PORT=0 node --import tsx bench/bareServer.ts`.
// The bots run the web client's code, so the snapshot is a workshop the client can fold into:
// one brainstorm, its participants, and the breakout once opened.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { makeActivity } from '../shared/templates.ts';
import type { Participant, Workshop } from '../shared/workshop/model.ts';

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { serveClient: false, perMessageDeflate: false, maxHttpBufferSize: 128 * 1024 });
// The handshake request is not kept once the connection is open (Socket.IO's memory advice).
io.engine.on('connection', (raw: { request: unknown }) => {
  raw.request = null;
});

type Ack = (answer: unknown) => void;
interface Command {
  id: string;
  type: string;
  noteId?: string;
  activityId?: string;
  columnId?: string;
  text?: string;
  rooms?: Array<{ id: string; name?: string; members: string[] }>;
}

let seq = 1;
let nextParticipant = 1;
const participants = new Map<string, string>(); // token -> participant id
const roomOf = new Map<string, string>(); // participant id -> room id
const activity = makeActivity('bareActivity', 'brainstorm', 'sv', { title: 'Idéer' });
/** What every snapshot carries (notes are not kept: snapshots go out only before the posting). */
const workshop: Omit<Workshop, 'id' | 'seq'> = {
  title: 'Lasttest',
  date: '',
  place: '',
  purpose: '',
  goal: '',
  language: 'sv',
  joinCode: '000000',
  createdAt: Date.now(),
  status: 'open',
  closedAt: null,
  activities: [activity],
  currentActivityId: activity.id,
  timer: null,
  announcement: null,
  themes: {},
  ballots: {},
  participants: {},
  notes: {},
};

io.on('connection', (socket: Socket) => {
  const auth = (socket.handshake.auth ?? {}) as { workshopId?: string; facilitatorKey?: string; participantToken?: string };
  const channel = `workshop:${auth.workshopId}`;
  const facilitator = auth.facilitatorKey !== undefined;
  let participantId = (auth.participantToken && participants.get(auth.participantToken)) || null;
  socket.join(channel);
  if (facilitator) socket.join(`${channel}:facilitators`);
  if (participantId) socket.join(`participant:${participantId}`);
  const role = () => (facilitator ? 'facilitator' : participantId ? 'participant' : 'public');
  const snapshot = () =>
    socket.emit('snapshot', {
      protocol: 1,
      workshop: { ...workshop, id: auth.workshopId, seq },
      you: { role: role(), participantId },
      serverNow: Date.now(),
      projection: { results: {}, hiddenCounts: {}, voters: {} },
      retentionDays: null,
    });
  snapshot();

  socket.on('join', (request: { token: string; name: string; organisation: string; orgKind: string }, ack: Ack) => {
    if (!participantId) {
      participantId = `p${nextParticipant++}`;
      participants.set(request.token, participantId);
      socket.join(`participant:${participantId}`);
      const participant = { id: participantId, name: request.name, organisation: request.organisation, orgKind: request.orgKind, joinedAt: Date.now(), removed: false } as Participant;
      workshop.participants[participantId] = participant;
      ack({ ok: true, data: { participant } });
      io.to(channel).emit('events', [{ seq: ++seq, event: { type: 'participant.joined', participant } }]);
    } else ack({ ok: true, data: { participant: { id: participantId } } });
    snapshot();
  });

  socket.on('command', (command: Command, ack: Ack) => {
    if (command.type === 'note.add') {
      const room = participantId ? roomOf.get(participantId) : undefined;
      const now = Date.now();
      const note = {
        id: command.noteId,
        activityId: command.activityId,
        columnId: command.columnId,
        authorId: participantId ?? 'facilitator',
        text: command.text,
        roomId: room ?? null,
        themeId: null,
        createdAt: now,
        updatedAt: now,
      };
      ack({ ok: true, data: { seq: ++seq } });
      const to = room ? [`${channel}:facilitators`, `${channel}:room:${room}`] : channel;
      io.to(to).emit('events', [{ seq, event: { type: 'note.added', note } }]);
    } else if (command.type === 'breakout.open') {
      for (const room of command.rooms ?? [])
        for (const member of room.members) {
          roomOf.set(member, room.id);
          io.in(`participant:${member}`).socketsJoin(`${channel}:room:${room.id}`);
        }
      const rooms = (command.rooms ?? []).map((r) => ({ id: r.id, name: r.name ?? r.id, members: r.members, reporterId: null, videoUrl: '', summary: '' }));
      const breakout = { rooms, assignment: 'manual' as const, cap: null, open: true, openedAt: Date.now(), closedAt: null };
      activity.breakout = breakout;
      ack({ ok: true, data: { seq: ++seq } });
      io.to(channel).emit('events', [{ seq, event: { type: 'breakout.opened', activityId: command.activityId, breakout } }]);
    } else ack({ ok: true, data: { seq } });
  });
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`bare Socket.IO on http://${process.env.HOST ?? '127.0.0.1'}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => io.close(() => process.exit(0)));

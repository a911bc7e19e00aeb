// Real socket.io-client connections for tests: facilitators and participants that record
// every raw event they receive, keep the state they fold, and send commands with acks.
import { nanoid } from 'nanoid';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type CreatedWorkshop,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '../../shared/protocol.ts';
import type { Command, CreateWorkshop } from '../../shared/schema.ts';
import { apply } from '../../shared/workshop/apply.ts';
import type { Sequenced } from '../../shared/workshop/events.ts';
import type { OrgKind, Participant, Workshop } from '../../shared/workshop/model.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Received {
  name: string;
  payload: unknown;
}

export class TestClient {
  readonly socket: ClientSocket;
  /** Every event this socket received, raw, in order. */
  readonly received: Received[] = [];
  state: Workshop | null = null;
  participant: Participant | null = null;

  constructor(url: string, readonly auth: Omit<HandshakeAuth, 'protocol'> & { protocol?: number }) {
    this.socket = io(url, {
      auth: (cb) => cb({ protocol: PROTOCOL_VERSION, ...this.auth, since: this.state?.seq }),
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      forceNew: true,
    });
    this.socket.onAny((name, payload) => this.received.push({ name, payload }));
    this.socket.on('snapshot', (s) => (this.state = s.workshop));
    this.socket.on('events', (events: Sequenced[]) => {
      for (const { seq, event } of events) if (this.state) this.state = apply(this.state, event, seq);
    });
  }

  connected(): Promise<void> {
    if (this.socket.connected && this.state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.socket.once('connect_error', onError);
      this.socket.once('snapshot', () => {
        this.socket.off('connect_error', onError);
        resolve();
      });
    });
  }

  /** Send a command with a fresh id (or the given one) and wait for its ack. */
  command(command: Record<string, unknown>, id = nanoid()): Promise<Ack<{ seq: number }>> {
    return this.socket.timeout(5000).emitWithAck('command', { id, ...command } as Command) as Promise<Ack<{ seq: number }>>;
  }

  /** Wait until the folded state satisfies `check`. */
  async until(check: (state: Workshop) => boolean, ms = 3000): Promise<Workshop> {
    const start = Date.now();
    while (Date.now() - start < ms) {
      if (this.state && check(this.state)) return this.state;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`state never satisfied the check within ${ms} ms`);
  }

  close() {
    this.socket.close();
  }
}

export async function createWorkshop(url: string, input: Partial<CreateWorkshop> = {}): Promise<CreatedWorkshop> {
  const res = await fetch(`${url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'LGS workshop', agenda: 'lgs', ...input }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return res.json() as Promise<CreatedWorkshop>;
}

export async function facilitator(url: string, created: CreatedWorkshop): Promise<TestClient> {
  const client = new TestClient(url, { workshopId: created.id, facilitatorKey: created.facilitatorKey });
  await client.connected();
  return client;
}

export async function participant(
  url: string,
  workshopId: string,
  who: { name?: string; organisation?: string; orgKind?: OrgKind; token?: string } = {},
): Promise<TestClient> {
  const token = who.token ?? nanoid(24);
  const client = new TestClient(url, { workshopId, participantToken: token });
  await client.connected();
  const ack = (await client.socket.timeout(5000).emitWithAck('join', {
    token,
    name: who.name ?? 'Anna',
    organisation: who.organisation ?? 'Nybro kommun',
    orgKind: who.orgKind ?? 'kommun',
  })) as Ack<{ participant: Participant }>;
  if (!ack.ok) {
    client.close();
    throw new Error(`join failed: ${ack.error} ${ack.message}`);
  }
  client.participant = ack.data.participant;
  await client.until((s) => !!s.participants[ack.data.participant.id]);
  return client;
}

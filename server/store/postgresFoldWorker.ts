// The PostgreSQL store's fold thread (started by postgresFold.ts): folds a stored snapshot and
// the events after it into the state as JSON. Parsing, folding and serialising a big workshop
// takes a few hundred ms (20,000 notes: about 0.2 s), which the server's event loop must not
// spend while every other workshop waits.
import { parentPort } from 'node:worker_threads';
import { fold } from '../../shared/workshop/apply.ts';
import type { WorkshopEvent } from '../../shared/workshop/events.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import type { FoldReply, FoldRequest } from './postgresFold.ts';

const port = parentPort!;

port.on('message', ({ id, snapshot, events }: FoldRequest) => {
  let reply: FoldReply;
  try {
    const from = snapshot === null ? null : (JSON.parse(snapshot) as Workshop);
    const state = fold(events.map((e) => ({ seq: e.seq, event: JSON.parse(e.data) as WorkshopEvent })), from);
    reply = { id, ok: true, folded: state && { seq: state.seq, data: JSON.stringify(state) } };
  } catch (err) {
    reply = { id, ok: false, message: (err as Error).message };
  }
  port.postMessage(reply);
});

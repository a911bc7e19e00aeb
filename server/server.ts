// Builds a whole Verkstad server (HTTP + Socket.IO + workshops) around a store. Used by
// index.ts and by the tests, which start it on port 0 with a temp data folder.
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { Server } from 'socket.io';
import { clientAddress } from './addresses.ts';
import { createApp } from './app.ts';
import { attachCluster, guardPool } from './cluster.ts';
import { CodeGuessLimiter } from './limits.ts';
import { originCheck } from './origins.ts';
import { Quotas, type QuotaLimits } from './quotas.ts';
import { attachRealtime, type Io, type RealtimeLimits } from './realtime.ts';
import type { EventStore } from './store/store.ts';
import { Workshops } from './workshops.ts';

export interface ServerOptions {
  store: EventStore;
  publicUrl?: string | null;
  clientDir?: string;
  now?: () => number;
  codeGuesses?: CodeGuessLimiter;
  realtimeLimits?: RealtimeLimits;
  trustProxy?: string | false;
  /** RETENTION_DAYS: closed workshops are erased this many days after closing. Off when null. */
  retentionDays?: number | null;
  /** ALLOWED_ORIGINS: browser origins besides the app's own that may connect and create. */
  allowedOrigins?: readonly string[];
  /** Limits per participant, address and workshop changed from their defaults (QUOTAS). */
  quotas?: Partial<QuotaLimits>;
  /** A workshop nobody follows leaves memory after this long unused (default 10 minutes). */
  idleMs?: number;
  /**
   * Several servers on one PostgreSQL store: the pool of its database, for the Socket.IO adapter
   * between them (cluster.ts). The store must be that database's.
   */
  cluster?: { pool: pg.Pool };
}

/** Larger messages close the connection; smaller ones are still capped per role (realtime.ts). */
const MAX_TRANSPORT_BYTES = 128 * 1024;

/** How often closed workshops past their retention are looked for (also once at start). */
const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface VerkstadServer {
  http: HttpServer;
  io: Io;
  workshops: Workshops;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createServer(options: ServerOptions): VerkstadServer {
  const { store, publicUrl = null, clientDir, now, realtimeLimits, trustProxy, retentionDays, allowedOrigins, cluster } = options;
  const workshops = new Workshops(store, { now, retentionDays, shared: !!options.cluster });
  if (cluster) guardPool(cluster.pool);
  // With several servers the limits are counted once for all of them, in their database.
  const shared = cluster && { pool: cluster.pool };
  const quotas = new Quotas(options.quotas, shared);
  const codeGuesses = options.codeGuesses ?? new CodeGuessLimiter(undefined, shared);
  // One check for the API's writes and the socket's handshake.
  const originAllowed = originCheck({ publicUrl, allowedOrigins });
  const app = createApp({ workshops, publicUrl, clientDir, codeGuesses, trustProxy, originAllowed, quotas });
  const http = createHttpServer(app);
  const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const io: Io = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: MAX_TRANSPORT_BYTES,
    perMessageDeflate: false,
    // A page of another site may not open a socket here in a visitor's browser (origins.ts).
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host)),
  });
  // Memory: engine.io keeps every connection's handshake request (the IncomingMessage, with
  // its headers and parser state) for as long as the connection lives. Nothing reads it after
  // the handshake: the Origin check runs in allowRequest before, and realtime.ts reads only
  // socket.handshake.auth. Dropping it is Socket.IO's own advice for many connections. With
  // 1,000 participants whose connection starts with HTTP long-polling (socket.io-client's
  // default, and our client's fallback) the live heap per participant went from 16.8 to
  // 13.0 KB; WebSocket-first connections (our client's first choice) showed no difference.
  // The client's address is taken from it first, as Express finds a request's (TRUST_PROXY), for
  // the per-address limits (quotas.ts).
  io.engine.on('connection', (raw: { request: IncomingMessage | null; clientAddress?: string }) => {
    const request = raw.request!;
    raw.clientAddress = clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], trust);
    raw.request = null;
  });
  const realtime = attachRealtime(io, workshops, {
    limits: realtimeLimits,
    quotas,
    addressOf: (socket) => (socket.conn as unknown as { clientAddress?: string }).clientAddress,
    idleMs: options.idleMs,
  });
  const purge = () =>
    workshops.purgeExpired().then(
      (erased) => erased && console.log(`Erased ${erased} workshop(s) closed more than ${retentionDays} days ago`),
      (err: Error) => console.error('purge failed', err.message),
    );
  let purgeTimer: NodeJS.Timeout | undefined;
  return {
    http,
    io,
    workshops,
    async listen(port, host) {
      await Promise.all([quotas.ready(), codeGuesses.ready()]);
      if (cluster) realtime.joinCluster(await attachCluster(io, workshops, cluster.pool, realtime.clusterHooks));
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, async () => {
          // Erased at start means before anyone is answered as if it were still there.
          if (retentionDays != null) {
            await purge();
            purgeTimer = setInterval(purge, PURGE_EVERY_MS).unref();
          }
          const { port: actual } = http.address() as AddressInfo;
          resolve(`http://${host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost'}:${actual}`);
        });
      });
    },
    async close() {
      clearInterval(purgeTimer);
      realtime.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await store.close();
    },
  };
}

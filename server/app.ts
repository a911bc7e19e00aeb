// HTTP: the JSON API beside the socket, and the built client. Socket.IO lives in realtime.ts.
import compression from 'compression';
import express, { type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { CreatedWorkshop } from '../shared/protocol.ts';
import { refusalMessage, type Wording } from '../shared/refusal.ts';
import { CreateWorkshop, parse } from '../shared/schema.ts';
import { translate } from '../shared/i18n/index.ts';
import type { ErrorCode, Language, Workshop } from '../shared/workshop/model.ts';
import { exportSummary, isExportFormat } from './export/index.ts';
import { joinPage, lookUpCode, readIndexHtml } from './joinPage.ts';
import { CodeGuessLimiter } from './limits.ts';
import { addressKey } from './addresses.ts';
import { baseUrl, linksFor } from './links.ts';
import type { OriginCheck } from './origins.ts';
import { breakoutPreview } from './preview.ts';
import { Quotas } from './quotas.ts';
import { securityHeaders } from './security.ts';
import { Workshops } from './workshops.ts';

export interface AppOptions {
  workshops: Workshops;
  publicUrl: string | null;
  /** Folder of the built client (vite build); served when it exists. */
  clientDir?: string;
  codeGuesses?: CodeGuessLimiter;
  trustProxy?: string | false;
  /** Which browser pages may create and delete (PUBLIC_URL, ALLOWED_ORIGINS; see origins.ts). */
  originAllowed: OriginCheck;
  /** Workshop creation per address and overall (quotas.ts). */
  quotas?: Quotas;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown_code: 404,
  closed: 410,
  rate_limited: 429,
};

/** An error answer: the status, the code, its detail from the closed set, and its words. */
function fail(res: Response, refusal: Wording, lang: Language = 'sv') {
  const { error, detail } = refusal;
  const message = refusalMessage((key, params) => translate(lang, key, params), refusal);
  res.status(STATUS[error] ?? 500).json({ ok: false, error, message, ...(detail && { detail }) });
}

/** The key of `Authorization: Bearer <key>`, or null when there is none. */
function bearer(req: Request): string | null {
  const match = /^Bearer +(\S{1,200})\s*$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}

function origin(req: Request) {
  return { protocol: req.protocol, host: req.get('host') };
}

export function createApp(options: AppOptions) {
  const { workshops, publicUrl, clientDir, codeGuesses = new CodeGuessLimiter(), trustProxy = false, originAllowed, quotas = new Quotas() } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(publicUrl));
  // "1" (one proxy), "loopback", an address list…: see Express's trust proxy setting.
  if (trustProxy) app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  // A page of another site may not create or delete a workshop through a visitor's browser.
  app.use('/api', (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || originAllowed(req.get('origin'), req.get('host'))) return next();
    fail(res, { error: 'forbidden', detail: 'origin' });
  });
  // A creation is counted before its body is read: a flood of 64 KB bodies is refused without
  // parsing each (the abuse bench's 1,500 creations held /api/health up for a second).
  app.post('/api/workshops', async (req, res, next) => {
    const wait = await quotas.create(addressKey(req.ip));
    if (!wait) return next();
    res.set('Retry-After', String(wait));
    fail(res, { error: 'rate_limited', detail: 'creations' });
  });
  app.use(express.json({ limit: '64kb' }));

  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, store: 'open' });
  });

  app.post('/api/workshops', async (req, res) => {
    const input = parse(CreateWorkshop, req.body);
    if (!input.ok) return fail(res, { error: 'invalid', ...input });
    const { workshop, facilitatorKey } = await workshops.create(input.value);
    const { base, lanHost } = baseUrl(publicUrl, origin(req));
    const own = publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const body: CreatedWorkshop = {
      id: workshop.id,
      joinCode: workshop.joinCode,
      facilitatorKey,
      ...linksFor(base, lanHost, workshop),
      facilitatorUrl: `${own}/f/${workshop.id}#${facilitatorKey}`,
    };
    res.status(201).json(body);
  });

  app.get('/api/join/:code', async (req, res) => {
    const answer = await lookUpCode(workshops, codeGuesses, req.ip ?? 'unknown', String(req.params.code));
    if (answer.ok) return res.json(answer.info);
    if (answer.error === 'rate_limited') {
      res.set('Retry-After', String(answer.retryAfter));
      return fail(res, { error: 'rate_limited', detail: 'join_codes' });
    }
    fail(res, { error: answer.error }, answer.lang);
  });

  /** What links and the QR code are made of, or undefined. */
  const linked = (id: string) => workshops.read(id, ({ state }) => ({ id: state.id, joinCode: state.joinCode }));

  app.get('/api/workshops/:id/links', async (req, res) => {
    const workshop = await linked(req.params.id);
    if (!workshop) return fail(res, { error: 'not_found', detail: 'workshop' });
    const { base, lanHost } = baseUrl(publicUrl, origin(req));
    res.json(linksFor(base, lanHost, workshop));
  });

  app.get('/api/workshops/:id/qr.svg', async (req, res) => {
    const workshop = await linked(req.params.id);
    if (!workshop) return fail(res, { error: 'not_found', detail: 'workshop' });
    const { base, lanHost } = baseUrl(publicUrl, origin(req));
    const svg = await QRCode.toString(linksFor(base, lanHost, workshop).participantUrl, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
    });
    res.type('image/svg+xml').set('Cache-Control', 'no-store').send(svg);
  });

  /**
   * What a facilitator's request needs of its workshop (`take`, run in the workshop's lane), or
   * null once refused: no credentials 401 (nothing is looked up), an unknown workshop 404, a
   * wrong key 403.
   */
  async function facilitated<T>(req: Request, res: Response, take: (state: Workshop) => T): Promise<T | null> {
    const key = bearer(req);
    if (key === null) {
      res.set('WWW-Authenticate', 'Bearer');
      fail(res, { error: 'unauthorized' });
      return null;
    }
    // With other servers on the store, what they stored since comes first: the minutes are whole.
    if (workshops.shared) await workshops.refresh(String(req.params.id)).catch(() => {});
    const found = await workshops.read(String(req.params.id), (workshop) => ({
      taken: Workshops.isFacilitatorKey(workshop, key) ? { value: take(workshop.state) } : null,
      language: workshop.state.language,
    }));
    if (!found) {
      fail(res, { error: 'not_found', detail: 'workshop' });
      return null;
    }
    if (!found.taken) {
      fail(res, { error: 'forbidden', detail: 'key' }, found.language);
      return null;
    }
    return found.taken.value;
  }

  app.get('/api/workshops/:id/summary.:format', async (req, res) => {
    const format = String(req.params.format);
    // A copy: the export awaits while the workshop goes on changing (in place).
    const workshop = await facilitated(req, res, (state) => structuredClone(state));
    if (!workshop) return;
    if (!isExportFormat(format)) return fail(res, { error: 'not_found', detail: 'format' }, workshop.language);
    const out = await exportSummary(workshop, format, { includeNames: req.query.names !== '0' });
    const inline = format === 'html' && req.query.inline === '1';
    res.set({
      'Content-Type': out.contentType,
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${out.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // The page must never run a script or fetch anything, whatever a note says.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
    });
    res.send(out.body);
  });

  // Erase for good, confirmed by the workshop's title typed out (the UI asks for it).
  app.delete('/api/workshops/:id', async (req, res) => {
    const workshop = await facilitated(req, res, ({ id, title, language }) => ({ id, title, language }));
    if (!workshop) return;
    const typed = typeof req.body?.confirmTitle === 'string' ? req.body.confirmTitle.trim() : '';
    if (typed !== workshop.title.trim()) return fail(res, { error: 'invalid', detail: 'confirmTitle' }, workshop.language);
    await workshops.delete(workshop.id);
    res.status(204).end();
  });

  // Facilitator-only, like the summary: it lists who would sit with whom.
  app.post('/api/workshops/:id/breakout-preview', async (req, res) => {
    const answer = await facilitated(req, res, (state) => ({ language: state.language, ...breakoutPreview(state, req.body) }));
    if (!answer) return;
    if ('refusal' in answer) return fail(res, answer.refusal, answer.language);
    res.set('Cache-Control', 'no-store').json(answer.preview);
  });
  app.use('/api', (_req, res) => fail(res, { error: 'not_found' }));

  if (clientDir && existsSync(join(clientDir, 'index.html'))) {
    // Phones on weak mobile data: gzip the page, and let them keep the hashed assets.
    app.use(compression());
    app.use('/assets', express.static(join(clientDir, 'assets'), { immutable: true, maxAge: '1y' }));
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    // A join link's page carries what the code opens (see joinPage.ts).
    app.get(/^\/j\/([^/]*)\/?$/, async (req, res) => {
      const code = String(req.params[0] ?? '');
      const answer = await lookUpCode(workshops, codeGuesses, req.ip ?? 'unknown', code);
      const html = joinPage(await readIndexHtml(join(clientDir, 'index.html')), code, answer);
      // The answer depends on who asks (throttled or not): no shared cache may keep it.
      res.set('Cache-Control', 'private, no-cache').type('html').send(html);
    });
    // The other client routes (/, /new, /tillganglighet, /f/:id, /p/:id) are the same page.
    app.get(/^\/(?:new|tillganglighet|f\/[^/]*|p\/[^/]*)?\/?$/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(join(clientDir, 'index.html'));
    });
  }

  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: () => void) => {
    if (err.type === 'entity.too.large') return fail(res, { error: 'invalid', detail: 'body_too_large' });
    // Not JSON, or a body the parser refused otherwise.
    if (err.status && err.status < 500) return fail(res, { error: 'invalid', detail: 'payload' });
    console.error('http error', err.message);
    fail(res, { error: 'internal' });
  });

  return app;
}

// POST /api/workshops/:id/breakout-preview: the rooms `breakout.open` would get, dealt exactly
// as the facilitator's page deals them, for a client that cannot run that code itself.
// Facilitator-only, like the summary export: it lists who would sit with whom.
import { Router, type Request, type Response } from 'express';
import { translate } from '../shared/i18n/index.ts';
import type { BreakoutPreview, DetailOf } from '../shared/protocol.ts';
import { refusalMessage, type Wording } from '../shared/refusal.ts';
import { BreakoutPreviewRequest, parse } from '../shared/schema.ts';
import type { ErrorCode, Language } from '../shared/workshop/model.ts';
import { previewSplit } from '../shared/workshop/rooms.ts';
import { Workshops } from './workshops.ts';

const STATUS = { unauthorized: 401, forbidden: 403, not_found: 404, invalid: 400 } as const satisfies Partial<Record<ErrorCode, number>>;
type Refusal = Wording & { error: keyof typeof STATUS; detail?: DetailOf<keyof typeof STATUS> };

function refuse(res: Response, refusal: Refusal, lang: Language = 'sv') {
  const { error, detail } = refusal;
  const message = refusalMessage((key, params) => translate(lang, key, params), refusal);
  if (error === 'unauthorized') res.set('WWW-Authenticate', 'Bearer');
  res.status(STATUS[error]).json({ ok: false, error, message, ...(detail && { detail }) });
}

/** The key of `Authorization: Bearer <key>`, or null when there is none. */
function bearer(req: Request): string | null {
  const match = /^Bearer +(\S{1,200})\s*$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}

export function breakoutPreviewRoute(workshops: Workshops): Router {
  const router = Router();
  router.post('/api/workshops/:id/breakout-preview', async (req, res) => {
    const key = bearer(req);
    // No credentials: nothing is looked up.
    if (key === null) return refuse(res, { error: 'unauthorized' });
    const request = parse(BreakoutPreviewRequest, req.body);
    // Dealt in the workshop's lane, on the participants as they are now; nothing is kept.
    const answer = await workshops.read(String(req.params.id), (workshop): { lang: Language; refusal?: Refusal; preview?: BreakoutPreview } => {
      const { state } = workshop;
      const lang = state.language;
      if (!Workshops.isFacilitatorKey(workshop, key)) return { lang, refusal: { error: 'forbidden', detail: 'key' } };
      if (!request.ok) return { lang, refusal: { error: 'invalid', ...request } };
      const { activityId, assignment, rooms, size, seed = Date.now() } = request.value;
      if (!state.activities.some((a) => a.id === activityId)) return { lang, refusal: { error: 'not_found', detail: 'activity' } };
      const split = previewSplit(state.participants, { assignment, rooms, size, seed }, (i) =>
        translate(lang, 'breakout.defaultName', { n: i + 1 }),
      );
      return { lang, preview: { assignment, seed, ...split } };
    });
    if (!answer) return refuse(res, { error: 'not_found', detail: 'workshop' });
    if (answer.refusal) return refuse(res, answer.refusal, answer.lang);
    res.set('Cache-Control', 'no-store').json(answer.preview);
  });
  return router;
}

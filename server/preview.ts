// The rooms `breakout.open` would get, dealt exactly as the facilitator's page deals them, for a
// client that cannot run that code itself (POST /api/workshops/:id/breakout-preview, app.ts).
import { translate } from '../shared/i18n/index.ts';
import type { BreakoutPreview } from '../shared/protocol.ts';
import type { Wording } from '../shared/refusal.ts';
import { BreakoutPreviewRequest, parse } from '../shared/schema.ts';
import type { Workshop } from '../shared/workshop/model.ts';
import { previewSplit } from '../shared/workshop/rooms.ts';

/** The preview for a request body, on the participants as they are now; nothing is kept. */
export function breakoutPreview(state: Workshop, body: unknown): { preview: BreakoutPreview } | { refusal: Wording } {
  const request = parse(BreakoutPreviewRequest, body);
  if (!request.ok) return { refusal: { error: 'invalid', ...request } };
  const { activityId, assignment, rooms, size, seed = Date.now() } = request.value;
  if (!state.activities.some((a) => a.id === activityId)) return { refusal: { error: 'not_found', detail: 'activity' } };
  const split = previewSplit(state.participants, { assignment, rooms, size, seed }, (i) =>
    translate(state.language, 'breakout.defaultName', { n: i + 1 }),
  );
  return { preview: { assignment, seed, ...split } };
}

// The small JSON API beside the socket: create a workshop, look up a join code, get links.
import type { CreatedWorkshop, EmbeddedJoinInfo, JoinInfo, Links } from '../../../shared/protocol.ts';
import type { CreateWorkshop } from '../../../shared/schema.ts';
import type { ErrorCode } from '../../../shared/workshop/model.ts';

export type Result<T> =
  | { ok: true; data: T }
  /** `retryAfter`: seconds, from a 429's Retry-After. */
  | { ok: false; error: ErrorCode | 'network'; message: string; retryAfter?: number };

async function request<T>(path: string, init?: RequestInit): Promise<Result<T>> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (err) {
    return { ok: false, error: 'network', message: (err as Error).message };
  }
  const body = (await res.json().catch(() => null)) as (T & { error?: ErrorCode; message?: string }) | null;
  if (res.ok && body) return { ok: true, data: body };
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  return { ok: false, error: body?.error ?? 'internal', message: body?.message ?? res.statusText, ...(retryAfter && { retryAfter }) };
}

type Failure = Extract<Result<never>, { ok: false }>;

/** The error of a refused response, from its JSON body when it has one. */
async function refused(res: Response): Promise<Failure> {
  const body = (await res.json().catch(() => null)) as { error?: ErrorCode; message?: string } | null;
  const byStatus: Partial<Record<number, ErrorCode>> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' };
  return { ok: false, error: body?.error ?? byStatus[res.status] ?? 'internal', message: body?.message ?? res.statusText };
}

/** The facilitator's key goes in the Authorization header, never in a URL (logs, history). */
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export const createWorkshop = (input: Partial<CreateWorkshop> & { title: string }) =>
  request<CreatedWorkshop>('/api/workshops', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });

export const joinInfo = (code: string) => request<JoinInfo>(`/api/join/${encodeURIComponent(code)}`);

/** The code's answer the server put in the page (see EmbeddedJoinInfo); taken once, so a later code asks. */
export function embeddedJoinInfo(code: string, doc: Document | undefined = globalThis.document): Result<JoinInfo> | null {
  const element = doc?.getElementById('join-info');
  if (!element) return null;
  element.remove();
  try {
    const embedded = JSON.parse(element.textContent ?? '') as EmbeddedJoinInfo;
    if (embedded.code !== code.replace(/\D/g, '')) return null;
    return embedded.ok ? { ok: true, data: embedded.data } : { ok: false, error: embedded.error, message: embedded.message };
  } catch {
    return null;
  }
}

export const links = (workshopId: string) =>
  request<Links>(`/api/workshops/${encodeURIComponent(workshopId)}/links`);

export const qrUrl = (workshopId: string) => `/api/workshops/${encodeURIComponent(workshopId)}/qr.svg`;

export const SUMMARY_FORMATS = ['docx', 'md', 'html', 'csv', 'json'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export interface SummaryFile {
  blob: Blob;
  /** From Content-Disposition, e.g. "lgs-kalmar-2026-03-12.docx". */
  fileName: string;
}

/** `attachment; filename="x.docx"` -> "x.docx" (the server's names are plain ASCII). */
export function fileNameOf(disposition: string | null): string | null {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return match ? match[1].trim() : null;
}

/** The workshop's summary in a format, for its facilitator. */
export async function summary(
  workshopId: string,
  key: string,
  format: SummaryFormat,
  options: { names: boolean; signal?: AbortSignal },
): Promise<Result<SummaryFile>> {
  const query = options.names ? '' : '?names=0';
  try {
    const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/summary.${format}${query}`, {
      headers: bearer(key),
      cache: 'no-store',
      signal: options.signal,
    });
    if (!res.ok) return refused(res);
    const blob = await res.blob();
    return { ok: true, data: { blob, fileName: fileNameOf(res.headers.get('content-disposition')) ?? `summary.${format}` } };
  } catch (err) {
    return { ok: false, error: 'network', message: (err as Error).message };
  }
}

/** Erase a workshop for good; `confirmTitle` must be its title as typed by the facilitator. */
export async function deleteWorkshop(workshopId: string, key: string, confirmTitle: string): Promise<Result<null>> {
  try {
    const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}`, {
      method: 'DELETE',
      headers: { ...bearer(key), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ confirmTitle }),
    });
    return res.ok ? { ok: true, data: null } : refused(res);
  } catch (err) {
    return { ok: false, error: 'network', message: (err as Error).message };
  }
}

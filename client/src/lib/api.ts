// The small JSON API beside the socket: create a workshop, look up a join code, get links.
import type { CreatedWorkshop, JoinInfo, Links } from '../../../shared/protocol.ts';
import type { CreateWorkshop } from '../../../shared/schema.ts';
import type { ErrorCode } from '../../../shared/workshop/model.ts';

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorCode | 'network'; message: string };

async function request<T>(path: string, init?: RequestInit): Promise<Result<T>> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (err) {
    return { ok: false, error: 'network', message: (err as Error).message };
  }
  const body = (await res.json().catch(() => null)) as (T & { error?: ErrorCode; message?: string }) | null;
  if (res.ok && body) return { ok: true, data: body };
  return { ok: false, error: body?.error ?? 'internal', message: body?.message ?? res.statusText };
}

export const createWorkshop = (input: Partial<CreateWorkshop> & { title: string }) =>
  request<CreatedWorkshop>('/api/workshops', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });

export const joinInfo = (code: string) => request<JoinInfo>(`/api/join/${encodeURIComponent(code)}`);

export const links = (workshopId: string) =>
  request<Links>(`/api/workshops/${encodeURIComponent(workshopId)}/links`);

export const qrUrl = (workshopId: string) => `/api/workshops/${encodeURIComponent(workshopId)}/qr.svg`;

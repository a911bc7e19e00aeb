// The previous meeting, read back in the browser to plan the next one: from a JSON export the
// user picks (an untrusted file) or from a workshop this browser facilitates. Failures are values.
import { ARCHIVE_FORMAT, nextMeeting, readArchive } from '../../../shared/archive.ts';
import { CreateWorkshop, parse, type FollowUpItem } from '../../../shared/schema.ts';
import { summary, type Result } from './api.ts';

/** The agenda of a workshop to create, as activities (not a template name). */
export type AgendaDrafts = Extract<NonNullable<CreateWorkshop['agenda']>, unknown[]>;

export interface Previous {
  /** The previous meeting's title, to say what the form starts from. */
  title: string;
  /** The form's fields for the next meeting; the date as the previous one set it ("Nästa möte"), or empty. */
  input: CreateWorkshop;
  agenda: AgendaDrafts;
  followUp: FollowUpItem[];
}

export type Unusable =
  | { problem: 'tooLarge' | 'unreadable' | 'notJson' | 'notArchive' }
  | { problem: 'invalid'; detail: string };

export type Read = { ok: true; previous: Previous } | ({ ok: false } & Unusable);

/** Far above any real export (500 notes are well under 1 MB); stops a wrong pick early. */
export const MAX_ARCHIVE_BYTES = 20 * 1024 * 1024;

export function previousFromText(text: string): Read {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'notJson' };
  }
  const read = readArchive(data);
  if (!read.ok) {
    const format = typeof data === 'object' && data !== null ? (data as { format?: unknown }).format : undefined;
    return format === ARCHIVE_FORMAT ? { ok: false, problem: 'invalid', detail: read.detail } : { ok: false, problem: 'notArchive' };
  }
  // What the server will check at creation, checked now: an edited file fails here, not later.
  const checked = parse(CreateWorkshop, nextMeeting(read.archive.workshop));
  if (!checked.ok) return { ok: false, problem: 'invalid', detail: checked.issue };
  const input = checked.value;
  return {
    ok: true,
    previous: {
      title: read.archive.workshop.title,
      input,
      agenda: Array.isArray(input.agenda) ? input.agenda : [],
      followUp: input.followUp ?? [],
    },
  };
}

export async function previousFromFile(file: Blob): Promise<Read> {
  if (file.size > MAX_ARCHIVE_BYTES) return { ok: false, problem: 'tooLarge' };
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  return previousFromText(text);
}

/** A workshop's own archive, with its facilitator key (names left out: not needed here). */
export async function previousFromWorkshop(
  workshopId: string,
  key: string,
  signal?: AbortSignal,
): Promise<Result<Read>> {
  const file = await summary(workshopId, key, 'json', { names: false, signal });
  if (!file.ok) return file;
  return { ok: true, data: await previousFromFile(file.data.blob) };
}

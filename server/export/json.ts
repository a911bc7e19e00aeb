// The whole workshop as JSON, for the archive and for starting the next meeting from it.
import type { Workshop } from '../../shared/workshop/model.ts';

export const ARCHIVE_FORMAT = 'verkstad.workshop';
export const ARCHIVE_VERSION = 1;

export interface Archive {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  workshop: Workshop;
}

/**
 * The state holds no secrets (keys and tokens live only as hashes in the store). Without
 * names, participants keep their organisation but lose their name.
 */
export function archive(state: Workshop, options: { includeNames: boolean }): Archive {
  const participants = options.includeNames
    ? state.participants
    : Object.fromEntries(Object.entries(state.participants).map(([id, p]) => [id, { ...p, name: '' }]));
  return { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, workshop: { ...state, participants } };
}

export const renderJson = (state: Workshop, options: { includeNames: boolean }) =>
  `${JSON.stringify(archive(state, options), null, 2)}\n`;

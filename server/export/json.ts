// The whole workshop as JSON, for the archive and for starting the next meeting from it.
import { archive } from '../../shared/archive.ts';
import type { Workshop } from '../../shared/workshop/model.ts';

export const renderJson = (state: Workshop, options: { includeNames: boolean }) =>
  `${JSON.stringify(archive(state, options), null, 2)}\n`;

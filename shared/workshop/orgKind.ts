// The kind of an organisation as its name suggests it ("Nybro kommun" → kommun, "Region Kalmar
// län" → region). Only ever a suggestion shown to a person who may change it: a kind guessed
// silently mixes the rooms and splits the dots wrong.
import type { OrgKind } from './model.ts';

// Whole words only: "Kommunförbundet" and "Regionförbundet" suggest nothing.
const word = (pattern: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${pattern})(?![\\p{L}\\p{N}])`, 'iu');

/** A user organisation: "Brukarrådet Nybro", "NSPH Kalmar län", "RSMH …". Wins over a place in its name. */
const USERS = word('brukar\\p{L}*|nsph|rsmh');
/** "Nybro kommun", "Kommunen", "Kalmar kommun, IFO", "Malmö stad". */
const MUNICIPALITY = /(?<![\p{L}\p{N}])kommun(?:en)?(?![\p{L}\p{N}])|\p{L} stad$/iu;
/** "Region Kalmar län", "Regionen", "Kalmar region", "Västra Götalandsregionen". */
const REGION = /(?<![\p{L}\p{N}])region(?:en)?(?![\p{L}\p{N}])|\p{L}regionen$/iu;

/** The kind an organisation's name suggests, or null when it says nothing clear. */
export function suggestOrgKind(organisation: string): OrgKind | null {
  const name = organisation.trim().replace(/\s+/g, ' ').replace(/[.,;:!]+$/, '');
  if (!name) return null;
  if (USERS.test(name)) return 'brukarrepresentant';
  const municipality = MUNICIPALITY.test(name);
  const region = REGION.test(name);
  // "Kommun och region i samverkan": either could be meant.
  if (municipality === region) return null;
  return municipality ? 'kommun' : 'region';
}

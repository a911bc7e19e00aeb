// What a join code opens, for the API and for the page of /j/:code, which carries the answer
// in the HTML so that a phone on a weak line does not wait a round trip more for it.
import { readFile } from 'node:fs/promises';
import type { EmbeddedJoinInfo, JoinInfo } from '../shared/protocol.ts';
import { translate } from '../shared/i18n/index.ts';
import { isJoinCode, joinCodeDigits } from '../shared/joinCode.ts';
import type { Language } from '../shared/workshop/model.ts';
import type { CodeGuessLimiter } from './limits.ts';
import type { Workshops } from './workshops.ts';

export type CodeAnswer =
  | { ok: true; info: JoinInfo }
  | { ok: false; error: 'rate_limited'; retryAfter: number }
  | { ok: false; error: 'unknown_code' | 'closed'; lang: Language };

/**
 * Look a code up. An address over its budget of wrong codes is refused before anything is
 * looked up (it learns nothing, not even from a right code); any other address gets its right
 * code, however many wrong ones arrive from elsewhere. A wrong code counts against the address.
 */
export async function lookUpCode(
  workshops: Workshops,
  codeGuesses: CodeGuessLimiter,
  address: string,
  rawCode: string,
): Promise<CodeAnswer> {
  const admission = await codeGuesses.admit(address);
  if (!admission.ok) return { ok: false, error: 'rate_limited', retryAfter: admission.retryAfter };
  let wrong = false;
  try {
    // What cannot be a code is wrong without asking the store.
    const workshop = isJoinCode(rawCode) ? await workshops.byCode(joinCodeDigits(rawCode)) : undefined;
    if (!workshop) {
      wrong = true;
      return { ok: false, error: 'unknown_code', lang: 'sv' };
    }
    // A closed workshop's code is a right code: its holder (an old link, a late phone) is told
    // why, and it is not counted. Nobody can join it, so it is no prize for a guesser either.
    if (workshop.status === 'closed') return { ok: false, error: 'closed', lang: workshop.language };
    return {
      ok: true,
      info: {
        workshopId: workshop.id,
        title: workshop.title,
        language: workshop.language,
        retentionDays: workshops.retentionDays,
      },
    };
  } finally {
    await admission.settle(wrong);
  }
}

/** JSON that stays JSON inside a script element, whatever a title says ("</script>", U+2028). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The app's page with the code's answer in it; unchanged when throttled (the page asks). */
export function joinPage(indexHtml: string, code: string, answer: CodeAnswer): string {
  if (!answer.ok && answer.error === 'rate_limited') return indexHtml;
  const digits = joinCodeDigits(code);
  const embedded: EmbeddedJoinInfo = answer.ok
    ? { code: digits, ok: true, data: answer.info }
    : { code: digits, ok: false, error: answer.error, message: translate(answer.lang, `error.${answer.error}`) };
  const script = `<script type="application/json" id="join-info">${scriptSafeJson(embedded)}</script>`;
  // A function, not a string: `$&`, `$'` or `$$` in a title must stay as written.
  return indexHtml.replace('</head>', () => `${script}</head>`);
}

/** index.html as built; read per request so that a rebuild is served without a restart. */
export const readIndexHtml = (path: string) => readFile(path, 'utf8');

// What a join code opens, for the API and for the page of /j/:code, which carries the answer
// in the HTML so that a phone on a weak line does not wait a round trip more for it.
import { readFile } from 'node:fs/promises';
import type { EmbeddedJoinInfo, JoinInfo } from '../shared/protocol.ts';
import { translate } from '../shared/i18n/index.ts';
import type { Language } from '../shared/workshop/model.ts';
import type { CodeGuessLimiter } from './limits.ts';
import type { Workshops } from './workshops.ts';

export type CodeAnswer =
  | { ok: true; info: JoinInfo }
  | { ok: false; error: 'rate_limited'; retryAfter: number }
  | { ok: false; error: 'unknown_code' | 'closed'; lang: Language };

/** Look a code up; a wrong code counts as a guess from this address. */
export async function lookUpCode(
  workshops: Workshops,
  codeGuesses: CodeGuessLimiter,
  address: string,
  rawCode: string,
): Promise<CodeAnswer> {
  const wait = await codeGuesses.blockedFor(address);
  if (wait > 0) return { ok: false, error: 'rate_limited', retryAfter: wait };
  const workshop = await workshops.byCode(rawCode.replace(/\D/g, ''));
  if (!workshop) {
    await codeGuesses.miss(address);
    return { ok: false, error: 'unknown_code', lang: 'sv' };
  }
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
}

/** JSON that stays JSON inside a script element, whatever a title says ("</script>", U+2028). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The app's page with the code's answer in it; unchanged when throttled (the page asks). */
export function joinPage(indexHtml: string, code: string, answer: CodeAnswer): string {
  if (!answer.ok && answer.error === 'rate_limited') return indexHtml;
  const digits = code.replace(/\D/g, '');
  const embedded: EmbeddedJoinInfo = answer.ok
    ? { code: digits, ok: true, data: answer.info }
    : { code: digits, ok: false, error: answer.error, message: translate(answer.lang, `error.${answer.error}`) };
  const script = `<script type="application/json" id="join-info">${scriptSafeJson(embedded)}</script>`;
  // A function, not a string: `$&`, `$'` or `$$` in a title must stay as written.
  return indexHtml.replace('</head>', () => `${script}</head>`);
}

/** index.html as built; read per request so that a rebuild is served without a restart. */
export const readIndexHtml = (path: string) => readFile(path, 'utf8');

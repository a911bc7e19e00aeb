// Turning participants' text into inert text for each format, and the download's file name.

/** Control characters other than tab and newline: XML forbids them, and nobody means them. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g;

export const clean = (text: string) => text.replace(CONTROL, '').replace(/\r\n?/g, '\n');

/** One line: for headings and table cells. */
export const oneLine = (text: string) => clean(text).replace(/\s*\n\s*/g, ' ').trim();

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string) => clean(text).replace(/[&<>"']/g, (c) => HTML[c]);

/**
 * Markdown that shows the text as written and can never become a link, image, HTML, heading,
 * list, table or emphasis: every character with a meaning is backslash-escaped (CommonMark
 * allows a backslash before any ASCII punctuation), and line starts that would open a block too.
 */
export function escapeMarkdown(text: string): string {
  return clean(text)
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\`*_{}[\]()<>#|~!&$]/g, (c) => `\\${c}`)
        .replace(/^(\s*)([-+=:>])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

/** Markdown on one line, for headings and table cells. */
export const markdownLine = (text: string) => escapeMarkdown(oneLine(text));

const FOLD: Record<string, string> = { å: 'a', ä: 'a', ö: 'o', é: 'e', è: 'e', ü: 'u', æ: 'ae', ø: 'o' };

/** "LGS Kalmar län, våren" -> "lgs-kalmar-lan-varen". */
export function slug(text: string): string {
  const folded = text
    .toLowerCase()
    .replace(/[åäöéèüæø]/g, (c) => FOLD[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  return folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || 'workshop';
}

/**
 * The download's name: "<slugified title>-<date>.<ext>", without the date when there is none;
 * with `document`, that first ("minnesanteckningar-lgs-kalmar-lan-2026-03-12.docx").
 */
export function fileName(title: string, date: string, ext: string, document = ''): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? `-${date}` : '';
  const kind = document ? `${slug(document)}-` : '';
  return `${kind}${slug(title)}${day}.${ext}`;
}

/** "Styrkor" -> "Styrkor:", but "Vad fungerar?" stays as it is. */
export const labelled = (title: string) => (/[?!:.]$/.test(title) ? title : `${title}:`);

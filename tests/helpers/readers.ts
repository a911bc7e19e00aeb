// Readers for the exported files, written small and strict so the tests do not trust the writers:
// RFC 4180 CSV, a zip's entries (stored or deflated), the paragraphs of a .docx, HTML nesting.
import { inflateRawSync } from 'node:zlib';

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; records end in CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else if (c === '"' || c === '\n' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) throw new Error('last record does not end in CRLF');
  return rows;
}

/** The entries of a zip file, by the central directory. */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.set(name, method === 0 ? data : inflateRawSync(data));
    at += 46 + nameLength + extra;
  }
  return entries;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
export const decodeXml = (text: string) =>
  text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' ? `0${e.slice(1)}` : e.slice(1))) : ENTITIES[e],
  );

/** The paragraphs of word/document.xml: their style (Title, Heading1, …, or '') and text. */
export function docxParagraphs(docx: Buffer): Array<{ style: string; text: string }> {
  const xml = unzip(docx).get('word/document.xml')?.toString('utf8');
  if (!xml) throw new Error('no word/document.xml');
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(p)?.[1] ?? '',
    text: decodeXml([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((m) => m[1] ?? '\n').join('')),
  }));
}

/** The data-* attributes of every element open at `index` of an HTML page (a section's or table's class too). */
export function htmlContext(html: string, index: number): Record<string, string> {
  const stack: Array<{ tag: string; data: Record<string, string> }> = [];
  const VOID = new Set(['meta', 'br', 'link', 'img', 'input', 'hr', 'col']);
  for (const m of html.slice(0, index).matchAll(/<(\/?)([a-z0-9]+)([^>]*)>/gi)) {
    const [, close, tag] = m;
    if (close) {
      if (stack.at(-1)?.tag !== tag.toLowerCase()) throw new Error(`unbalanced </${tag}>`);
      stack.pop();
    } else if (!VOID.has(tag.toLowerCase())) {
      const data = Object.fromEntries([...m[3].matchAll(/data-(\w+)="([^"]*)"/g)].map((d) => [d[1], decodeXml(d[2])]));
      const cls = /class="([^"]*)"/.exec(m[3])?.[1];
      if (tag.toLowerCase() === 'section' && cls) data.section = cls;
      if (tag.toLowerCase() === 'table' && cls) data.table = cls;
      stack.push({ tag: tag.toLowerCase(), data });
    }
  }
  return Object.assign({}, ...stack.map((s) => s.data));
}

export interface DocxTable {
  /** tblW in twips, and whether the layout is fixed (columns from the grid, not the content). */
  width: number;
  fixed: boolean;
  /** The grid's column widths in twips. */
  grid: number[];
  rows: Array<{ cantSplit: boolean; header: boolean; cells: string[] }>;
}

/** The tables of word/document.xml (not nested), with their widths and their rows' properties. */
export function docxTables(docx: Buffer): DocxTable[] {
  const xml = unzip(docx).get('word/document.xml')?.toString('utf8');
  if (!xml) throw new Error('no word/document.xml');
  const text = (part: string) => decodeXml([...part.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((m) => m[1] ?? '\n').join(''));
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map(([, tbl]) => ({
    width: Number(/<w:tblW [^>]*w:w="(\d+)"/.exec(tbl)?.[1] ?? NaN),
    fixed: /<w:tblLayout w:type="fixed"\/>/.test(tbl),
    grid: [...tbl.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1])),
    rows: [...tbl.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map(([, tr]) => {
      const props = /<w:trPr>([\s\S]*?)<\/w:trPr>/.exec(tr)?.[1] ?? '';
      return {
        cantSplit: /<w:cantSplit\/>|<w:cantSplit w:val="(true|1|on)"\/>/.test(props),
        header: /<w:tblHeader\/>|<w:tblHeader w:val="(true|1|on)"\/>/.test(props),
        cells: [...tr.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map(([, tc]) => text(tc)),
      };
    }),
  }));
}

// The export formats: each renders the one outline (JSON the whole state) with its file type.
import type { Workshop } from '../../shared/workshop/model.ts';
import { renderCsv } from './csv.ts';
import { renderDocx } from './docx.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { labelsFor, outline, type OutlineOptions } from './outline.ts';
import { fileName } from './text.ts';

export type ExportFormat = 'md' | 'html' | 'docx' | 'csv' | 'json';

const FORMATS: Record<ExportFormat, { type: string; render: (state: Workshop, o: OutlineOptions) => string | Promise<Buffer> }> = {
  md: { type: 'text/markdown; charset=utf-8', render: (s, o) => renderMarkdown(outline(s, o)) },
  html: { type: 'text/html; charset=utf-8', render: (s, o) => renderHtml(outline(s, o)) },
  docx: {
    type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    render: (s, o) => renderDocx(outline(s, o)),
  },
  csv: { type: 'text/csv; charset=utf-8; header=present', render: (s, o) => renderCsv(outline(s, o)) },
  json: { type: 'application/json; charset=utf-8', render: (s, o) => renderJson(s, o) },
};

export const isExportFormat = (format: string): format is ExportFormat => Object.hasOwn(FORMATS, format);

export interface Exported {
  body: string | Buffer;
  contentType: string;
  fileName: string;
}

/** The summary of a workshop in a format, ready to send. */
export async function exportSummary(state: Workshop, format: ExportFormat, options: OutlineOptions): Promise<Exported> {
  const { type, render } = FORMATS[format];
  // The minutes say so in their name; the JSON is the workshop's data, not its minutes.
  const document = format === 'json' ? '' : labelsFor(state.language).document;
  return { body: await render(state, options), contentType: type, fileName: fileName(state.title, state.date, format, document) };
}

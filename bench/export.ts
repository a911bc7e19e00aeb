// Scenario `export`: how long the summary takes in each format for a big workshop. The server
// renders it on request, so this is the wait between the facilitator's click and the download.
import { exportSummary, type ExportFormat } from '../server/export/index.ts';
import { row, time, type Result, type Row, type Scenario } from './measure.ts';
import { bigWorkshop } from './workshop.ts';

/** Per-format budgets from issue 8: the text formats are string building, Word zips a document. */
const TARGETS: Record<ExportFormat, number> = { md: 20, html: 20, docx: 200, csv: 20, json: 20 };
/** Issue 5: every format in turn (the export panel offers them all) within 300 ms. */
const ALL_TARGET = 300;

export const exportScenario: Scenario = {
  name: 'export',
  async run(options): Promise<Result> {
    const big = bigWorkshop();
    const formats = Object.keys(TARGETS) as ExportFormat[];
    // With names: the larger output, what a facilitator downloads by default.
    const render = (format: ExportFormat) => exportSummary(big.state, format, { includeNames: true });
    const rows: Row[] = [];
    const sizes: string[] = [];
    for (const format of formats) {
      rows.push(row(format, await time(() => render(format), options), TARGETS[format], 'issue 8'));
      const { body } = await render(format);
      sizes.push(`${format} ${Math.round(Buffer.byteLength(body) / 1024)} KiB`);
    }
    const all = await time(async () => {
      for (const format of formats) await render(format);
    }, options);
    rows.push(row('all five', all, ALL_TARGET, 'issue 5'));
    const sumOfMedians = rows.slice(0, formats.length).reduce((sum, r) => sum + r.median, 0);
    return {
      title: `summary export, ${big.participants} participants and ${big.notes} notes`,
      rows,
      notes: [
        `Workshop: ${big.participants} participants in 4 kinds of organisation, ${big.notes} notes, ${big.themes} themes, ` +
          'SWOT, start/stop/continue (5 columns), breakout in 4 rooms, revealed prioritisation, evaluation, decisions, next steps.',
        `Output sizes: ${sizes.join(', ')}.`,
        `Sum of the per-format medians: ${sumOfMedians.toFixed(1)} ms ("all five" is measured on its own).`,
      ],
    };
  },
};

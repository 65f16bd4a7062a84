/**
 * `logmill parse`: inputs → routing → processors → filter → records on
 * stdout (NDJSON or CSV), in input order, written with back-pressure.
 * Malformed input is reported on stderr with file:line, not mixed into the
 * records.
 */
import { matches } from '../analysis/filters.js';
import { expandPaths } from '../inputs/expand.js';
import { processInput, type InputReport } from '../pipeline.js';
import { CSV_HEADER, toCsv, toNdjson } from '../render/records.js';
import { OutputWriter } from '../render/terminal.js';
import { buildSettings, type CommonFlags } from '../settings.js';
import { reportInputProblems, warnRejectedPlugins } from './problems.js';

export interface ParseFlags extends CommonFlags {
  paths: string[];
  output: 'ndjson' | 'csv';
}

const FLUSH_AT = 1 << 16;

export async function runParse(flags: ParseFlags): Promise<number> {
  const settings = buildSettings(flags);
  warnRejectedPlugins(settings.plugins);
  const { inputs, errors } = await expandPaths(flags.paths);
  const out = new OutputWriter(process.stdout);
  const format = flags.output === 'csv' ? toCsv : toNdjson;
  if (flags.output === 'csv') out.write(CSV_HEADER);
  const reports: InputReport[] = [];
  for (const input of inputs) {
    const report = await processInput(input, settings.registry, settings.pipeline, {
      record: (r, from) => {
        if (matches(settings.filter, r)) out.write(format(r, from.name));
      },
      malformed: (r, from) => {
        process.stderr.write(`logmill: ${from.name}:${r.line || `@${r.offset}`}: malformed: ${r.message}\n`);
      },
      afterChunk: () => (out.buffered >= FLUSH_AT ? out.flush() : undefined),
    });
    await out.flush();
    reports.push(report);
  }
  await out.flush();
  return reportInputProblems(errors, reports);
}

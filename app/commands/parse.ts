/**
 * `logmill parse`: inputs → routing → one job per input on the worker pool,
 * each writing its records to a scratch file → the files copied to stdout in
 * input order. An input whose worker fails contributes no output at all.
 */
import { createReadStream, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { runPlanned, Scratch } from '../dispatch.js';
import { mergeReports } from '../pipeline.js';
import { CSV_HEADER } from '../render/records.js';
import { buildSettings, type CommonFlags } from '../settings.js';
import { planInputs } from './inputs.js';
import { reportInputProblems, warn, warnRejectedPlugins } from './problems.js';

export interface ParseFlags extends CommonFlags {
  paths: string[];
  output: 'ndjson' | 'csv';
}

export async function runParse(flags: ParseFlags): Promise<number> {
  const settings = await buildSettings(flags);
  const scratch = new Scratch();
  try {
    warnRejectedPlugins(settings.catalog);
    const { planned, errors } = await planInputs(flags.paths, settings, scratch, false);

    const outFiles = planned.map(() => scratch.file(flags.output));
    const running = planned.map((p, i) => (p.processor
      ? runPlanned(p, settings, () => ({
        mode: 'parse', input: p.input, processor: p.processor!.name, settings: settings.pipeline, filter: settings.filter, fields: [],
        output: flags.output, outFile: outFiles[i],
      }))
      : Promise.resolve([])));
    if (flags.output === 'csv') process.stdout.write(CSV_HEADER);
    for (let i = 0; i < planned.length; i++) {
      const [outcome] = await running[i];
      if (!outcome) continue;
      if ('failure' in outcome) {
        planned[i].report.error = outcome.failure;
        continue;
      }
      mergeReports(planned[i].report, outcome.done.report);
      const header = flags.output === 'csv' ? CSV_HEADER.length : 0;
      await pipeline(createReadStream(outFiles[i], { start: header }), process.stdout, { end: false });
      rmSync(outFiles[i], { force: true });
      for (const line of outcome.done.malformed ?? []) warn(line);
    }
    return reportInputProblems(errors, planned.map((p) => p.report));
  } finally {
    settings.pool.close();
    scratch.dispose();
  }
}

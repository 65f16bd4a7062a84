/**
 * `logmill analyze`: inputs → routing → processors → summary → report.
 */
import { matches, isEmptyFilter } from '../analysis/filters.js';
import { Summary } from '../analysis/summary.js';
import { expandPaths } from '../inputs/expand.js';
import { processInput, type InputReport } from '../pipeline.js';
import { toJson, toText } from '../render/report.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { buildSettings, type CommonFlags } from '../settings.js';
import { Progress } from './progress.js';
import { reportInputProblems, warnRejectedPlugins } from './problems.js';

export interface AnalyzeFlags extends CommonFlags {
  paths: string[];
  output: 'text' | 'json';
  field?: string[];
  top: number;
}

export async function runAnalyze(flags: AnalyzeFlags): Promise<number> {
  const settings = buildSettings(flags);
  warnRejectedPlugins(settings.plugins);
  const { inputs, errors } = await expandPaths(flags.paths);
  const summary = new Summary(flags.field ?? []);
  const progress = new Progress(process.stderr);
  const reports: InputReport[] = [];
  for (const input of inputs) {
    progress.start(input.name);
    const report = await processInput(input, settings.registry, settings.pipeline, {
      record: (r, from) => {
        if (matches(settings.filter, r)) summary.add(r, from.name);
      },
      malformed: (r, from) => summary.addMalformed(r, from.name),
      afterChunk: (from) => progress.update(from.bytes),
    });
    reports.push(report);
  }
  progress.done();

  const result = { inputs: reports, summary, fields: flags.field ?? [], top: flags.top, filtered: !isEmptyFilter(settings.filter) };
  if (flags.output === 'json') process.stdout.write(JSON.stringify(toJson(result), null, 2) + '\n');
  else process.stdout.write(toText(result, makeStyle(useColor(process.stdout)), process.stdout.columns || 100));
  return reportInputProblems(errors, reports);
}

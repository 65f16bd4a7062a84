/**
 * `logmill parse`: inputs → routing → one job per input on the worker pool →
 * each job's records streamed back as they are parsed → stdout, in input
 * order (app/render/ordered.ts), with back-pressure from stdout to the
 * workers. Nothing is written to disk. If an input's worker fails, its
 * records already printed stay printed and its error says after which line.
 */
import { runPlanned } from '../dispatch.js';
import { mergeReports } from '../pipeline.js';
import { OrderedOutput } from '../render/ordered.js';
import { CSV_HEADER } from '../render/records.js';
import type { CommonFlags } from '../settings.js';
import { withBatchRun } from './batch.js';
import { reportInputProblems, warn } from './problems.js';
import { plannedBytes, Progress } from './progress.js';

export interface ParseFlags extends CommonFlags {
  paths: string[];
  output: 'ndjson' | 'csv';
}

export function runParse(flags: ParseFlags, signal: AbortSignal): Promise<number> {
  return withBatchRun(flags, false, signal, async ({ settings, planned, errors }) => {
    const out = new OrderedOutput(process.stdout, planned.length, signal);
    const progress = new Progress(process.stderr, { total: plannedBytes(planned), alone: !process.stdout.isTTY });
    const running = planned.map((p, i) => (p.processor
      ? runPlanned(p, settings, () => ({
        mode: 'parse', input: p.input, processor: p.processor!.name, settings: settings.pipeline, filter: settings.filter, fields: [],
        output: flags.output,
      }), { records: (chunk) => out.write(i, chunk.data), progress: progress.counter() })
      : undefined));
    for (const r of running) r?.catch(() => undefined);
    if (flags.output === 'csv') process.stdout.write(CSV_HEADER);
    for (let i = 0; i < planned.length; i++) {
      await out.begin(i);
      const [outcome] = (await running[i]) ?? [];
      if (signal.aborted) {
        progress.done();
        return 0; // cli.ts gives the exit code of the interruption
      }
      if (!outcome) continue;
      if ('failure' in outcome) {
        planned[i].report.error = outcome.failure;
        continue;
      }
      mergeReports(planned[i].report, outcome.done.report);
      if (outcome.done.malformed?.length) progress.done(); // redrawn after the warnings
      for (const line of outcome.done.malformed ?? []) warn(line);
    }
    progress.done();
    return reportInputProblems(errors, planned.map((p) => p.report));
  });
}

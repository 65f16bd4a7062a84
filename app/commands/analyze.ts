/**
 * `logmill analyze`: inputs → routing → jobs on the worker pool (a job per
 * file, or per byte range of a large file) → partial summaries merged in
 * input order → report.
 */
import { isEmptyFilter } from '../analysis/filters.js';
import { Summary } from '../analysis/summary.js';
import { rangeMismatch, runPlanned, type JobOutcome, type Planned } from '../dispatch.js';
import { mergeReports } from '../pipeline.js';
import { toHtml, type ReportJson } from '../render/html.js';
import { toJson, toText } from '../render/report.js';
import { makeStyle, terminalWidth, useColor } from '../render/terminal.js';
import type { CommonFlags } from '../settings.js';
import { withBatchRun } from './batch.js';
import { plannedBytes, Progress } from './progress.js';
import { reportInputProblems } from './problems.js';

export interface AnalyzeFlags extends CommonFlags {
  paths: string[];
  output: 'text' | 'json' | 'html';
  field?: string[];
  /** `--count-by a,b` (also repeatable): group records by these fields. */
  countBy?: string[];
  /** `--stats FIELD`: count, min, max, mean and percentiles of a numeric field. */
  stats?: string;
  top: number;
}

export function runAnalyze(flags: AnalyzeFlags, signal: AbortSignal): Promise<number> {
  return withBatchRun(flags, true, signal, async ({ settings, planned, errors }) => {
    const fields = flags.field ?? [];
    const { countBy, stats } = flags;
    const progress = new Progress(process.stderr, { total: plannedBytes(planned) });
    const running: (Promise<JobOutcome[]> | undefined)[] = planned.map((p) => (p.processor
      ? runPlanned(p, settings, (range) => ({
        mode: 'analyze', input: p.input, processor: p.processor!.name, range, settings: settings.pipeline, filter: settings.filter, fields, countBy, stats,
      }), () => ({ progress: progress.counter() })) // a counter per job: each reports its own cumulative bytes
      : undefined));
    // Merged in input order as they finish, and let go of: partial summaries do not pile up.
    // (A later input's unexpected error surfaces when its turn comes, not as an unhandled rejection.)
    for (const r of running) r?.catch(() => undefined);
    const summary = new Summary({ fields, countBy, stats });
    for (let i = 0; i < planned.length && !signal.aborted; i++) {
      merge(planned[i], (await running[i]) ?? [], summary);
      running[i] = undefined;
    }
    progress.done();
    if (signal.aborted) return 0; // no report for an interrupted run; cli.ts gives the exit code
    const result = { inputs: planned.map((p) => p.report), summary, fields, top: flags.top, filtered: !isEmptyFilter(settings.filter) };
    if (flags.output === 'json') process.stdout.write(JSON.stringify(toJson(result), null, 2) + '\n');
    else if (flags.output === 'html') process.stdout.write(toHtml(toJson(result) as ReportJson));
    else process.stdout.write(toText(result, makeStyle(useColor(process.stdout)), terminalWidth(process.stdout)));
    return reportInputProblems(errors, result.inputs);
  });
}

/**
 * Merges an input's job results in range order, numbering each range's lines
 * after the previous ranges'. A worker failure discards the input's partial
 * results: a crash leaves nothing half-counted.
 */
function merge(p: Planned, outcomes: JobOutcome[], summary: Summary): void {
  const failure = outcomes.find((o): o is { failure: string } => 'failure' in o);
  if (failure) {
    p.report.error = failure.failure;
    return;
  }
  const misfit = rangeMismatch(p, outcomes.map((o) => ('done' in o ? o.done.range : undefined)));
  if (misfit) {
    p.report.error = misfit;
    return;
  }
  let lineBase = 0;
  for (const o of outcomes as { done: import('../workers/protocol.js').JobDone }[]) {
    mergeReports(p.report, o.done.report);
    summary.merge(Summary.revive(o.done.summary!), lineBase);
    lineBase += o.done.range?.newlines ?? 0;
  }
}

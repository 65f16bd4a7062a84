/**
 * `logmill parse`: inputs → routing → one job per input on the worker pool →
 * each job's records streamed back as they are parsed → stdout, in input
 * order (app/render/ordered.ts), with back-pressure from stdout to the
 * workers. Nothing is written to disk. If an input's worker fails, its
 * records already printed stay printed and its error says after which line.
 */
import type { Writable } from 'node:stream';
import { runPlanned } from '../dispatch.js';
import { mergeReports } from '../pipeline.js';
import { OrderedOutput } from '../render/ordered.js';
import { CSV_HEADER } from '../render/records.js';
import type { CommonFlags } from '../settings.js';
import { malformedWarnings, type RecordFormat } from '../workers/protocol.js';
import { withBatchRun, type BatchRun } from './batch.js';
import { reportInputProblems, warn } from './problems.js';
import { plannedBytes, Progress } from './progress.js';

export interface ParseFlags extends CommonFlags {
  paths: string[];
  output: 'ndjson' | 'csv';
}

export function runParse(flags: ParseFlags, signal: AbortSignal): Promise<number> {
  return withBatchRun(flags, false, signal, async (run) => {
    const progress = new Progress(process.stderr, { total: plannedBytes(run.planned), alone: !process.stdout.isTTY });
    if (flags.output === 'csv') process.stdout.write(CSV_HEADER);
    await streamRecords(run, flags.output, process.stdout, signal, progress);
    progress.done();
    if (signal.aborted) return 0; // cli.ts gives the exit code of the interruption
    return reportInputProblems(run.errors, run.planned.map((p) => p.report));
  });
}

/**
 * The parse flow: every planned input's records, in the `output` row
 * format, written to `sink` in input order as the workers parse them; each
 * input's report completed (or its failure recorded) and
 * its malformed input warned about after its records. Returns early when
 * the run is interrupted.
 */
export async function streamRecords({ settings, planned }: BatchRun, output: RecordFormat, sink: Writable, signal: AbortSignal, progress?: Progress): Promise<void> {
  const out = new OrderedOutput(sink, planned.length, signal);
  const running = planned.map((p, i) => (p.processor
    ? runPlanned(p, settings, () => ({
      mode: 'parse', input: p.input, processor: p.processor!.name, settings: settings.pipeline, filter: settings.filter, fields: [],
      output,
    }), { records: (chunk) => out.write(i, chunk.data as Buffer), progress: progress?.counter() })
    : undefined));
  for (const r of running) r?.catch(() => undefined);
  for (let i = 0; i < planned.length; i++) {
    await out.begin(i);
    const [outcome] = (await running[i]) ?? [];
    if (signal.aborted) return;
    if (!outcome) continue;
    if ('failure' in outcome) {
      planned[i].report.error = outcome.failure;
      continue;
    }
    mergeReports(planned[i].report, outcome.done.report);
    if (outcome.done.malformed?.length) progress?.done(); // redrawn after the warnings
    for (const line of malformedWarnings(planned[i].input.name, outcome.done)) warn(line);
  }
}

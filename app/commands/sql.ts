/**
 * `logmill sql QUERY [paths..]`: the query checked by DuckDB first (a
 * mistake costs no parsing), then inputs → routing → jobs on the worker
 * pool (a job per file, or per byte range of a large file, as in analyze)
 * → each job's records streamed back as column batches (app/sql/rows.ts)
 * and appended to the in-memory table `logs` as they arrive, in whatever
 * order the jobs produce them (app/sql/table.ts) → once all are in, the
 * lines of later ranges numbered after the ranges before them → optionally
 * the table saved (--save) → the query run and its result written
 * (--output). A SQL error is DuckDB's own message on one line, exit 2. A
 * failed input is reported after the result, exit 1: its records read
 * before the failure are in the table, like `parse` prints them.
 */
import { once } from 'node:events';
import { rangeMismatch, runPlanned, type JobOutcome } from '../dispatch.js';
import { mergeReports } from '../pipeline.js';
import type { CommonFlags } from '../settings.js';
import { UsageError } from '../settings.js';
import { writeResult, type SqlOutput } from '../sql/output.js';
import type { SqlBatch } from '../sql/rows.js';
import { saveKind, saveTable } from '../sql/save.js';
import { LogDatabase, type LogAppender } from '../sql/table.js';
import { malformedWarnings } from '../workers/protocol.js';
import { withBatchRun, type BatchRun } from './batch.js';
import { reportInputProblems, warn } from './problems.js';
import { plannedBytes, Progress } from './progress.js';

export interface SqlFlags extends CommonFlags {
  query: string;
  paths: string[];
  output: SqlOutput;
  save?: string;
}

/** DuckDB's message ("Binder Error: ...") without its multi-line caret display. */
export class SqlError extends UsageError {
  constructor(err: unknown) {
    const text = err instanceof Error ? err.message : String(err);
    super(`sql: ${text.split('\n').find((l) => l.trim() !== '') ?? text}`);
  }
}

async function sqlStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new SqlError(err);
  }
}

export async function runSql(flags: SqlFlags, signal: AbortSignal): Promise<number> {
  if (flags.save) saveKind(flags.save);
  const db = await LogDatabase.open();
  // Ctrl-C or a closed stdout also stops a query that is running (withBatchRun then returns 0, cli.ts exits).
  const interrupt = () => db.connection.interrupt();
  signal.addEventListener('abort', interrupt);
  try {
    // Checked now, run later: a plan made on the empty table would keep its statistics (DuckDB then
    // compresses strings by their empty-table length and GROUP BY sees one character of each).
    (await sqlStep(() => db.connection.prepare(flags.query))).destroySync();
    return await withBatchRun(flags, true, signal, async (run) => {
      const progress = new Progress(process.stderr, { total: plannedBytes(run.planned) });
      const table = await db.appender();
      const loaded = await loadRecords(run, table, signal, progress);
      progress.done();
      if (signal.aborted) return 0; // cli.ts gives the exit code of the interruption
      table.finish();
      await db.loaded(loaded.lineBase, loaded.dropped);
      if (flags.save) await sqlStep(() => saveTable(db.connection, flags.save!));
      const result = await sqlStep(() => db.connection.stream(flags.query));
      const out = (text: string) => write(process.stdout, text, signal);
      await sqlStep(() => writeResult(result, flags.output, out, process.stdout.isTTY ? process.stdout.columns || 100 : undefined));
      if (signal.aborted) return 0;
      return reportInputProblems(run.errors, run.planned.map((p) => p.report));
    });
  } finally {
    signal.removeEventListener('abort', interrupt);
    db.close();
  }
}

/**
 * Every planned input's records into `table`, each job's batches appended
 * as they arrive; then, input by input in order, the jobs' reports merged
 * and their malformed input warned about. Returns what LogDatabase.loaded
 * needs: each part's line base (the newlines of the ranges before it) and
 * the parts whose rows must go: a split that did not line up (no result for
 * that file, as in analyze), or the ranges after one whose worker failed.
 */
async function loadRecords({ settings, planned }: BatchRun, table: LogAppender, signal: AbortSignal, progress: Progress) {
  const lineBase = new Map<number, number>();
  const dropped: number[] = [];
  let appendFailure: unknown;
  let nextPart = 0;
  const jobs = planned.map((p) => {
    if (!p.processor) return undefined;
    const parts: number[] = [];
    const outcomes = runPlanned(p, settings, (range) => ({
      mode: 'parse', input: p.input, processor: p.processor!.name, range, settings: settings.pipeline, filter: settings.filter, fields: [],
      output: 'sql',
    }), () => {
      const part = nextPart++;
      parts.push(part);
      return {
        progress: progress.counter(),
        records: async (chunk) => {
          try {
            table.append(chunk.data as SqlBatch, p.input.name, part);
          } catch (err) {
            appendFailure ??= err;
          }
        },
      };
    });
    outcomes.catch(() => undefined); // a later input's unexpected error surfaces when its turn comes
    return { parts, outcomes };
  });
  for (let i = 0; i < planned.length && !signal.aborted; i++) {
    const job = jobs[i];
    if (!job) continue;
    const p = planned[i];
    const outcomes: JobOutcome[] = await job.outcomes;
    if (signal.aborted) break;
    const failed = outcomes.findIndex((o) => 'failure' in o);
    const misfit = failed < 0 ? rangeMismatch(p, outcomes.map((o) => ('done' in o ? o.done.range : undefined))) : null;
    if (misfit) {
      p.report.error = misfit;
      dropped.push(...job.parts);
      continue;
    }
    let base = 0;
    for (const [k, o] of outcomes.entries()) {
      const part = job.parts[k];
      if (failed >= 0 && k > failed) {
        dropped.push(part);
        continue;
      }
      lineBase.set(part, base);
      if ('failure' in o) {
        p.report.error = o.failure;
        continue;
      }
      mergeReports(p.report, o.done.report);
      const warnings = malformedWarnings(p.input.name, o.done, base);
      if (warnings.length) progress.done(); // redrawn after the warnings
      for (const line of warnings) warn(line);
      base += o.done.range?.newlines ?? 0;
    }
  }
  if (appendFailure !== undefined) throw appendFailure;
  return { lineBase, dropped };
}

/** Writes, waiting while stdout is full; a closed stdout aborts the run (cli.ts), which ends the wait. */
async function write(out: NodeJS.WriteStream, text: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted || out.destroyed || out.write(text)) return;
  await Promise.race([once(out, 'drain'), once(signal, 'abort')]);
}

/**
 * `logmill sql QUERY [paths..]`: the query checked by DuckDB first (a
 * mistake costs no parsing), then inputs → routing → the parse flow
 * (commands/parse.ts: workers stream records in input order) → DuckDB's
 * appender into the in-memory table `logs` (app/sql/table.ts) → optionally
 * the table saved (--save) → the query run and its result written
 * (--output). A SQL error is DuckDB's own message on one line, exit 2. A
 * failed input is reported after the result, exit 1: its records read
 * before the failure are in the table, like `parse` prints them.
 */
import { once } from 'node:events';
import type { CommonFlags } from '../settings.js';
import { UsageError } from '../settings.js';
import { writeResult, type SqlOutput } from '../sql/output.js';
import { saveKind, saveTable } from '../sql/save.js';
import { LogDatabase } from '../sql/table.js';
import { withBatchRun } from './batch.js';
import { streamRecords } from './parse.js';
import { reportInputProblems } from './problems.js';

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
    return await withBatchRun(flags, false, signal, async (run) => {
      const table = await db.appender();
      await streamRecords(run, 'sql', table, signal);
      if (signal.aborted) return 0; // cli.ts gives the exit code of the interruption
      if (table.errored) throw table.errored;
      table.end();
      await once(table, 'finish');
      table.finish();
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

/** Writes, waiting while stdout is full; a closed stdout aborts the run (cli.ts), which ends the wait. */
async function write(out: NodeJS.WriteStream, text: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted || out.destroyed || out.write(text)) return;
  await Promise.race([once(out, 'drain'), once(signal, 'abort')]);
}

/**
 * How a record travels from a parse worker to `logmill sql`'s table: one
 * JSON array per line, `[time µs | null, severity, severity_text, message,
 * fields as JSON text, file, line | null]`, in the `logs` table's column
 * order (app/sql/table.ts). The time stays an integer of microseconds (no
 * text round trip, no precision lost); the fields are JSON text, so their
 * types (string, number, boolean) reach DuckDB's JSON column as they are.
 * Both ends of the format are in this file.
 */
import type { LogRecord } from '../../contract/processor.js';
import { severityName } from '../../contract/severity.js';

export type SqlRow = [time: number | null, severity: string, severityText: string, message: string, fields: string, file: string, line: number | null];

/** Worker side: a record as one line. */
export function toSqlRow(r: LogRecord, file: string): string {
  const row: SqlRow = [r.time, severityName(r.severity), r.severityText, r.message, JSON.stringify(r.fields), file, r.line || null];
  return JSON.stringify(row) + '\n';
}

/** Main side: the lines of `text` (whole lines, as the worker sent them). */
export function* sqlRows(text: string): Generator<SqlRow> {
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    yield JSON.parse(text.slice(start, nl)) as SqlRow;
    start = nl + 1;
  }
  if (start < text.length) throw new Error(`a record row was cut off: ${JSON.stringify(text.slice(start, start + 80))}`);
}

/**
 * Record output for `logmill parse`: NDJSON (one object per record: ts,
 * severity, severity_text, message, fields, source {file, line}) for jq and
 * DuckDB, with each field in its own type (a JSON number stays a number), or
 * CSV (RFC 4180) with fixed columns and the fields as one JSON column of
 * strings, so the column set does not depend on the input. NDJSON is exact;
 * CSV cells that a spreadsheet would read as formulas are defused (csvCell).
 */
import { severityName } from '../../contract/severity.js';
import { formatTime } from '../../contract/timestamps.js';
import { fieldText, type FieldValue, type LogRecord } from '../../contract/processor.js';

export const CSV_HEADER = 'ts,severity,severity_text,message,fields,file,line\n';

export function toNdjson(r: LogRecord, file: string): string {
  return JSON.stringify({
    ts: r.time === null ? null : formatTime(r.time),
    severity: severityName(r.severity),
    severity_text: r.severityText,
    message: r.message,
    fields: r.fields,
    source: { file, line: r.line || null, offset: r.offset },
  }) + '\n';
}

export function toCsv(r: LogRecord, file: string): string {
  return [
    r.time === null ? '' : formatTime(r.time),
    severityName(r.severity),
    csvCell(r.severityText),
    csvCell(r.message),
    csvCell(Object.keys(r.fields).length ? JSON.stringify(r.fields, textValues) : ''),
    csvCell(file),
    r.line ? String(r.line) : '',
  ].join(',') + '\n';
}

/** JSON.stringify replacer: every field as text in CSV, as before fields were typed. */
function textValues(this: unknown, key: string, value: unknown): unknown {
  return key !== '' && (typeof value === 'number' || typeof value === 'boolean') ? fieldText(value as FieldValue) : value;
}

/**
 * A CSV cell (RFC 4180 quoting). A cell that starts with `=`, `+`, `-`, `@`,
 * tab or CR is one a spreadsheet would run as a formula (`=HYPERLINK(...)`
 * in a log message): it gets a leading `'`, as OWASP recommends against CSV
 * injection, so the spreadsheet shows it as text. The README says so.
 */
export function csvCell(s: string): string {
  const text = FORMULA_START.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Record output for `logmill parse`: NDJSON (one object per record: ts,
 * severity, severity_text, message, fields, source {file, line}) for jq and
 * DuckDB, or CSV (RFC 4180) with fixed columns and the fields as one JSON
 * column, so the column set does not depend on the input.
 */
import { severityName } from '../../contract/severity.js';
import { formatTime } from '../../contract/timestamps.js';
import type { LogRecord } from '../../contract/processor.js';

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
    csvCell(Object.keys(r.fields).length ? JSON.stringify(r.fields) : ''),
    csvCell(file),
    r.line ? String(r.line) : '',
  ].join(',') + '\n';
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

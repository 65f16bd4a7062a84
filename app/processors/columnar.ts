/**
 * What the header-defined columnar processors (w3c, zeek) share: a line
 * stream where `#` lines are directives that set the columns and every other
 * non-blank line is one record, and the HTTP status rule for severity.
 *
 * The columns are known only from the header, so these processors have no
 * resync: a file is never split into byte ranges (a range would start without
 * its `#Fields:`), and every record comes from a stream that read the header.
 */
import { Severity } from '../../contract/severity.js';
import type { LogRecord, ParseStream, RecordSink } from '../../contract/processor.js';
import { newFields } from '../../contract/processor.js';
import { TimeRangeGuard } from '../../contract/timestamps.js';
import { LineCursor } from './lines.js';

/**
 * logmill's rule for a request's HTTP status: 5xx error, 4xx warn, any other
 * status info (README). A request logged without a status (unset, `-`, a
 * request the server answered nothing to) is info too; a status column that
 * holds something else is unknown.
 */
export function statusSeverity(status: string | undefined): Severity {
  if (status === undefined || status === '' || status === '-') return Severity.Info;
  if (!/^[1-5]\d\d$/.test(status)) return Severity.Unknown;
  return status[0] === '5' ? Severity.Error : status[0] === '4' ? Severity.Warn : Severity.Info;
}

export function malformedRecord(reason: string, raw: string, line: number, offset: number): LogRecord {
  const fields = newFields();
  fields.raw = raw.slice(0, 200);
  return { time: null, severity: Severity.Unknown, severityText: '', message: reason, fields, line, offset, malformed: true };
}

/**
 * Walks complete lines; `directive` gets the `#` lines, `record` the others
 * (blank lines are neither). Every line is a whole record, so everything
 * complete is consumed at once.
 */
export abstract class ColumnarStream implements ParseStream {
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  protected readonly times = new TimeRangeGuard();
  /** Data lines whose number of values differs from the columns': counted for a note. */
  protected ragged = 0;
  protected firstRagged = 0;

  protected abstract directive(text: string, line: number): void;
  protected abstract record(text: string, line: number, offset: number): LogRecord;
  /** What the note about ragged lines calls the header (`#Fields:`). */
  protected abstract readonly header: string;

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    let consumed = 0;
    let next = -1;
    for (const line of this.cursor.lines(input, eof)) {
      consumed = line.next;
      next = line.hole ? line.number : line.number + 1;
      if (line.skip) continue; // the rest of an over-long line, whose start was handled
      const text = line.text;
      if (text.startsWith('#')) this.directive(text, line.number);
      else if (text.trim() !== '') emit(this.record(text, line.number, this.consumedTotal + line.start));
    }
    if (eof) consumed = input.length;
    if (next > 0) this.cursor.resumeAt(next, consumed);
    this.consumedTotal += consumed;
    return consumed;
  }

  protected countRagged(line: number): void {
    if (this.ragged++ === 0) this.firstRagged = line;
  }

  notes(): string[] {
    const notes = [...this.cursor.notes(), ...this.times.notes()];
    const n = this.ragged;
    if (n > 0) notes.push(`${n} line${n > 1 ? 's have' : ' has'} a different number of values than ${this.header} names (first: line ${this.firstRagged}); extra values are fields col<N>`);
    return notes;
  }

  close(): void {}
}

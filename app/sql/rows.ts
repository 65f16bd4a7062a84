/**
 * How records travel from a parse worker to `logmill sql`'s table: column
 * by column, one SqlBatch per message, structured-cloned by Node's IPC
 * ('advanced' serialization): typed arrays cross as bytes, string arrays as
 * strings, so neither side builds or parses text per record. The time stays
 * an integer of microseconds (no text round trip, no precision lost); the
 * fields are JSON text, so their types (string, number, boolean) reach
 * DuckDB's JSON column as they are. The worker side is the builder below;
 * the main side reads a batch in app/sql/table.ts.
 */
import type { LogRecord } from '../../contract/processor.js';

export interface SqlBatch {
  rows: number;
  /** Microseconds since the epoch; NaN for a record without time. */
  time: Float64Array;
  /** contract/severity.ts's number. */
  severity: Uint8Array;
  severityText: string[];
  message: string[];
  /** The record's fields as a JSON object. */
  fields: string[];
  /** 1-based line within what the job read (a byte range counts from its start); NaN for none. */
  line: Float64Array;
}

/** Worker side: records into the columns of the next batch. */
export class SqlBatchBuilder {
  private time: number[] = [];
  private severity: number[] = [];
  private severityText: string[] = [];
  private message: string[] = [];
  private fields: string[] = [];
  private line: number[] = [];
  /** About the bytes of text held, to decide when to send. */
  size = 0;

  add(r: LogRecord): void {
    const fields = JSON.stringify(r.fields);
    this.time.push(r.time ?? NaN);
    this.severity.push(r.severity);
    this.severityText.push(r.severityText);
    this.message.push(r.message);
    this.fields.push(fields);
    this.line.push(r.line || NaN);
    this.size += r.message.length + fields.length + 24;
  }

  take(): SqlBatch {
    const batch: SqlBatch = {
      rows: this.message.length, time: Float64Array.from(this.time), severity: Uint8Array.from(this.severity),
      severityText: this.severityText, message: this.message, fields: this.fields, line: Float64Array.from(this.line),
    };
    this.time = [];
    this.severity = [];
    this.severityText = [];
    this.message = [];
    this.fields = [];
    this.line = [];
    this.size = 0;
    return batch;
  }
}

/**
 * `logmill sql`'s database: DuckDB embedded (@duckdb/node-api), in memory,
 * with one table `logs` that the parsed records are appended to, batch by
 * batch as they stream in from the workers (no file in between). The
 * table's columns are decided here, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBDataChunk, DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type Bindings from '@duckdb/node-bindings';
import { SEVERITY_NAMES } from '../../contract/severity.js';
import type { SqlBatch } from './rows.js';

export const LOGS_DDL = `CREATE TABLE logs (
  ts TIMESTAMP, severity VARCHAR, severity_text VARCHAR, message VARCHAR, fields JSON, file VARCHAR, line BIGINT
)`;

/**
 * While loading, `logs` has one more column, `part`: which job (an input,
 * or a byte range of one) a row came from, so that a range's lines can be
 * numbered after the ranges before it once those are done, and a failed
 * range's rows taken out. It is added after the query was checked (so a
 * query naming it fails before any input is read) and dropped before the
 * query runs (LogDatabase.loaded).
 */
const PART_COLUMN = 'ALTER TABLE logs ADD COLUMN part INTEGER';

/**
 * DuckDB's C API as @duckdb/node-api itself loads it (the same native
 * module, so its data chunks can be filled here): writing a whole column
 * with one copy is what the public per-value setters cannot do.
 */
const duckdb = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'))('@duckdb/node-bindings') as typeof Bindings;

/**
 * The database lives in memory; what DuckDB spills when it runs short (a big
 * sort or join) goes to a private directory under the system's temporary
 * directory, removed on close, not to DuckDB's default `.tmp` in the
 * current directory.
 */
export class LogDatabase {
  private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection, private readonly scratch: string) {}

  static async open(): Promise<LogDatabase> {
    const scratch = mkdtempSync(path.join(tmpdir(), 'logmill-sql-'));
    try {
      const instance = await DuckDBInstance.create(':memory:', { temp_directory: scratch });
      const connection = await instance.connect();
      await connection.run(LOGS_DDL);
      return new LogDatabase(instance, connection, scratch);
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    }
  }

  async appender(): Promise<LogAppender> {
    await this.connection.run(PART_COLUMN);
    return new LogAppender(await this.connection.createAppender('logs'));
  }

  /**
   * Once every job is in: the lines of later byte ranges moved past the
   * ranges before them (`lineBase` per part), the rows of `dropped` parts
   * deleted, and the `part` column gone.
   */
  async loaded(lineBase: ReadonlyMap<number, number>, dropped: readonly number[]): Promise<void> {
    const c = this.connection;
    if (dropped.length) await c.run(`DELETE FROM logs WHERE part IN (${dropped.join(',')})`);
    const shifts = [...lineBase].filter(([, base]) => base > 0);
    if (shifts.length) {
      await c.run(`UPDATE logs SET line = line + CASE part ${shifts.map(([part, base]) => `WHEN ${part} THEN ${base}`).join(' ')} END `
        + `WHERE part IN (${shifts.map(([part]) => part).join(',')})`);
    }
    await c.run('ALTER TABLE logs DROP COLUMN part');
  }

  close(): void {
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}

const ROWS = 2048; // DuckDB's vector size: the most rows a data chunk holds
const enum Col { Ts, Severity, SeverityText, Message, Fields, File, Line, Part }

/**
 * Appends worker batches (app/sql/rows.ts) to `logs`, 2048 rows per DuckDB
 * data chunk, filled column by column: times and lines copied in as 64-bit
 * integers, severity names and short severity texts written as DuckDB's
 * inlined 16-byte strings, file and part as one constant per chunk; only
 * message and fields take a call per value. Synchronous: the worker waits
 * for its batch's acknowledgement, which is the back-pressure.
 */
export class LogAppender {
  rows = 0;
  private readonly chunk: DuckDBDataChunk;
  private readonly times = new ArrayBuffer(ROWS * 8);
  private readonly lines = new ArrayBuffer(ROWS * 8);
  private readonly severities = new Uint8Array(ROWS * 16);
  private readonly severityTexts = new Uint8Array(ROWS * 16);
  private readonly tsMask = { mask: false };
  private readonly lineMask = { mask: false };
  /** Severity texts seen, as inlined strings (null: longer than 12 bytes); a few distinct ones in a log. */
  private readonly inlined = new Map<string, Uint8Array | null>();

  constructor(private readonly appender: DuckDBAppender) {
    this.chunk = DuckDBDataChunk.create(Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i)));
  }

  /** A batch of `file`'s records, from job `part`. */
  append(batch: SqlBatch, file: string, part: number): void {
    const fileValue = duckdb.create_varchar(file);
    const partValue = duckdb.create_int32(part);
    for (let from = 0; from < batch.rows; from += ROWS) {
      const n = Math.min(ROWS, batch.rows - from);
      const chunk = this.chunk.chunk;
      duckdb.data_chunk_reset(chunk);
      const vector = (c: Col) => duckdb.data_chunk_get_vector(chunk, c);
      const noTime = int64s(this.times, batch.time, from, n);
      const noLine = int64s(this.lines, batch.line, from, n);
      const long: number[] = [];
      for (let i = 0; i < n; i++) {
        this.severities.set(SEVERITY_INLINED[batch.severity[from + i]] ?? SEVERITY_INLINED[0], i * 16);
        const text = this.inline(batch.severityText[from + i]);
        if (text) this.severityTexts.set(text, i * 16);
        else long.push(i);
      }
      copy(vector(Col.Ts), this.times, n * 8);
      copy(vector(Col.Line), this.lines, n * 8);
      copy(vector(Col.Severity), this.severities.buffer, n * 16);
      copy(vector(Col.SeverityText), this.severityTexts.buffer, n * 16);
      nulls(vector(Col.Ts), noTime, this.tsMask);
      nulls(vector(Col.Line), noLine, this.lineMask);
      const severityText = vector(Col.SeverityText);
      for (const i of long) duckdb.vector_assign_string_element(severityText, i, batch.severityText[from + i]);
      const message = vector(Col.Message);
      const fields = vector(Col.Fields);
      for (let i = 0; i < n; i++) {
        duckdb.vector_assign_string_element(message, i, batch.message[from + i]);
        duckdb.vector_assign_string_element(fields, i, batch.fields[from + i]);
      }
      duckdb.vector_reference_value(vector(Col.File), fileValue);
      duckdb.vector_reference_value(vector(Col.Part), partValue);
      duckdb.data_chunk_set_size(chunk, n);
      this.appender.appendDataChunk(this.chunk);
    }
    this.rows += batch.rows;
  }

  /** Every row in the table; call once every input is done. */
  finish(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }

  private inline(text: string): Uint8Array | null {
    let bytes = this.inlined.get(text);
    if (bytes === undefined) {
      bytes = inlinedString(text);
      if (this.inlined.size < 256) this.inlined.set(text, bytes);
    }
    return bytes;
  }
}

/**
 * DuckDB's string_t for a string of at most 12 UTF-8 bytes: its length (32
 * bits, little-endian) and the bytes themselves, zero-padded to 16 bytes;
 * null for a longer string (which lives in the vector's heap instead).
 */
function inlinedString(text: string): Uint8Array | null {
  const utf8 = Buffer.from(text, 'utf8');
  if (utf8.length > 12) return null;
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, utf8.length, true);
  out.set(utf8, 4);
  return out;
}

const SEVERITY_INLINED = SEVERITY_NAMES.map((name) => inlinedString(name)!);

const TWO_32 = 2 ** 32;

/**
 * `values[from, from+n)` as little-endian 64-bit integers in `into` (exact:
 * they are integers of at most 53 bits); NaN is NULL. Returns the rows that
 * are NULL.
 */
function int64s(into: ArrayBuffer, values: Float64Array, from: number, n: number): number[] {
  const lo = new Uint32Array(into);
  const hi = new Int32Array(into);
  const nulls: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[from + i];
    if (Number.isNaN(v)) nulls.push(i);
    const high = Math.floor(v / TWO_32);
    lo[2 * i] = v - high * TWO_32;
    hi[2 * i + 1] = high;
  }
  return nulls;
}

function copy(vector: Bindings.Vector, from: ArrayBufferLike, bytes: number): void {
  duckdb.copy_data_to_vector(vector, 0, from as ArrayBuffer, 0, bytes);
}

/**
 * Marks `rows` of the vector NULL: its validity mask (a bit per row, 1 =
 * valid) written whole. Written also for a chunk without NULLs after one
 * with some (`written`), so that no mask is left over from a reused chunk.
 */
function nulls(vector: Bindings.Vector, rows: number[], written: { mask: boolean }): void {
  if (rows.length === 0 && !written.mask) return;
  const mask = new Uint8Array(ROWS / 8).fill(0xff);
  for (const i of rows) mask[i >> 3] &= ~(1 << (i & 7));
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.length);
  written.mask = rows.length > 0;
}

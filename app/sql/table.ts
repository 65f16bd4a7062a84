/**
 * `logmill sql`'s database: DuckDB embedded (@duckdb/node-api), in memory,
 * with one table `logs` that the parsed records are appended to through
 * DuckDB's appender as they stream in from the workers (no file in
 * between). The table's columns are decided here, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { sqlRows } from './rows.js';

export const LOGS_DDL = `CREATE TABLE logs (
  ts TIMESTAMP, severity VARCHAR, severity_text VARCHAR, message VARCHAR, fields JSON, file VARCHAR, line BIGINT
)`;

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

  /** A stream of worker rows (app/sql/rows.ts) into `logs`; `rows` counts what was appended. */
  async appender(): Promise<LogAppender> {
    return new LogAppender(await this.connection.createAppender('logs'));
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

/**
 * A Writable (what app/render/ordered.ts writes parse output to) that appends
 * each row to the table. Appending is synchronous, so back-pressure is the
 * stream's own; the appender flushes to the table every few thousand rows
 * and at the end.
 */
export class LogAppender extends Writable {
  rows = 0;

  constructor(private readonly appender: DuckDBAppender) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      const a = this.appender;
      for (const [time, severity, severityText, message, fields, file, line] of sqlRows(chunk.toString('utf8'))) {
        if (time === null) a.appendNull();
        else a.appendTimestamp(new DuckDBTimestampValue(BigInt(time)));
        a.appendVarchar(severity);
        a.appendVarchar(severityText);
        a.appendVarchar(message);
        a.appendVarchar(fields);
        a.appendVarchar(file);
        if (line === null) a.appendNull();
        else a.appendBigInt(BigInt(line));
        a.endRow();
        this.rows++;
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** Every row in the table; call once every input is done. */
  finish(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

/**
 * A query's result, written as `--output table|json|csv`. Rows are fetched
 * from DuckDB chunk by chunk; json and csv are written as they come, the
 * table once all rows are in (its columns are as wide as their widest cell).
 * Values come from DuckDB's JSON conversion: a timestamp is its text, a list
 * or struct a JSON value; integers too large for a JS number stay text.
 * Every cell in the table goes through printable(): text from a log cannot
 * steer the terminal. JSON and CSV keep values exact (CSV cells that a
 * spreadsheet would run as formulas are defused, as in `parse --output csv`).
 */
import type { DuckDBResult, DuckDBType, Json } from '@duckdb/node-api';
import { csvCell } from '../render/records.js';
import { printable } from '../render/escape.js';

export type SqlOutput = 'table' | 'json' | 'csv';

interface Column {
  name: string;
  /** A number column: right-aligned in the table; integers as JSON numbers when exact. */
  numeric: boolean;
  /** A JSON column (`fields`): its text is parsed into the JSON output, not quoted. */
  json: boolean;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

function columnsOf(result: DuckDBResult): Column[] {
  const types: DuckDBType[] = result.columnTypes();
  return result.columnNames().map((name, i) => ({
    name,
    json: types[i].alias === 'JSON',
    numeric: types[i].alias !== 'JSON' && NUMERIC.test(String(types[i])),
  }));
}

/** Writes the result to `out`; resolves with the number of rows. */
export async function writeResult(result: DuckDBResult, format: SqlOutput, out: (text: string) => Promise<void>, width: number | undefined): Promise<number> {
  const columns = columnsOf(result);
  if (columns.length === 0) return 0; // a statement without a result (COPY, CREATE ...)
  let count = 0;
  if (format === 'table') {
    const rows: string[][] = [];
    for await (const chunk of result.yieldRowsJson()) for (const row of chunk) rows.push(row.map(cellText));
    await out(table(columns, rows, width));
    return rows.length;
  }
  if (format === 'csv') await out(columns.map((c) => csvCell(c.name)).join(',') + '\n');
  else await out('[');
  for await (const chunk of result.yieldRowsJson()) {
    const lines: string[] = [];
    for (const row of chunk) {
      if (format === 'csv') lines.push(row.map((v) => (v === null ? '' : csvCell(cellText(v)))).join(',') + '\n');
      else lines.push(`${count === 0 && lines.length === 0 ? '\n' : ',\n'}${JSON.stringify(rowObject(columns, row))}`);
    }
    count += chunk.length;
    await out(lines.join(''));
  }
  if (format === 'json') await out(count === 0 ? ']\n' : '\n]\n');
  return count;
}

function rowObject(columns: Column[], row: Json[]): Record<string, Json> {
  const o: Record<string, Json> = {};
  columns.forEach((c, i) => {
    const v = row[i];
    if (c.json && typeof v === 'string') o[c.name] = JSON.parse(v) as Json;
    // BIGINT and wider arrive as text: a number when it is exact.
    else if (c.numeric && typeof v === 'string' && Number.isSafeInteger(Number(v)) && /^-?\d+$/.test(v)) o[c.name] = Number(v);
    else o[c.name] = v;
  });
  return o;
}

function cellText(v: Json): string {
  if (v === null) return 'NULL';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * A box-less table like DuckDB's: a header, a rule, the rows, a row count.
 * On a terminal (`width` known) the widest columns are narrowed until the
 * table fits, and cut cells end in `…`; a pipe gets every cell whole.
 */
function table(columns: Column[], rawRows: string[][], width: number | undefined): string {
  const rows = rawRows.map((r) => r.map((cell) => printable(cell)));
  const widths = columns.map((c, i) => Math.max(printable(c.name).length, ...rows.map((r) => r[i].length)));
  if (width !== undefined) {
    const budget = width - 2 * (columns.length - 1);
    while (widths.reduce((a, b) => a + b, 0) > budget) {
      const widest = widths.indexOf(Math.max(...widths));
      if (widths[widest] <= 8) break;
      widths[widest]--;
    }
  }
  const fit = (s: string, i: number) => {
    const w = widths[i];
    const cut = s.length > w ? s.slice(0, w - 1) + '…' : s;
    return columns[i].numeric ? cut.padStart(w) : cut.padEnd(w);
  };
  const line = (cells: string[]) => cells.map(fit).join('  ').trimEnd();
  const out = [line(columns.map((c) => printable(c.name))), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

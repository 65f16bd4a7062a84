/**
 * Baseline: DuckDB through @duckdb/node-api, the same summary with one
 * GROUP BY query: records per level, min/max time.
 * Usage: node duckdb.js csv|ndjson|text FILE  →  {"levels":{...},"first":..,"last":..}
 *
 * text: DuckDB has no plain-log reader, so the file is read as one VARCHAR
 * column per line (no delimiter, no quoting); lines that start with an ISO
 * timestamp start a record (continuation lines of stack traces do not), the
 * level is the word after the stamp. That is the same rule logmill's text
 * processor applies, written as SQL.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [format, file] = process.argv.slice(2);
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
let sql: string;
switch (format) {
  case 'csv':
    sql = `SELECT level AS lvl, count(*) AS n, min("timestamp")::VARCHAR AS first, max("timestamp")::VARCHAR AS last
           FROM read_csv(${lit(file)}, header = true) GROUP BY ALL`;
    break;
  case 'ndjson':
    sql = `SELECT level AS lvl, count(*) AS n, min("time")::VARCHAR AS first, max("time")::VARCHAR AS last
           FROM read_json(${lit(file)}, format = 'newline_delimited') GROUP BY ALL`;
    break;
  case 'text':
    sql = `SELECT regexp_extract(line, '^\\S+\\s+([A-Za-z]+)', 1) AS lvl, count(*) AS n,
                  min(regexp_extract(line, '^(\\S+)', 1)) AS first, max(regexp_extract(line, '^(\\S+)', 1)) AS last
           FROM read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '',
                         auto_detect = false, max_line_size = 67108864)
           WHERE regexp_matches(line, '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d') GROUP BY ALL`;
    break;
  default:
    throw new Error(`duckdb baseline: unsupported format ${format}`);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Array<{ lvl: string; n: string | number; first: string; last: string }>;
const levels: Record<string, number> = {};
let first: string | null = null;
let last: string | null = null;
for (const r of rows) {
  levels[r.lvl] = Number(r.n);
  if (first === null || r.first < first) first = r.first;
  if (last === null || r.last > last) last = r.last;
}
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify({ levels, first, last }) + '\n');

/**
 * Baseline: DuckDB through @duckdb/node-api, the same summary with one
 * GROUP BY query: records per level, min/max time.
 * Usage: node duckdb.js csv|ndjson|text FILE [table]  →  {"levels":{...},"first":..,"last":..}
 *
 * Without `table`, the query reads the file itself, and DuckDB parses only
 * the columns it asks for. With `table`, every column of the file is first
 * loaded into a table, which is then queried: the shape of `logmill sql`'s
 * work (a whole table, then the query), without a log parser's semantics.
 *
 * text: DuckDB has no plain-log reader, so the file is read as one VARCHAR
 * column per line (no delimiter, no quoting); lines that start with an ISO
 * timestamp start a record (continuation lines of stack traces do not), the
 * level is the word after the stamp. That is the same rule logmill's text
 * processor applies, written as SQL.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [format, file, mode] = process.argv.slice(2);
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
let source: string;
let select: string;
let where = '';
switch (format) {
  case 'csv':
    source = `read_csv(${lit(file)}, header = true)`;
    select = 'level AS lvl, count(*) AS n, min("timestamp")::VARCHAR AS first, max("timestamp")::VARCHAR AS last';
    break;
  case 'ndjson':
    source = `read_json(${lit(file)}, format = 'newline_delimited')`;
    select = 'level AS lvl, count(*) AS n, min("time")::VARCHAR AS first, max("time")::VARCHAR AS last';
    break;
  case 'text':
    source = `read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '',
                         auto_detect = false, max_line_size = 67108864)`;
    select = `regexp_extract(line, '^\\S+\\s+([A-Za-z]+)', 1) AS lvl, count(*) AS n,
                  min(regexp_extract(line, '^(\\S+)', 1)) AS first, max(regexp_extract(line, '^(\\S+)', 1)) AS last`;
    where = `WHERE regexp_matches(line, '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d')`;
    break;
  default:
    throw new Error(`duckdb baseline: unsupported format ${format}`);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
if (mode === 'table') {
  await conn.run(`CREATE TABLE logs AS SELECT * FROM ${source}`);
  source = 'logs';
}
const rows = (await conn.runAndReadAll(`SELECT ${select} FROM ${source} ${where} GROUP BY ALL`)).getRowObjectsJson() as Array<{ lvl: string; n: string | number; first: string; last: string }>;
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

/**
 * Baseline: a plain Node.js script with csv-parse (streaming) computing the
 * same summary as logmill: records per level word, min/max timestamp.
 * Timestamps are compared as strings: the generated ones are all ISO 8601
 * UTC with milliseconds, so string order is time order.
 * Usage: node csvparse.js FILE  →  {"levels":{...},"first":..,"last":..}
 */
import fs from 'node:fs';
import { parse } from 'csv-parse';

const file = process.argv[2];
const parser = fs.createReadStream(file, { highWaterMark: 4 << 20 }).pipe(parse({ relax_column_count: true }));
const levels: Record<string, number> = {};
let timeCol = -1;
let levelCol = -1;
let first: string | null = null;
let last: string | null = null;
for await (const row of parser as AsyncIterable<string[]>) {
  if (timeCol < 0) {
    timeCol = row.indexOf('timestamp');
    levelCol = row.indexOf('level');
    continue;
  }
  const lvl = row[levelCol];
  levels[lvl] = (levels[lvl] ?? 0) + 1;
  const ts = row[timeCol];
  if (first === null || ts < first) first = ts;
  if (last === null || ts > last) last = ts;
}
process.stdout.write(JSON.stringify({ levels, first, last }) + '\n');

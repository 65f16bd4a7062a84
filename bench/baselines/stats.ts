/**
 * The `--stats` rows of the bench: on the bench's access log, the response
 * size per status code (count, min, max, mean, p50, p90, p99), asked of
 * `logmill analyze --stats bytes --count-by status` and of DuckDB reading
 * the same file (a regular expression per line, exact quantiles). Every
 * logmill figure is checked against DuckDB's: counts, min and max exactly,
 * the mean to 1e-9, the percentiles within the DDSketch guarantee
 * (RELATIVE_ACCURACY of the true value, which DuckDB's quantile_disc is);
 * a figure outside it shows as wrong, never as a result.
 *   node dist/bench/baselines/stats.js duckdb FILE   →  the DuckDB answer as JSON
 *   node dist/bench/baselines/stats.js [MB] [runs]    →  the table, on its own
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELATIVE_ACCURACY } from '../../app/analysis/aggregates.js';
import { measure, median, type Measurement } from '../measure.js';
import { accessLog } from './access.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STATS = ['count', 'min', 'max', 'mean', 'p50', 'p90', 'p99'] as const;
type Stats = Record<(typeof STATS)[number], number>;
/** Status code → the stats of `bytes` in its records. */
type Answer = Record<string, Stats>;

/** DuckDB: the combined-format line read as one column, status and size taken by a regular expression. */
async function duckdbAnswer(file: string): Promise<Answer> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const sql = `WITH r AS (
      SELECT regexp_extract(line, '" ([0-9]{3}) ([0-9]+) "', 1) AS status, regexp_extract(line, '" ([0-9]{3}) ([0-9]+) "', 2)::BIGINT AS bytes
      FROM read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '', auto_detect = false))
    SELECT status, count(*) AS count, min(bytes) AS min, max(bytes) AS max, avg(bytes) AS mean,
      quantile_disc(bytes, 0.5) AS p50, quantile_disc(bytes, 0.9) AS p90, quantile_disc(bytes, 0.99) AS p99
    FROM r GROUP BY status`;
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, string | number>>;
  conn.closeSync();
  instance.closeSync();
  const answer: Answer = {};
  for (const r of rows) answer[String(r.status)] = Object.fromEntries(STATS.map((k) => [k, Number(r[k])])) as Stats;
  return answer;
}

interface LogmillReport {
  countBy: { groups: Array<{ values: string[]; count: number; stats: Stats }> };
}

function logmillAnswer(stdout: string): Answer {
  const answer: Answer = {};
  for (const g of (JSON.parse(stdout) as LogmillReport).countBy.groups) answer[g.values[0]] = g.stats;
  return answer;
}

/** What differs between logmill's answer and DuckDB's, beyond each figure's tolerance; empty when none. */
export function statsDifferences(got: Answer, want: Answer): string[] {
  const problems: string[] = [];
  const groups = new Set([...Object.keys(got), ...Object.keys(want)]);
  for (const g of groups) {
    if (!got[g] || !want[g]) {
      problems.push(`status ${g}: ${got[g] ? 'not in DuckDB\'s answer' : 'missing'}`);
      continue;
    }
    for (const k of STATS) {
      const [a, b] = [got[g][k], want[g][k]];
      const tolerance = k.startsWith('p') ? RELATIVE_ACCURACY * Math.abs(b) : k === 'mean' ? 1e-9 * Math.abs(b) : 0;
      if (!(Math.abs(a - b) <= tolerance)) problems.push(`status ${g} ${k}: ${a} vs ${b}`);
    }
  }
  return problems;
}

export interface StatsRow {
  tool: string;
  wallS: number;
  cpuS: number;
  problem?: string;
}

async function timed(args: string[], runs: number): Promise<{ wallS: number; cpuS: number; last: Measurement }> {
  const ms: Measurement[] = [];
  for (let i = 0; i < runs; i++) ms.push(await measure(process.execPath, args, { captureStdout: true, cwd: ROOT }));
  return { wallS: median(ms.map((m) => m.wallS)), cpuS: median(ms.map((m) => m.cpuS)), last: ms[ms.length - 1] };
}

/** The --stats table on the bench's access log: logmill and DuckDB, logmill's figures checked against DuckDB's. */
export async function statsReport(cli: string, plugins: string, dataDir: string, bytes: number, seed: number, runs: number): Promise<string[]> {
  const { file } = accessLog(dataDir, bytes, seed);
  const duck = await timed([fileURLToPath(import.meta.url), 'duckdb', file], runs);
  const lm = await timed([cli, 'analyze', '--output', 'json', '--plugins', plugins, '--stats', 'bytes', '--count-by', 'status', file], runs);
  const failed = (m: Measurement) => (m.exitCode === 0 ? undefined : `exit ${m.exitCode}: ${m.stderr.trim().slice(0, 160)}`);
  const duckProblem = failed(duck.last);
  let lmProblem = failed(lm.last);
  if (!lmProblem && !duckProblem) {
    const diff = statsDifferences(logmillAnswer(lm.last.stdout), JSON.parse(duck.last.stdout) as Answer);
    if (diff.length) lmProblem = `**wrong**: ${diff.slice(0, 3).join('; ')}${diff.length > 3 ? ` (+${diff.length - 3})` : ''}`;
  }
  const mb = fs.statSync(file).size / 1e6;
  const row = (tool: string, t: { wallS: number; cpuS: number }, problem: string | undefined, correct: string) =>
    `| ${tool} | ${t.wallS.toFixed(2)} | ${t.cpuS.toFixed(2)} | ${(mb / t.wallS).toFixed(1)} | ${problem ?? correct} | ${(t.wallS / duck.wallS).toFixed(2)} |`;
  return [
    `### --stats: response size per status code on the access log (${mb.toFixed(1)} MB)`, '',
    '`logmill analyze --stats bytes --count-by status` against DuckDB computing the same per status (count, min, max, mean, exact p50/p90/p99 with `quantile_disc`) from a regular expression per line. logmill\'s figures are checked against DuckDB\'s: counts, min and max exact, the mean to 1e-9, percentiles within DDSketch\'s 1 % guarantee.', '',
    '| tool | wall s | CPU s | MB/s | answer | wall ÷ DuckDB wall |', '|---|---:|---:|---:|---|---:|',
    row('logmill', lm, lmProblem, 'same as DuckDB\'s (within the tolerances)'),
    row('DuckDB', duck, duckProblem, 'exact (the reference)'),
    '',
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv[2] === 'duckdb') {
    process.stdout.write(JSON.stringify(await duckdbAnswer(process.argv[3])) + '\n');
  } else {
    const mbytes = Number(process.argv[2] ?? 20);
    const runs = Number(process.argv[3] ?? 1);
    const out = await statsReport(path.join(ROOT, 'dist', 'app', 'cli.js'), path.join(ROOT, 'plugins'), path.join(ROOT, 'bench', 'data'), mbytes * 1e6, 1, runs);
    process.stdout.write(out.join('\n') + '\n');
  }
}

/**
 * The access-log rows of the bench: a seeded combined-format access log
 * (nginx/Apache "combined", what GoAccess reads), and per tool the request
 * count it reports: logmill (the bundled access plugin), GoAccess (its own
 * CLI JSON report) and lnav (headless SQL over all_logs). Also lnav's count
 * on the bench's text log, where it reads the format. A count that differs
 * from the lines written is shown as wrong, never as a result.
 *   node dist/bench/baselines/access.js [MB] [runs]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median, type Measurement } from '../measure.js';
import { Rng } from '../prng.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = ['/', '/index.html', '/api/orders', '/api/users/42', '/static/app.js', '/static/app.css', '/login', '/search?q=logs'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'curl/8.5.0', 'Go-http-client/1.1'];

/** A combined-format log of about `bytes` bytes; returns its path and line count. */
export function accessLog(dir: string, bytes: number, seed: number): { file: string; lines: number } {
  const file = path.join(dir, `bench-access-${bytes}-s${seed}.log`);
  const meta = `${file}.lines`;
  if (fs.existsSync(file) && fs.existsSync(meta) && fs.statSync(file).size >= bytes) return { file, lines: Number(fs.readFileSync(meta, 'utf8')) };
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const out = fs.openSync(file, 'w');
  let size = 0;
  let lines = 0;
  let t = Date.UTC(2026, 10, 23, 0, 0, 0);
  const parts: string[] = [];
  while (size < bytes) {
    t += rng.int(0, 200);
    const d = new Date(t);
    const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} +0000`;
    const status = rng.chance(0.9) ? 200 : rng.chance(0.6) ? 404 : 500;
    const line = `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)} - - [${stamp}] "GET ${PATHS[rng.int(0, PATHS.length - 1)]} HTTP/1.1" ${status} ${rng.int(0, 50000)} "-" "${AGENTS[rng.int(0, AGENTS.length - 1)]}"\n`;
    parts.push(line);
    size += line.length;
    lines++;
    if (parts.length >= 4096) fs.writeSync(out, parts.splice(0).join(''));
  }
  fs.writeSync(out, parts.join(''));
  fs.closeSync(out);
  fs.writeFileSync(meta, String(lines));
  return { file, lines };
}

export interface CountRow {
  tool: string;
  wallS: number;
  cpuS: number;
  count: number | null;
  why?: string;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const LNAV_SQL = ';SELECT log_level, count(*) FROM all_logs GROUP BY 1';

function lnavCount(stdout: string): number | null {
  const rows = stdout.trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/).pop()));
  return rows.length && rows.every(Number.isFinite) ? rows.reduce((a, b) => a + b, 0) : null;
}

async function timed(tool: string, cmd: string, args: string[], runs: number, count: (m: Measurement) => number | null): Promise<CountRow> {
  const ms: Measurement[] = [];
  for (let i = 0; i < runs; i++) ms.push(await measure(cmd, args, { captureStdout: true, cwd: ROOT }));
  const last = ms[ms.length - 1];
  return { tool, wallS: median(ms.map((m) => m.wallS)), cpuS: median(ms.map((m) => m.cpuS)), count: last.exitCode === 0 ? count(last) : null, why: last.exitCode === 0 ? undefined : `exit ${last.exitCode}: ${last.stderr.trim().slice(0, 160)}` };
}

/** logmill, GoAccess and lnav on one access log. */
export async function measureAccess(cli: string, plugins: string, file: string, runs: number): Promise<CountRow[]> {
  const rows: CountRow[] = [await timed('logmill', process.execPath, [cli, 'analyze', '--output', 'json', '--plugins', plugins, file], runs, (m) => (JSON.parse(m.stdout) as { records: number }).records)];
  const report = path.join(path.dirname(file), 'goaccess-report.json');
  rows.push(have('goaccess')
    ? await timed('GoAccess', 'goaccess', [file, '--log-format=COMBINED', '--no-global-config', '-o', report], runs,
      () => (JSON.parse(fs.readFileSync(report, 'utf8')) as { general: { total_requests: number } }).general.total_requests)
    : { tool: 'GoAccess', wallS: NaN, cpuS: NaN, count: null, why: 'missing (apt-get install -y goaccess)' });
  rows.push(await lnavRow(file, runs));
  return rows;
}

/** lnav's headless SQL count, where lnav reads the format. */
export async function lnavRow(file: string, runs: number): Promise<CountRow> {
  if (!have('lnav')) return { tool: 'lnav', wallS: NaN, cpuS: NaN, count: null, why: 'missing (apt-get install -y lnav)' };
  return timed('lnav', 'lnav', ['-n', '-c', LNAV_SQL, file], runs, (m) => lnavCount(m.stdout));
}

/** Markdown rows: a count that is not `expected` is marked wrong. */
export function countTable(title: string, rows: CountRow[], expected: number, bytes: number): string[] {
  return [
    `### ${title} (${(bytes / 1e6).toFixed(1)} MB, ${expected.toLocaleString('en-US')} records)`, '',
    '| tool | wall s | CPU s | MB/s | records counted | correct | wall ÷ logmill wall |', '|---|---:|---:|---:|---:|---|---:|',
    ...rows.map((r) => (r.count === null && !Number.isFinite(r.wallS) ? `| ${r.tool} | ${r.why} | | | | | |`
      : `| ${r.tool} | ${r.wallS.toFixed(2)} | ${r.cpuS.toFixed(2)} | ${(bytes / 1e6 / r.wallS).toFixed(1)} | ${r.count ?? r.why} | ${r.count === expected ? 'yes' : `**NO** (${r.count ?? 'none'} ≠ ${expected})`} | ${(r.wallS / rows[0].wallS).toFixed(2)} |`)),
    '',
  ];
}

/** The access-log table, and lnav's count on the text log when there is one: the bench's extra rows. */
export async function accessAndLnavReport(cli: string, plugins: string, dataDir: string, bytes: number, seed: number, runs: number,
  text?: { file: string; records: number }): Promise<string[]> {
  const { file, lines } = accessLog(dataDir, bytes, seed);
  const out = countTable('access log: logmill vs GoAccess vs lnav', await measureAccess(cli, plugins, file, runs), lines, fs.statSync(file).size);
  if (text) {
    const lm = await timed('logmill', process.execPath, [cli, 'analyze', '--output', 'json', '--plugins', plugins, text.file], runs, (m) => (JSON.parse(m.stdout) as { records: number }).records);
    out.push(...countTable('text: logmill vs lnav (headless SQL count)', [lm, await lnavRow(text.file, runs)], text.records, fs.statSync(text.file).size));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const mbytes = Number(process.argv[2] ?? 20);
  const runs = Number(process.argv[3] ?? 1);
  const { file, lines } = accessLog(path.join(ROOT, 'bench', 'data'), mbytes * 1e6, 1);
  const rows = await measureAccess(path.join(ROOT, 'dist', 'app', 'cli.js'), path.join(ROOT, 'plugins'), file, runs);
  process.stdout.write(countTable('access log', rows, lines, fs.statSync(file).size).join('\n') + '\n');
}

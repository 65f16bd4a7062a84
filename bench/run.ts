/**
 * `npm run bench`: logmill against the baselines on the same generated data,
 * in the same run, measured the same way (bench/measure.ts), every answer
 * checked against the counts recorded while generating the data.
 *
 *   npm run bench                                  # 200 MB per format, 3 runs
 *   npm run bench -- --size 20MB --runs 1          # quick
 *   npm run bench -- --formats csv,ndjson --tools logmill,duckdb
 *
 * Writes a markdown report to stdout and to bench/RESULTS.md (--out).
 * Progress goes to stderr. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareReference, readReference, referenceFile, referenceOf, writeReference, type Reference } from './answers.js';
import { ensureData, FORMATS, type DataFile, type Format } from './generate.js';
import { measure, median, type Measurement } from './measure.js';
import { normalizeCounts, SEVERITIES, type SevCounts } from './severity.js';
import { iso, timeMs } from './time.js';
import { coldStartReport, measureColdStart } from './coldstart.js';
import { accessAndLnavReport } from './baselines/access.js';
import { statsReport } from './baselines/stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let CLI = path.join(ROOT, 'dist', 'app', 'cli.js');
const PLUGINS = path.join(ROOT, 'plugins');
const DATA = path.join(ROOT, 'bench', 'data');
const CHUNK = 4 << 20; // logmill's default --chunk-size
const ANSWERS = path.join(ROOT, 'bench', 'answers');
let RECORD_ANSWERS = false;

// ---------------------------------------------------------------------------
// Flags

interface Flags {
  size: number;
  sizeText: string;
  formats: Format[];
  runs: number;
  seed: number;
  jobs: number | undefined;
  tools: string[] | null;
  out: string;
  cli: string;
  recordAnswers: boolean;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|kib|mb|m|mib|gb|g|gib)?$/i.exec(text.trim());
  if (!m) throw new Error(`--size "${text}": expected e.g. 200MB, 20MB, 1GB, 64MiB`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1 << 20, g: 1e9, gb: 1e9, gib: 1 << 30 };
  return Math.round(Number(m[1]) * mult[unit]);
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { size: 200e6, sizeText: '200MB', formats: [...FORMATS], runs: 3, seed: 1, jobs: undefined, tools: null, out: path.join(ROOT, 'bench', 'RESULTS.md'), cli: CLI, recordAnswers: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? (() => { throw new Error(`${flag} needs a value`); })();
    switch (flag) {
      case '--size': f.sizeText = value(); f.size = parseSize(f.sizeText); break;
      case '--formats': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        for (const x of list) if (!(FORMATS as readonly string[]).includes(x)) throw new Error(`--formats: unknown format "${x}" (csv, ndjson, text, xml)`);
        f.formats = list as Format[];
        break;
      }
      case '--runs': f.runs = Math.max(1, Number.parseInt(value(), 10)); break;
      case '--seed': f.seed = Number.parseInt(value(), 10); break;
      case '--jobs': f.jobs = Number.parseInt(value(), 10); break;
      case '--tools': f.tools = value().split(',').map((s) => s.trim()); break;
      case '--out': f.out = path.resolve(value()); break;
      case '--cli': f.cli = path.resolve(value()); break;
      case '--record-answers': f.recordAnswers = true; break;
      case '-h': case '--help':
        process.stdout.write('npm run bench -- [--size 200MB] [--formats csv,ndjson,text,xml] [--runs 3] [--seed 1] [--jobs N] [--tools logmill,duckdb,miller,csv-parse,wc] [--out bench/RESULTS.md] [--cli dist/app/cli.js] [--record-answers]\n');
        process.exit(0);
      default: throw new Error(`unknown flag ${argv[i]} (try --help)`);
    }
    if (!Number.isFinite(f.runs) || !Number.isFinite(f.seed)) throw new Error(`${flag}: expected a number`);
  }
  return f;
}

const log = (s: string) => process.stderr.write(s + '\n');

// ---------------------------------------------------------------------------
// Tools

/** What a tool answered, in the bench's terms. */
interface Answer {
  records?: number;
  severity?: SevCounts;
  firstMs?: number;
  lastMs?: number;
  lines?: number;
  note?: string;
  /** logmill only: its top patterns and histogram (bench/answers.ts). */
  reference?: Reference;
}

interface Tool {
  name: string;
  /** Why the tool cannot run on this machine, or undefined. */
  missing?: string;
  /** Why the tool does not apply to a format, or undefined if it does. */
  notApplicable(format: Format): string | undefined;
  command(file: DataFile): [string, string[]];
  answer(stdout: string, file: DataFile): Answer;
  /** wc -l checks lines, not severities. */
  checksLinesOnly?: boolean;
}

function probe(cmd: string, args: string[]): { ok: boolean; text: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, text: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} not installed` : r.error.message };
  return { ok: r.status === 0, text: (r.stdout + r.stderr).trim() };
}

function packageVersion(name: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Raw baseline output {levels, first, last} → Answer. */
function levelsAnswer(stdout: string): Answer {
  const r = JSON.parse(stdout) as { levels: Record<string, number>; first: string | null; last: string | null };
  const severity = normalizeCounts(r.levels);
  return { severity, records: Object.values(severity).reduce((a, b) => a + b, 0), firstMs: timeMs(r.first), lastMs: timeMs(r.last) };
}

/** `logmill sql` and lnav are asked the same thing: records per level and the time range. */
const SQL_QUERY = 'SELECT severity, count(*) AS n, min(ts) AS first, max(ts) AS last FROM logs GROUP BY 1';
const LNAV_QUERY = ';SELECT log_level, count(*) AS n, min(log_time) AS first, max(log_time) AS last FROM all_logs GROUP BY 1';

/** Rows {LEVEL, n, first, last} (JSON) → Answer. */
function sqlAnswer(stdout: string, level: string): Answer {
  const rows = JSON.parse(stdout) as Record<string, string | number | null>[];
  const levels: Record<string, number> = {};
  let first: string | null = null;
  let last: string | null = null;
  for (const r of rows) {
    levels[String(r[level])] = Number(r.n);
    const lo = r.first === null ? null : String(r.first);
    const hi = r.last === null ? null : String(r.last);
    if (lo !== null && (first === null || timeMs(lo) < timeMs(first))) first = lo;
    if (hi !== null && (last === null || timeMs(hi) > timeMs(last))) last = hi;
  }
  // Both print UTC without a zone (lnav under TZ=UTC).
  return levelsAnswer(JSON.stringify({ levels, first: first && `${first}Z`, last: last && `${last}Z` }));
}

function makeTools(versions: Record<string, string>, jobs: number | undefined): Tool[] {
  const node = process.execPath;
  const benchJs = (name: string) => path.join(ROOT, 'dist', 'bench', name);
  const duckVersion = packageVersion('@duckdb/node-api');
  const csvParseVersion = packageVersion('csv-parse');
  const mlr = probe('mlr', ['--version']);
  const wc = probe('wc', ['--version']);
  const lnav = probe('lnav', ['-V']);
  if (lnav.ok) versions.lnav = lnav.text.replace(/^lnav\s*/, '');
  if (duckVersion) versions['@duckdb/node-api'] = duckVersion;
  if (csvParseVersion) versions['csv-parse'] = csvParseVersion;
  if (mlr.ok) versions.miller = mlr.text.replace(/^mlr\s*/, '');
  if (wc.ok) versions.wc = wc.text.split('\n')[0];
  const TOOL_FORMATS: Record<Format, string> = { csv: 'csv', ndjson: 'json', text: 'text', xml: 'xml' };
  return [
    {
      name: 'logmill',
      notApplicable: () => undefined,
      command: (f) => [node, [CLI, 'analyze', '--output', 'json', '--plugins', PLUGINS, ...(jobs !== undefined ? ['--jobs', String(jobs)] : []), f.path]],
      answer(stdout, f) {
        const r = JSON.parse(stdout) as { records: number; malformed: number; severity: Record<string, number>; timeRange: { first: string | null; last: string | null }; files: Array<{ format: string | null; error?: string }> } & Parameters<typeof referenceOf>[0];
        const severity = normalizeCounts({});
        for (const s of SEVERITIES) severity[s] = r.severity[s] ?? 0;
        const notes: string[] = [];
        if (r.malformed) notes.push(`${r.malformed} malformed`);
        const file = r.files[0];
        if (file?.error) notes.push(`error: ${file.error}`);
        if (file && file.format !== TOOL_FORMATS[f.meta.format]) notes.push(`routed to ${file.format}`);
        return { records: r.records, severity, firstMs: timeMs(r.timeRange.first), lastMs: timeMs(r.timeRange.last), note: notes.join('; ') || undefined, reference: referenceOf(r) };
      },
    },
    {
      // The same question in SQL over logmill's own table (app/sql): parsing, appending into
      // DuckDB and the query, next to DuckDB reading the file itself (the row below).
      name: 'logmill sql',
      notApplicable: () => undefined,
      command: (f) => [node, [CLI, 'sql', SQL_QUERY, '--output', 'json', '--plugins', PLUGINS, ...(jobs !== undefined ? ['--jobs', String(jobs)] : []), f.path]],
      answer: (stdout) => sqlAnswer(stdout, 'severity'),
    },
    {
      name: 'DuckDB',
      missing: duckVersion ? undefined : '@duckdb/node-api not installed (npm ci)',
      notApplicable: (format) => (format === 'xml' ? 'no XML reader without a network-installed extension' : undefined),
      command: (f) => [node, [benchJs('baselines/duckdb.js'), f.meta.format, f.path]],
      answer: (stdout) => levelsAnswer(stdout),
    },
    {
      // DuckDB loading every column of the file into a table, then the same query over the table:
      // the shape of `logmill sql`'s work. (The row above reads only the columns its query names.)
      name: 'DuckDB table',
      missing: duckVersion ? undefined : '@duckdb/node-api not installed (npm ci)',
      notApplicable: (format) => (format === 'xml' ? 'no XML reader without a network-installed extension' : undefined),
      command: (f) => [node, [benchJs('baselines/duckdb.js'), f.meta.format, f.path, 'table']],
      answer: (stdout) => levelsAnswer(stdout),
    },
    {
      // lnav's headless SQL over its log view; only where lnav recognizes the format by itself.
      name: 'lnav SQL',
      missing: lnav.ok ? undefined : `${lnav.text} (apt-get install -y lnav)`,
      notApplicable: (format) => (format === 'text' ? undefined : `lnav recognizes no ${format} format here without a custom format file`),
      command: (f) => ['env', ['TZ=UTC', 'lnav', '-n', '-c', LNAV_QUERY, '-c', ':write-json-to -', f.path]],
      answer: (stdout) => sqlAnswer(stdout, 'log_level'),
    },
    {
      name: 'miller',
      missing: mlr.ok ? undefined : `${mlr.text} (apt-get install -y miller)`,
      notApplicable: (format) => (format === 'csv' || format === 'ndjson' ? undefined : 'miller reads records (CSV, JSON), not free text or XML'),
      command: (f) => {
        const [input, timeField] = f.meta.format === 'csv' ? ['--icsv', 'timestamp'] : ['--ijsonl', 'time'];
        return ['mlr', [input, '--ojson', 'stats1', '-a', 'count,min,max', '-f', timeField, '-g', 'level', f.path]];
      },
      answer(stdout, f) {
        const t = f.meta.format === 'csv' ? 'timestamp' : 'time';
        const rows = JSON.parse(stdout) as Array<Record<string, string | number>>;
        const levels: Record<string, number> = {};
        let first: string | null = null;
        let last: string | null = null;
        for (const r of rows) {
          levels[String(r.level)] = Number(r[`${t}_count`]);
          const lo = String(r[`${t}_min`]);
          const hi = String(r[`${t}_max`]);
          if (first === null || lo < first) first = lo;
          if (last === null || hi > last) last = hi;
        }
        return levelsAnswer(JSON.stringify({ levels, first, last }));
      },
    },
    {
      name: 'csv-parse (Node)',
      missing: csvParseVersion ? undefined : 'csv-parse not installed (npm install -D csv-parse)',
      notApplicable: (format) => (format === 'csv' ? undefined : 'CSV only'),
      command: (f) => [node, [benchJs('baselines/csvparse.js'), f.path]],
      answer: (stdout) => levelsAnswer(stdout),
    },
    {
      name: 'wc -l (floor)',
      missing: wc.ok ? undefined : wc.text,
      notApplicable: () => undefined,
      command: (f) => ['wc', ['-l', f.path]],
      answer: (stdout) => ({ lines: Number(stdout.trim().split(/\s+/)[0]) }),
      checksLinesOnly: true,
    },
  ];
}

/** '' when the answer matches the data's meta, else what differs. */
function check(tool: Tool, a: Answer, f: DataFile): string {
  const m = f.meta;
  const bad: string[] = [];
  if (tool.checksLinesOnly) {
    if (a.lines !== m.lines) bad.push(`lines ${a.lines} ≠ ${m.lines}`);
    return bad.join('; ');
  }
  if (a.records !== m.records) bad.push(`records ${a.records} ≠ ${m.records}`);
  for (const s of SEVERITIES) {
    const got = a.severity?.[s] ?? 0;
    if (got !== m.severity[s]) bad.push(`${s} ${got} ≠ ${m.severity[s]}`);
  }
  if (a.firstMs !== m.firstMs) bad.push(`first ${iso(a.firstMs ?? NaN)} ≠ ${iso(m.firstMs)}`);
  if (a.lastMs !== m.lastMs) bad.push(`last ${iso(a.lastMs ?? NaN)} ≠ ${iso(m.lastMs)}`);
  if (a.note && tool.name === 'logmill' && /malformed|error/.test(a.note)) bad.push(a.note);
  if (a.reference) {
    const file = referenceFile(ANSWERS, m.format, m.target, m.seed);
    const want = readReference(file);
    if (RECORD_ANSWERS && bad.length === 0) writeReference(file, a.reference);
    else if (want) {
      const diff = compareReference(a.reference, want);
      if (diff) bad.push(diff);
    }
  }
  return bad.join('; ');
}

// ---------------------------------------------------------------------------
// Measuring

interface Row {
  tool: string;
  status: 'ok' | 'missing' | 'n/a' | 'failed';
  why?: string;
  wallS: number;
  cpuS: number;
  rssMB: number;
  correct: boolean;
  problems: string[];
  notes: string[];
  runs: Measurement[];
}

async function measureFormat(f: DataFile, tools: Tool[], runs: number): Promise<Row[]> {
  const rows: Row[] = tools.map((t) => ({ tool: t.name, status: 'ok', wallS: NaN, cpuS: NaN, rssMB: NaN, correct: true, problems: [], notes: [], runs: [] }));
  tools.forEach((t, i) => {
    if (t.missing) Object.assign(rows[i], { status: 'missing', why: t.missing });
    else {
      const na = t.notApplicable(f.meta.format);
      if (na) Object.assign(rows[i], { status: 'n/a', why: na });
    }
  });
  // Warm the page cache so no tool pays for the disk.
  await new Promise<void>((resolve, reject) => fs.createReadStream(f.path, { highWaterMark: 8 << 20 }).on('data', () => {}).on('end', resolve).on('error', reject));
  // Round-robin: every tool's run k happens in the same stretch of machine time.
  for (let run = 1; run <= runs; run++) {
    for (let i = 0; i < tools.length; i++) {
      const row = rows[i];
      if (row.status !== 'ok') continue;
      const [cmd, args] = tools[i].command(f);
      const m = await measure(cmd, args, { cwd: ROOT });
      row.runs.push(m);
      let problem = '';
      if (m.exitCode !== 0) problem = `exit ${m.exitCode}: ${m.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300)}`;
      else {
        try {
          const a = tools[i].answer(m.stdout, f);
          problem = check(tools[i], a, f);
          if (a.note && !row.notes.includes(a.note)) row.notes.push(a.note);
        } catch (err) {
          problem = `unreadable answer: ${(err as Error).message.slice(0, 200)}`;
        }
      }
      if (problem) {
        row.correct = false;
        if (!row.problems.includes(problem)) row.problems.push(problem);
      }
      log(`  ${f.meta.format.padEnd(6)} run ${run}/${runs} ${row.tool.padEnd(18)} ${m.wallS.toFixed(2).padStart(7)} s  cpu ${m.cpuS.toFixed(2).padStart(6)} s  rss ${m.peakRssMB.toFixed(0).padStart(5)} MB  ${problem ? 'WRONG: ' + problem : 'ok'}`);
    }
  }
  for (const row of rows) {
    if (row.status !== 'ok') continue;
    if (row.runs.every((m) => m.exitCode !== 0)) row.status = 'failed';
    row.wallS = median(row.runs.map((m) => m.wallS));
    row.cpuS = median(row.runs.map((m) => m.cpuS));
    row.rssMB = median(row.runs.map((m) => m.peakRssMB));
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Report

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const mb = (bytes: number) => bytes / 1e6;

function formatTable(f: DataFile, rows: Row[]): string {
  const logmill = rows.find((r) => r.tool === 'logmill')!;
  const lines = [
    `### ${f.meta.format} — ${path.relative(ROOT, f.path)} (${fmt(mb(f.meta.bytes), 1)} MB, ${int(f.meta.records)} records)`,
    '',
    '| tool | wall s | CPU s | peak RSS MB | MB/s | records/s | correct | wall ÷ logmill wall |',
    '|---|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const r of rows) {
    if (r.status === 'missing' || r.status === 'n/a') {
      lines.push(`| ${r.tool} | ${r.status} (${r.why}) | | | | | | |`);
      continue;
    }
    const correct = r.correct ? (r.tool.startsWith('wc') ? 'yes (line count)' : 'yes') : `**NO — ${r.problems.join(' / ')}**`;
    const ratio = r.tool === 'logmill' ? '1.00' : fmt(r.wallS / logmill.wallS);
    const notes = r.notes.length ? ` (${r.notes.join('; ')})` : '';
    lines.push(`| ${r.tool}${notes} | ${fmt(r.wallS)} | ${fmt(r.cpuS)} | ${fmt(r.rssMB, 0)} | ${fmt(mb(f.meta.bytes) / r.wallS, 1)} | ${int(f.meta.records / r.wallS)} | ${correct} | ${ratio} |`);
  }
  return lines.join('\n');
}

interface Target { what: string; met: boolean | null; detail: string }

function verdict(t: Target): string {
  const v = t.met === null ? 'not measured' : t.met ? 'met' : '**not met**';
  return `| ${t.what} | ${v} | ${t.detail} |`;
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const started = new Date();
  CLI = flags.cli;
  RECORD_ANSWERS = flags.recordAnswers;
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build`);

  log('building plugins (make -C plugins)...');
  const make = spawnSync('make', ['-C', PLUGINS], { encoding: 'utf8' });
  if (make.status !== 0) log(`warning: make -C plugins failed (${(make.stderr || make.error?.message || '').trim().slice(-300)}); using the .so files present`);

  const help = spawnSync(process.execPath, [CLI, 'analyze', '--help'], { encoding: 'utf8' });
  const jobsAccepted = /--jobs\b/.test(help.stdout);
  const jobs = jobsAccepted ? (flags.jobs ?? os.cpus().length) : undefined;
  if (flags.jobs !== undefined && !jobsAccepted) log('note: logmill does not accept --jobs yet; running without it');

  const versions: Record<string, string> = { node: process.version };
  let tools = makeTools(versions, jobs);
  if (flags.tools) {
    const want = flags.tools.map((s) => s.toLowerCase());
    tools = tools.filter((t) => t.name === 'logmill' || want.some((w) => t.name.toLowerCase().startsWith(w)));
  }
  const gitRev = spawnSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout.trim() || 'unknown';

  const files: DataFile[] = [];
  for (const format of flags.formats) {
    log(`data: ${format} ${flags.sizeText} seed ${flags.seed}...`);
    const f = ensureData(DATA, format, flags.size, flags.seed);
    log(`  ${path.relative(ROOT, f.path)}: ${int(f.meta.bytes)} bytes, ${int(f.meta.records)} records${f.reused ? ' (reused)' : ` (generated in ${fmt(f.seconds, 1)} s)`}`);
    files.push(f);
  }

  const results = new Map<Format, Row[]>();
  for (const f of files) {
    log(`measuring ${f.meta.format} (${flags.runs} run${flags.runs > 1 ? 's' : ''} each)...`);
    results.set(f.meta.format, await measureFormat(f, tools, flags.runs));
  }

  log('measuring cold start (node -e 0, analyze two-line.log, plugins; 10 runs)...');
  const cold = coldStartReport(await measureColdStart(CLI, PLUGINS, DATA, 10));

  log('measuring the access log (logmill, GoAccess, lnav) and lnav on the text log...');
  const textFile = files.find((x) => x.meta.format === 'text');
  const extraRows = await accessAndLnavReport(CLI, PLUGINS, DATA, flags.size, flags.seed, flags.runs, textFile && { file: textFile.path, records: textFile.meta.records });
  log('measuring --stats on the access log (logmill, DuckDB)...');
  extraRows.push(...await statsReport(CLI, PLUGINS, DATA, flags.size, flags.seed, flags.runs));

  // FFI overhead per ProcessorParse call, scaled to the CSV run.
  log('measuring ffi-rs call overhead (csv.so, ProcessorParse on empty input)...');
  const ffiRun = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bench', 'ffi.js'), path.join(PLUGINS, 'csv.so'), '10000'], { encoding: 'utf8', cwd: ROOT });
  let perCallUs = NaN;
  let ffiProblem = '';
  try {
    perCallUs = (JSON.parse(ffiRun.stdout) as { perCallUs: number }).perCallUs;
  } catch {
    ffiProblem = `ffi measurement failed: ${(ffiRun.stderr || ffiRun.error?.message || '').trim().slice(-300)}`;
  }

  // -------------------------------------------------------------------------
  const cpu = os.cpus();
  const out: string[] = [];
  out.push('# logmill benchmark results', '');
  out.push(`Generated by \`npm run bench -- ${process.argv.slice(2).join(' ')}\``.replace(/ -- `$/, '`').replace(/-- $/, ''), '');
  out.push('| | |', '|---|---|');
  out.push(`| date | ${started.toISOString()} |`);
  out.push(`| machine | ${cpu.length} cores, ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB RAM, ${os.type()} ${os.release()} |`);
  out.push(`| logmill | ${gitRev}${CLI !== path.join(ROOT, 'dist', 'app', 'cli.js') ? ` (CLI: ${CLI})` : ''}; \`logmill analyze --output json --plugins plugins${jobs !== undefined ? ` --jobs ${jobs}` : ''} FILE\`${jobsAccepted ? '' : ' (--jobs not accepted by this logmill: run without it)'} |`);
  out.push(`| versions | ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  out.push(`| data | ${files.map((f) => `${f.meta.format} ${fmt(mb(f.meta.bytes), 1)} MB / ${int(f.meta.records)} records`).join('; ')} (seed ${flags.seed}; MB = 10^6 bytes) |`);
  out.push(`| method | median of ${flags.runs} run${flags.runs > 1 ? 's' : ''} per tool, tools interleaved, file in page cache; every tool a child process; CPU = user+sys of the whole process tree; peak RSS = max over 20 ms samples of the sum over all descendant processes |`);
  out.push('');
  out.push('The machine is shared, so absolute numbers drift from run to run; the ratios between tools measured in the same run are what matter.', '');

  for (const f of files) out.push(formatTable(f, results.get(f.meta.format)!), '');
  out.push(...cold.table);
  out.push(...extraRows);

  // Targets
  const row = (format: Format, tool: string) => results.get(format)?.find((r) => r.tool.startsWith(tool));
  const usable = (r: Row | undefined) => r !== undefined && r.status === 'ok' && r.correct && Number.isFinite(r.wallS);
  const wrongNote = (r: Row | undefined) => (r && r.status === 'ok' && !r.correct ? ' (answer wrong: no result)' : '');
  const targets: Target[] = [];
  // Issue 9's targets: CSV and NDJSON at most half DuckDB's wall time, text at
  // most half DuckDB's SQL rendition of the same rule, XML 150 MB/s.
  for (const format of ['csv', 'ndjson', 'text'] as Format[]) {
    const lm = row(format, 'logmill');
    const duck = row(format, 'DuckDB');
    const what = `${format}: logmill wall ÷ DuckDB wall ≤ 0.5${format === 'text' ? ' (DuckDB: a SQL rendition of the same rule)' : ''}`;
    if (!files.some((x) => x.meta.format === format)) targets.push({ what, met: null, detail: 'format not run' });
    else if (usable(lm) && usable(duck)) {
      const ratio = lm!.wallS / duck!.wallS;
      targets.push({ what, met: ratio <= 0.5, detail: `${fmt(ratio)} (logmill ${fmt(lm!.wallS)} s, DuckDB ${fmt(duck!.wallS)} s)` });
    } else targets.push({ what, met: null, detail: `logmill or DuckDB has no usable result${wrongNote(lm)}${wrongNote(duck)}${duck?.why ? `: DuckDB ${duck.why}` : ''}` });
  }
  {
    const lm = row('xml', 'logmill');
    const f = files.find((x) => x.meta.format === 'xml');
    const what = 'xml: logmill ≥ 150 MB/s';
    if (!f || !lm) targets.push({ what, met: null, detail: 'format not run' });
    else if (!usable(lm)) targets.push({ what, met: false, detail: `no usable result${wrongNote(lm)}` });
    else {
      const rate = mb(f.meta.bytes) / lm.wallS;
      targets.push({ what, met: rate >= 150, detail: `${fmt(rate, 1)} MB/s (${fmt(lm.wallS)} s for ${fmt(mb(f.meta.bytes), 1)} MB)` });
    }
  }
  {
    const lms = files.map((f) => [f.meta.format, row(f.meta.format, 'logmill')] as const);
    const unchecked = files.filter((f) => !readReference(referenceFile(ANSWERS, f.meta.format, f.meta.target, f.meta.seed))).map((f) => f.meta.format);
    const wrongFormats = lms.filter(([, r]) => !r || !r.correct).map(([fm]) => fm);
    targets.push({
      what: 'same answers: counts, severities, time range (data meta), top patterns and histogram (bench/answers/)',
      met: wrongFormats.length ? false : unchecked.length ? null : true,
      detail: wrongFormats.length ? `wrong: ${wrongFormats.join(', ')}` : unchecked.length ? `no reference answer for ${unchecked.join(', ')} (npm run bench -- --record-answers)` : `checked on ${files.map((f) => f.meta.format).join(', ')}`,
    });
  }
  {
    const csv = files.find((x) => x.meta.format === 'csv');
    const lm = row('csv', 'logmill');
    const what = 'FFI overhead < 5% of logmill CSV wall time';
    if (ffiProblem) targets.push({ what, met: false, detail: ffiProblem });
    else if (!csv || !usable(lm)) targets.push({ what, met: null, detail: `${fmt(perCallUs, 2)} µs per call; no usable CSV run to compare with` });
    else {
      const calls = Math.ceil(csv.meta.bytes / CHUNK) * 2;
      const overheadS = (perCallUs * calls) / 1e6;
      const pct = (overheadS / lm!.wallS) * 100;
      targets.push({ what, met: pct < 5, detail: `${fmt(perCallUs, 2)} µs per ProcessorParse call (median of 5 × 10,000) × ${calls} calls (${fmt(mb(csv.meta.bytes), 1)} MB ÷ 4 MiB chunks × 2) = ${fmt(overheadS * 1000, 3)} ms = ${pct.toPrecision(2)}% of ${fmt(lm!.wallS)} s` });
    }
  }
  {
    const peaks = files.map((f) => [f.meta.format, row(f.meta.format, 'logmill')] as const).filter(([, r]) => r && Number.isFinite(r.rssMB));
    const worst = Math.max(...peaks.map(([, r]) => r!.rssMB));
    targets.push({
      what: 'logmill peak RSS of the whole process tree < 300 MB',
      met: peaks.length ? worst < 300 : null,
      detail: peaks.map(([fm, r]) => `${fm} ${fmt(r!.rssMB, 0)} MB`).join(', '),
    });
  }
  targets.push(...cold.targets);
  out.push('## Targets', '', '| target | this run | numbers |', '|---|---|---|', ...targets.map(verdict), '');

  const wrong = [...results.entries()].flatMap(([format, rows]) => rows.filter((r) => r.status === 'ok' && !r.correct).map((r) => `${format}/${r.tool}`));
  if (wrong.length) out.push(`**WRONG ANSWERS: ${wrong.join(', ')}** — see the correct column; a fast wrong answer is not a result.`, '');
  out.push(`Expected answers are recorded while generating the data (bench/data/*.meta.json). Baselines compute records per level word and min/max time; the bench maps their level words to logmill's severities with its own copy of contract/SEVERITY.md's rows. \`wc -l\` is the floor: it checks only the line count. FFI: \`node dist/bench/ffi.js plugins/csv.so\` calls ProcessorParse(p, empty, 0, 0, out, 1 MiB) through ffi-rs \`load\` as app/plugins/native.ts does; worker-process IPC, if any, is not part of that number.`, '');

  const report = out.join('\n') + '\n';
  process.stdout.write(report);
  fs.writeFileSync(flags.out, report);
  log(`\nwrote ${path.relative(process.cwd(), flags.out) || flags.out}`);
  if (wrong.length) log(`WRONG ANSWERS: ${wrong.join(', ')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});

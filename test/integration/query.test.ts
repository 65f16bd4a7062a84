/**
 * Asking the logs questions through the real CLI: `--where`, `--grep` with
 * `-i`/`-v`, `--count-by` and `--stats` (issue 10), on logs written here by
 * a deterministic generator, with every expected answer computed in the test
 * from the same data.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';

/** Each run of the CLI takes seconds on a loaded machine; a test makes several. */
const SLOW = 300_000;

/** A seeded generator (mulberry32): the same log every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Access { time: string; level: string; msg: string; status: number | string; path: string; user: string; ms: number }

const PATHS = ['/api/users', '/api/orders', '/static/app.css', '/api/health', '/login'];
const USERS = ['alice', 'bob', 'carol', 'health'];

/** An access log as a JSON-logging web app writes it; `status` is a number in most lines, a string in some. */
function accessLog(n: number, seed = 1): Access[] {
  const rnd = random(seed);
  const out: Access[] = [];
  for (let i = 0; i < n; i++) {
    const status = [200, 200, 200, 204, 301, 404, 500, 502, 503][Math.floor(rnd() * 9)];
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const path = PATHS[Math.floor(rnd() * PATHS.length)];
    // Latency: log-normal, as response times are (a long tail for the percentiles to find).
    const ms = Math.round(Math.exp(3 + 1.2 * gaussian(rnd)) * 100) / 100;
    const t = new Date(Date.UTC(2026, 10, 23, 5, 0, 0) + i * 1000).toISOString();
    out.push({ time: t, level, msg: `GET ${path} ${status}`, status: i % 7 === 0 ? String(status) : status, path, user: USERS[Math.floor(rnd() * USERS.length)], ms });
  }
  return out;
}

function gaussian(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

function write(dir: string, name: string, records: object[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

async function analyzeJson(args: string[], cwd: string) {
  const res = await logmill(['analyze', '-o', 'json', '--plugins', '', ...(args.includes('--jobs') ? [] : ['--jobs', '1']), ...args], { cwd });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout);
}

async function parseLines(args: string[], cwd: string) {
  const res = await logmill(['parse', '--plugins', '', '--jobs', '1', ...args], { cwd });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('--where', () => {
  it('filters a JSON log on fields: numbers as numbers (typed or not), regex, and/or/not, parentheses', async () => {
    const dir = tempDir();
    const log = accessLog(500);
    write(dir, 'access.ndjson', log);
    const cases: [string, (r: Access) => boolean][] = [
      ["status >= 500 and path ~ '^/api' and not user = 'health'", (r) => Number(r.status) >= 500 && r.path.startsWith('/api') && r.user !== 'health'],
      // 1000 > 999 as numbers; as text "1000" < "999": the number literal decides.
      ['ms > 99.5', (r) => r.ms > 99.5],
      ['(status = 404 or status = 301) and user != "bob"', (r) => (Number(r.status) === 404 || Number(r.status) === 301) && r.user !== 'bob'],
      ["status = '500' or severity >= warn and not path ~ api", (r) => String(r.status) === '500' || (r.level !== 'info' && !r.path.includes('api'))],
      ['time >= 2026-11-23T05:05:00Z and time < "2026-11-23 05:06:00"', (r) => r.time >= '2026-11-23T05:05:00' && r.time < '2026-11-23T05:06:00'],
      ["message ~* '^get /LOGIN'", (r) => r.msg.startsWith('GET /login')],
      ["nosuchfield = 1 or file !~ 'access' or not nosuchfield = 2 and user = bob", (r) => r.user === 'bob'],
    ];
    for (const [expr, want] of cases) {
      const expected = log.filter(want);
      const parsed = await parseLines(['--where', expr, 'access.ndjson'], dir);
      expect({ expr, lines: parsed.map((p) => p.source.line) }).toEqual({ expr, lines: log.flatMap((r, i) => (want(r) ? [i + 1] : [])) });
      if (expr !== cases[0][0]) continue; // analyze shares the filter; once is enough (each run takes seconds)
      const summary = await analyzeJson(['--where', expr, 'access.ndjson'], dir);
      expect({ expr, records: summary.records }).toEqual({ expr, records: expected.length });
    }
  }, SLOW);

  it('filters a text log on severity, message, time and file', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'app.log'), [
      '2026-11-23 05:00:00 INFO start', '2026-11-23 06:00:00 WARN disk slow', '2026-11-23 07:00:00 ERROR db timeout',
      '2026-11-23 08:00:00 ERROR cache down', '2026-11-23 09:00:00 DEBUG tick',
    ].join('\n') + '\n');
    writeFileSync(path.join(dir, 'other.log'), '2026-11-23 07:30:00 ERROR other timeout\n');
    const messages = async (expr: string) => (await parseLines(['--where', expr, 'app.log', 'other.log'], dir)).map((r) => r.message);
    expect(await messages("severity >= warn and message ~ 'timeout|slow'")).toEqual(['disk slow', 'db timeout', 'other timeout']);
    expect(await messages('severity < info')).toEqual(['tick']);
    expect(await messages('time >= 2026-11-23T07:00:00Z and time < 2026-11-23T08:00:00Z')).toEqual(['db timeout', 'other timeout']);
    expect(await messages("file = other.log or level = fatal")).toEqual(['other timeout']);
  }, SLOW);

  it('a syntax error is a usage error (exit 2) with a caret under the bad token', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.log'), '2026-11-23 05:00:00 INFO a\n');
    const cases: [string, string][] = [
      ["status >= and path ~ '^/api'", 'logmill: --where: expected a value after ">=", found "and"\n  status >= and path ~ \'^/api\'\n            ^^^\n'],
      ['(status = 1', 'logmill: --where: expected ")" to close the "(" at column 1, the expression ends\n  (status = 1\n             ^\n'],
      ['severity >= loud', 'logmill: --where: "loud" is not a severity: expected one of unknown, trace, debug, info, notice, warn, error, fatal\n  severity >= loud\n              ^^^^\n'],
      ['status = 1 status = 2', 'logmill: --where: unexpected "status": expected "and", "or" or the end\n  status = 1 status = 2\n             ^^^^^^\n'],
      ["path ~ '('", "logmill: --where: bad regular expression: Invalid regular expression: /(/: Unterminated group\n  path ~ '('\n         ^^^\n"],
    ];
    for (const [expr, stderr] of cases) {
      for (const command of expr === cases[0][0] ? ['analyze', 'parse'] : ['analyze']) {
        const res = await logmill([command, '--plugins', '', '--where', expr, 'a.log'], { cwd: dir });
        expect({ expr, code: res.code, stderr: res.stderr, stdout: res.stdout }).toEqual({ expr, code: 2, stderr, stdout: '' });
      }
    }
  }, SLOW);
});

describe('--grep -i / -v', () => {
  it('ignores case, inverts, or both, in parse and analyze', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.log'), ['2026-11-23 05:00:00 INFO Timeout talking to db', '2026-11-23 05:00:01 INFO timeout again', '2026-11-23 05:00:02 INFO all fine'].join('\n') + '\n');
    const messages = async (args: string[]) => (await parseLines([...args, 'a.log'], dir)).map((r) => r.message);
    expect(await messages(['--grep', 'timeout'])).toEqual(['timeout again']);
    expect(await messages(['--grep', 'timeout', '-i'])).toEqual(['Timeout talking to db', 'timeout again']);
    expect(await messages(['--grep', 'timeout', '--ignore-case'])).toEqual(['Timeout talking to db', 'timeout again']);
    expect(await messages(['--grep', 'timeout', '-v'])).toEqual(['Timeout talking to db', 'all fine']);
    expect(await messages(['-g', 'TIMEOUT', '-i', '--invert-match'])).toEqual(['all fine']);
    expect((await analyzeJson(['-g', 'timeout', '-iv', 'a.log'], dir)).records).toBe(1);
    const alone = await logmill(['parse', '--plugins', '', '-v', 'a.log'], { cwd: dir });
    expect({ code: alone.code, stderr: alone.stderr }).toEqual({ code: 2, stderr: 'logmill: --invert-match (-v) applies to --grep: give --grep PATTERN too\n' });
  }, SLOW);
});

describe('--count-by and --stats', () => {
  it('counts groups exactly; past the group bound the rarest are dropped and their records reported', async () => {
    const dir = tempDir();
    // 12,000 one-off sessions (more than MAX_GROUPS = 10,000) and three frequent ones.
    const records: object[] = [];
    for (let i = 0; i < 12_000; i++) {
      records.push({ level: 'info', msg: 'hit', session: `s${i}`, path: '/x' });
      if (i % 3 === 0) records.push({ level: 'info', msg: 'hit', session: 'busy-a', path: i % 2 ? '/a' : '/b' });
      if (i % 4 === 0) records.push({ level: 'info', msg: 'hit', session: 'busy-b', path: '/a' });
    }
    records.push({ level: 'info', msg: 'no session here' });
    write(dir, 'sessions.ndjson', records);
    const json = await analyzeJson(['--count-by', 'session,path', '--top', '3', 'sessions.ndjson'], dir);
    expect(json.countBy.fields).toEqual(['session', 'path']);
    expect(json.countBy.groups).toEqual([
      { values: ['busy-b', '/a'], count: 3000 },
      { values: ['busy-a', '/a'], count: 2000 },
      { values: ['busy-a', '/b'], count: 2000 },
    ]);
    expect(json.countBy.dropped).toBeGreaterThan(0);
    expect(json.countBy.missing).toBe(1);
    // Nothing lost: every record is in a group, dropped, or missing a field.
    const all = await analyzeJson(['--count-by', 'session', '--count-by', 'path', '--top', '100000', 'sessions.ndjson'], dir);
    const grouped = all.countBy.groups.reduce((n: number, g: { count: number }) => n + g.count, 0);
    expect(grouped + all.countBy.dropped + all.countBy.missing).toBe(json.records);
    expect(all.countBy.groups.length).toBeLessThanOrEqual(10_000);
    const text = await logmill(['analyze', '--plugins', '', '--count-by', 'session,path', '--top', '3', 'sessions.ndjson'], { cwd: dir });
    expect(text.stdout).toContain(`\nCount by session, path\n  (top 3 of ${json.countBy.groups.length === 3 ? all.countBy.groups.length : '?'} groups)\n`
      + `  (${json.countBy.dropped} records in rarer groups not counted: over 10,000 groups)\n  (1 record without session or path)\n`);
    expect(text.stdout).toMatch(/\n {6}3000  busy-b {3}\/a\n/);
  }, SLOW);

  it('groups by the record\'s severity and input with severity and file, and by a field so named with fields.NAME', async () => {
    const dir = tempDir();
    write(dir, 'a.ndjson', [{ level: 'error', msg: 'x', severity: 'sev-field' }, { level: 'info', msg: 'y' }, { level: 'error', msg: 'z' }]);
    write(dir, 'b.ndjson', [{ level: 'warn', msg: 'w', severity: 'sev-field' }]);
    const json = await analyzeJson(['--count-by', 'severity,file', 'a.ndjson', 'b.ndjson'], dir);
    expect(json.countBy.groups).toEqual([
      { values: ['error', 'a.ndjson'], count: 2 },
      { values: ['info', 'a.ndjson'], count: 1 },
      { values: ['warn', 'b.ndjson'], count: 1 },
    ]);
    const byField = await analyzeJson(['--count-by', 'fields.severity', 'a.ndjson', 'b.ndjson'], dir);
    expect(byField.countBy).toMatchObject({ groups: [{ values: ['sev-field'], count: 2 }], missing: 2 });
  });

  it('gives exact count/min/max/mean and percentiles within DDSketch\'s 1% of the exact ones, per group too', async () => {
    const dir = tempDir();
    const log = accessLog(20_000, 7);
    // Some values that are not numbers, and records without the field: neither is counted as a value.
    const records: object[] = [...log, { level: 'info', msg: 'x', ms: 'n/a' }, { level: 'info', msg: 'y' }];
    write(dir, 'access.ndjson', records);
    const json = await analyzeJson(['--stats', 'ms', '--count-by', 'path', 'access.ndjson'], dir);
    expectStats(json.stats, log.map((r) => r.ms), 1);
    for (const g of json.countBy.groups) {
      expect(g.stats.field).toBe('ms');
      expectStats(g.stats, log.filter((r) => r.path === g.values[0]).map((r) => r.ms), 0);
    }
    const text = await logmill(['analyze', '--plugins', '', '--stats', 'ms', 'access.ndjson'], { cwd: dir });
    expect(text.stdout).toContain('Stats of ms (20000 numeric values, 1 not a number; percentiles within 1%)\n  min ');
  }, SLOW);

  it('merges across workers: the same answer with --jobs 1 and with a file split over --jobs 2', async () => {
    const dir = tempDir();
    write(dir, 'access.ndjson', accessLog(30_000, 3)); // ~4 MiB: split into ranges at --split-min 1MiB
    const args = ['--stats', 'ms', '--count-by', 'path,status', '--where', 'severity >= info', 'access.ndjson'];
    const one = await analyzeJson(['--jobs', '1', ...args], dir);
    const two = await analyzeJson(['--jobs', '2', '--split-min', '1MiB', '--chunk-size', '1MiB', ...args], dir);
    expect(one.files[0].ranges).toBe(1);
    expect(two.files[0].ranges).toBeGreaterThan(1);
    // Sums of floats may differ in the last bit with the order of addition; everything else is identical.
    const roundMean = (s: { mean: number }) => ({ ...s, mean: Number(s.mean.toPrecision(12)) });
    const norm = (j: { stats: { mean: number }; countBy: { groups: { stats: { mean: number } }[] } }) => ({
      stats: roundMean(j.stats),
      countBy: { ...j.countBy, groups: j.countBy.groups.map((g) => ({ ...g, stats: roundMean(g.stats) })) },
    });
    expect(norm(two)).toEqual(norm(one));
    expect(one.stats.count).toBe(30_000);
  }, SLOW);
});

/** The JSON stats of `values`: exact where exact, quantiles within the sketch's relative accuracy. */
function expectStats(stats: Record<string, number | string | null>, values: number[], nonNumeric: number): void {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  expect(stats.count).toBe(n);
  expect(stats.nonNumeric).toBe(nonNumeric);
  expect(stats.min).toBe(sorted[0]);
  expect(stats.max).toBe(sorted[n - 1]);
  expect(stats.mean as number).toBeCloseTo(values.reduce((a, b) => a + b, 0) / n, 6);
  for (const [key, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
    // DDSketch's quantile is the value of rank q·(n−1), within 1% relative error.
    const rank = q * (n - 1);
    const lo = sorted[Math.floor(rank)] * (1 - 0.01);
    const hi = sorted[Math.ceil(rank)] * (1 + 0.01);
    const got = stats[key] as number;
    expect({ key, n, inRange: got >= lo && got <= hi, got, lo, hi }).toEqual({ key, n, inRange: true, got, lo, hi });
  }
}

describe('README', () => {
  it('runs the "Asking questions" examples as written', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const start = readme.indexOf('```sh\n', readme.indexOf('#### Asking questions'));
    const commands = readme.slice(start + 6, readme.indexOf('```', start + 6)).trim().split('\n');
    expect(commands.length).toBeGreaterThan(3);
    for (const command of commands) {
      const res = spawnSync('bash', ['-c', `logmill() { node ${JSON.stringify(CLI)} "$@"; }\n${command}`], { cwd: REPO, env: cliEnv({ LOGMILL_PLUGINS: path.join(REPO, 'plugins') }), encoding: 'utf8' });
      expect({ command, code: res.status, stderr: res.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(res.stdout.length).toBeGreaterThan(0);
    }
  }, SLOW);
});

describe('the terminal report fits the terminal', () => {
  it('no line is wider than $COLUMNS (80 or 160), long paths and values cut with "…"', async () => {
    const dir = tempDir();
    const deep = path.join(dir, 'a-rather-long-directory-name', 'and-another-one-below-it');
    mkdirSync(deep, { recursive: true });
    const log = accessLog(300, 5).map((r, i) => ({ ...r, path: `${r.path}/${'segment'.repeat(i % 30)}`, ua: 'Mozilla/5.0 '.repeat(20) }));
    write(deep, 'access-with-a-long-file-name.ndjson', log);
    writeFileSync(path.join(deep, 'app.log'), `2026-11-23 05:00:00 ERROR ${'a very long error message '.repeat(20)}\n`);
    for (const columns of [80, 160]) {
      const res = await logmill(['analyze', '--plugins', '', '--jobs', '1', '--count-by', 'path,ua', '--stats', 'ms', '--field', 'ua', deep], { cwd: dir, env: { COLUMNS: String(columns) } });
      expect(res.code).toBe(0);
      const lines = res.stdout.split('\n');
      const wide = lines.filter((l) => [...l].length > columns);
      expect({ columns, wide }).toEqual({ columns, wide: [] });
      expect(res.stdout).toContain('…');
      // The file table keeps the end of a long path, where its name is.
      expect(res.stdout).toMatch(/\n {2}…\S*app\.log /);
    }
    // The width is the terminal's, else $COLUMNS: a wider one shows more of the same line.
    const narrow = await logmill(['analyze', '--plugins', '', '--jobs', '1', deep], { cwd: dir, env: { COLUMNS: '80' } });
    const wide = await logmill(['analyze', '--plugins', '', '--jobs', '1', deep], { cwd: dir, env: { COLUMNS: '160' } });
    expect(Math.max(...wide.stdout.split('\n').map((l) => [...l].length))).toBeGreaterThan(100);
    expect(Math.max(...narrow.stdout.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
  }, SLOW);
});

describe('flags', () => {
  it('a bad flag value is one line naming the flag and what was typed; --color decides colours', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.log'), '2026-11-23 05:00:00 ERROR boom\n');
    for (const [args, stderr] of [
      [['--top', 'abc'], 'logmill: --top "abc": expected a whole number of at least 1\n'],
      [['--jobs', '2.5'], 'logmill: --jobs "2.5": expected a whole number of at least 1\n'],
      [['--color', 'sometimes'], 'logmill: --color "sometimes": expected one of auto, always, never (see logmill --help)\n'],
      [['--stats', 'a,b'], 'logmill: --stats "a,b": takes one field\n'],
    ] as const) {
      const res = await logmill(['analyze', '--plugins', '', ...args, 'a.log'], { cwd: dir });
      expect({ args, code: res.code, stderr: res.stderr }).toEqual({ args, code: 2, stderr });
    }
    const always = await logmill(['analyze', '--plugins', '', '--jobs', '1', '--color', 'always', 'a.log'], { cwd: dir });
    expect(always.stdout).toContain('\x1b[31merror');
    const never = await logmill(['analyze', '--plugins', '', '--jobs', '1', '--color', 'never', 'a.log'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(never.stdout).not.toContain('\x1b[');
    const completion = await logmill(['completion'], { cwd: dir });
    expect(completion.stdout).toContain('logmill --get-yargs-completions');
    const words = await logmill(['--get-yargs-completions', 'logmill', ''], { cwd: dir });
    expect(words.stdout.split('\n')).toEqual(expect.arrayContaining(['analyze', 'parse', 'watch', 'plugins']));
  }, SLOW);
});

describe('plugin warnings only when something is wrong', () => {
  it('the same build in two plugin directories is not warned about; two different builds of one name are', async () => {
    const dir = tempDir();
    const first = fixturePluginDir(['good_upper']);
    const second = fixturePluginDir(['good_upper']);
    writeFileSync(path.join(dir, 'a.upper'), 'ERROR disk full\n');
    const same = await logmill(['analyze', '-o', 'json', '--jobs', '1', 'a.upper'], { cwd: dir, env: { LOGMILL_PLUGINS: `${first}:${second}` } });
    expect({ code: same.code, stderr: same.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(same.stdout).files[0].format).toBe('upper');
    const listed = await logmill(['plugins'], { cwd: dir, env: { LOGMILL_PLUGINS: `${first}:${second}` } });
    expect(listed.stdout).toContain('name "upper" is already taken');
    const different = fixturePluginDir(['dup_a', 'dup_b']);
    const clash = await logmill(['analyze', '--jobs', '1', 'a.upper'], { cwd: dir, env: { LOGMILL_PLUGINS: different } });
    expect(clash.stderr).toMatch(/warning: plugin ".*dup_b\.so" not loaded: name "dup" is already taken/);
  }, SLOW);
});

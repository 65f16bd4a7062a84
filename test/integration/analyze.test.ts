/**
 * `logmill analyze` and `logmill parse` as a user runs them: the built CLI
 * on logs-samples/ (expected counts in test/fixtures/expected-samples.json,
 * derived by hand from the files) and on inputs that go wrong.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cliEnv, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';

interface Expected { file: string; format: string | null; records: number; malformed: number; severity: Record<string, number>; note?: string }
const expected: Expected[] = JSON.parse(readFileSync(path.join(REPO, 'test/fixtures/expected-samples.json'), 'utf8')).files;
const PLUGINS = ['--plugins', path.join(REPO, 'plugins')];

async function analyzeJson(args: string[], opts: Parameters<typeof logmill>[1] = {}) {
  const res = await logmill(['analyze', '--output', 'json', ...PLUGINS, ...args], opts);
  return { ...res, json: res.stdout ? JSON.parse(res.stdout) : undefined };
}

describe('analyze logs-samples/', () => {
  it('gives the exact counts for every sample, routed to the right processor', async () => {
    const { code, json, stderr } = await analyzeJson(['logs-samples/'], { cwd: REPO });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const files = Object.fromEntries(json.files.map((f: { path: string }) => [f.path, f]));
    expect(Object.keys(files).sort()).toEqual(expected.map((e) => `logs-samples/${e.file}`).sort());
    for (const e of expected) {
      const f = files[`logs-samples/${e.file}`];
      expect({ file: e.file, format: f.format, records: f.records, malformed: f.malformed }).toEqual({ file: e.file, format: e.format, records: e.records, malformed: e.malformed });
      if (e.note) expect(f.notes.join('\n')).toContain(e.note);
    }
    // Severity per file: analyze each on its own.
    for (const e of expected.filter((x) => x.records > 0)) {
      const one = await analyzeJson([`logs-samples/${e.file}`], { cwd: REPO });
      const nonZero = Object.fromEntries(Object.entries(one.json.severity).filter(([, n]) => n !== 0));
      expect({ file: e.file, severity: nonZero }).toEqual({ file: e.file, severity: e.severity });
    }
    expect(json.records).toBe(expected.reduce((n, e) => n + e.records, 0));
    expect(json.malformed).toBe(expected.reduce((n, e) => n + e.malformed, 0));
  });

  it('prints a readable report with npm start', () => {
    const out = execFileSync('npm', ['start', '--silent'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
    expect(out).toMatch(/^\d+ files, \d+ records, \d+ malformed inputs, 2026-11-23 /);
    for (const section of ['Files', 'Severity', 'Events over time', 'Top message patterns', 'First errors', 'First malformed input']) {
      expect(out).toContain(`\n${section}`);
    }
    expect(out).toMatch(/logs-samples\/postgresql\.csv\s+csv\s+22 records/);
  });
});

describe('analyze: filters and fields', () => {
  it('--level, --since/--until and --grep narrow the summary', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.log'), [
      '2026-11-23 05:00:00 INFO a', '2026-11-23 06:00:00 WARN b', '2026-11-23 07:00:00 ERROR c timeout', '2026-11-23 08:00:00 ERROR d',
    ].join('\n') + '\n');
    expect((await analyzeJson(['a.log', '--level', 'warn'], { cwd: dir })).json.records).toBe(3);
    expect((await analyzeJson(['a.log', '--since', '2026-11-23T06:00:00Z', '--until', '2026-11-23T08:00:00Z'], { cwd: dir })).json.records).toBe(2);
    expect((await analyzeJson(['a.log', '--grep', 'time?out'], { cwd: dir })).json.records).toBe(1);
    expect((await analyzeJson(['a.log', '--since', '2026-11-23 07:00', '--tz', '+01:00'], { cwd: dir })).json.records).toBe(2);
  });

  it('--field lists top values', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.ndjson'), ['{"msg":"x","user":"bob"}', '{"msg":"y","user":"amy"}', '{"msg":"z","user":"bob"}'].join('\n'));
    const { json } = await analyzeJson(['a.ndjson', '--field', 'user'], { cwd: dir });
    expect(json.fields.user).toEqual([{ value: 'bob', count: 2 }, { value: 'amy', count: 1 }]);
  });
});

describe('analyze: events over time', () => {
  it('counts each time bucket by severity, the same whether the file is read whole or in ranges', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.log');
    const levels = ['INFO', 'WARN', 'ERROR', 'DEBUG', 'INFO', 'INFO', 'ERROR'];
    // 3,000 lines over 50 minutes: the JSON histogram has minute buckets
    writeFileSync(file, Array.from({ length: 3000 }, (_, i) => {
      const t = new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
      return `${t} ${levels[(i * i) % levels.length]} worker ${i % 7} finished job ${i}\n`;
    }).join(''));
    const run = async (...extra: string[]) => {
      const res = await logmill(['analyze', file, '-o', 'json', ...extra]);
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout);
    };
    const whole = await run('--jobs', '1');
    const split = await run('--jobs', '2', '--split-min', '16KiB');
    expect(split.files[0].ranges).toBeGreaterThan(1);
    expect(split.histogram).toEqual(whole.histogram);
    const totals: Record<string, number> = {};
    for (const b of whole.histogram.buckets) {
      expect(Object.values(b.severity as Record<string, number>).reduce((a, n) => a + n, 0)).toBe(b.count);
      for (const [k, n] of Object.entries(b.severity as Record<string, number>)) totals[k] = (totals[k] ?? 0) + n;
    }
    const nonZero = Object.fromEntries(Object.entries(whole.severity as Record<string, number>).filter(([, n]) => n > 0));
    expect(totals).toEqual(nonZero);
  });
});

describe('analyze: inputs that go wrong', () => {
  it('reads .gz transparently and reports a truncated one, keeping the records before the cut', async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 5000 }, (_, i) => `2026-11-23 05:54:40 INFO line ${i} ${'x'.repeat(i % 50)}`).join('\n') + '\n';
    const gz = gzipSync(lines);
    writeFileSync(path.join(dir, 'ok.log.gz'), gz);
    writeFileSync(path.join(dir, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const ok = await analyzeJson(['ok.log.gz'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.json.files[0]).toMatchObject({ format: 'text', records: 5000 });
    const cut = await analyzeJson(['cut.log.gz'], { cwd: dir });
    expect(cut.code).toBe(1);
    expect(cut.stderr).toBe('logmill: cut.log.gz: truncated gzip data: the compressed stream ends early (records up to that point were read)\n');
    expect(cut.json.files[0].records).toBeGreaterThan(0);
    expect(cut.json.files[0].records).toBeLessThan(5000);
  });

  it('names each bad path and still reports the good ones (exit 1)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'good.log'), 'hello\n');
    writeFileSync(path.join(dir, 'secret.log'), 'x\n');
    chmodSync(path.join(dir, 'secret.log'), 0o000);
    mkdirSync(path.join(dir, 'emptydir'));
    const res = await analyzeJson(['good.log', 'missing.log', 'emptydir', '*.nomatch', ...(process.getuid?.() === 0 ? [] : ['secret.log'])], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.json.files.map((f: { path: string }) => f.path)).toContain('good.log');
    expect(res.stderr).toContain('logmill: missing.log: no such file or directory\n');
    expect(res.stderr).toContain('logmill: emptydir: directory holds no files\n');
    expect(res.stderr).toContain('logmill: *.nomatch: no files match this pattern\n');
  });

  it('fails one file on a record larger than --max-record, not the run', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'big.log'), 'a'.repeat(3 << 20) + '\n');
    writeFileSync(path.join(dir, 'small.log'), 'fine\n');
    const res = await analyzeJson(['big.log', 'small.log', '--max-record', '1MiB', '--chunk-size', '1MiB'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^logmill: \[text\] big\.log: a record starting at byte 0 is larger than 1 MiB \(raise --max-record to read it\)\n$/);
    expect(res.json.files[1]).toMatchObject({ path: 'small.log', records: 1 });
  });

  it('reads a line larger than the chunk size', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'long.log'), `2026-11-23 05:54:40 ERROR ${'y'.repeat(5 << 20)}\n2026-11-23 05:54:41 INFO after\n`);
    const res = await analyzeJson(['long.log', '--chunk-size', '1MiB'], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.json.severity).toMatchObject({ error: 1, info: 1 });
  });

  it('notes invalid UTF-8 with the first line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'latin1.log'), Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' ok\nplain\n')]));
    const res = await analyzeJson(['latin1.log'], { cwd: dir });
    expect(res.json.files[0].notes).toEqual(['1 line is not valid UTF-8 (first: line 1); invalid bytes read as U+FFFD']);
  });

  it('reads stdin with -', async () => {
    const res = await analyzeJson(['-'], { input: '{"level":"error","msg":"x"}\n{"level":"info","msg":"y"}\n' });
    expect(res.json.files[0]).toMatchObject({ path: '<stdin>', format: 'json', records: 2 });
  });

  it('exits 2 on a usage error', async () => {
    const res = await logmill(['analyze', 'x.log', '--level', 'loud']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('logmill: --level "loud": expected one of trace, debug, info, notice, warn, error, fatal\n');
  });
});

describe('parse', () => {
  it('prints NDJSON records in input order with their source', async () => {
    const res = await logmill(['parse', ...PLUGINS, 'logs-samples/orders.csv'], { cwd: REPO });
    const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(15);
    expect(records[0]).toMatchObject({ severity: expect.any(String), source: { file: 'logs-samples/orders.csv', line: 2 } });
    expect(records[0].ts).toMatch(/^2026-11-23T05:54:40\.\d{6}Z$/);
    expect(records[0].fields).toHaveProperty('order_id');
  });

  it('writes JSON numbers and booleans as numbers and booleans in NDJSON, as text in CSV and in --field (issue 10 item 2)', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'typed.ndjson'), '{"time":"2026-11-23T05:54:40Z","level":"info","msg":"a","status":503,"ms":12.5,"cached":true,"code":"007"}\n');
    const nd = await logmill(['parse', 'typed.ndjson'], { cwd });
    expect(JSON.parse(nd.stdout).fields).toStrictEqual({ status: 503, ms: 12.5, cached: true, code: '007' });
    const csv = await logmill(['parse', '--output', 'csv', 'typed.ndjson'], { cwd });
    expect(csv.stdout.split('\n')[1]).toBe('2026-11-23T05:54:40.000000Z,info,info,a,"{""status"":""503"",""ms"":""12.5"",""cached"":""true"",""code"":""007""}",typed.ndjson,1');
    const { json } = await analyzeJson(['typed.ndjson', '--field', 'status', '--field', 'cached'], { cwd });
    expect(json.fields).toEqual({ status: [{ value: '503', count: 1 }], cached: [{ value: 'true', count: 1 }] });
  });

  it('prints CSV with a fixed header', async () => {
    const res = await logmill(['parse', ...PLUGINS, '--output', 'csv', 'logs-samples/app.ndjson'], { cwd: REPO });
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe('ts,severity,severity_text,message,fields,file,line');
    expect(res.stderr).toMatch(/^logmill: logs-samples\/app\.ndjson:15: malformed: invalid JSON/);
  });

  it('ends quietly when the reader closes the pipe: status 0, no message, nothing left in TMPDIR', () => {
    const dir = tempDir();
    const tmp = tempDir();
    writeFileSync(path.join(dir, 'many.log'), Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n'));
    const script = `node ${CLI} parse many.log 2>stderr.txt | head -n 3; echo "status \${PIPESTATUS[0]}" >&2`;
    const res = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: cliEnv({ TMPDIR: tmp }) });
    expect(res.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(res.stderr).toBe('status 0\n');
    expect(readFileSync(path.join(dir, 'stderr.txt'), 'utf8')).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  });
});

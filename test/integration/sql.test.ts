/**
 * `logmill sql`: the parsed records in DuckDB's table `logs`, fed by the
 * same routing and workers as analyze and parse. Runs the built CLI; the
 * saved files are read back with DuckDB itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cliEnv, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';

const SAMPLES = path.join(REPO, 'logs-samples');

function fixture(): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'api.ndjson'), [
    JSON.stringify({ time: '2026-11-23T05:54:40.123456Z', level: 'info', msg: 'GET /api/orders', status: 200, path: '/api/orders', ok: true }),
    JSON.stringify({ time: '2026-11-23T05:54:41Z', level: 'error', msg: 'GET /api/pay', status: 502, path: '/api/pay', ok: false }),
    JSON.stringify({ time: '2026-11-23T05:54:42Z', level: 'warn', msg: 'slow \u001b[31mred\u001b[0m', status: 200, path: '/health' }),
  ].join('\n') + '\n');
  writeFileSync(path.join(dir, 'app.log'), [
    '2026-11-23 05:54:43 INFO started',
    '2026-11-23 05:54:44 ERROR boom',
    '    at a.b(C.java:1)',
    '2026-11-23 05:54:45 WARN after',
  ].join('\n') + '\n');
  return dir;
}

async function sqlJson(args: string[], cwd?: string) {
  const res = await logmill(['sql', ...args, '-o', 'json'], { cwd });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as Record<string, unknown>[];
}

describe('logmill sql', () => {
  it('counts the same records per severity as analyze, over the same routing', async () => {
    const analyze = await logmill(['analyze', '-o', 'json', SAMPLES]);
    const expected = Object.entries(JSON.parse(analyze.stdout).severity as Record<string, number>).filter(([, n]) => n > 0);
    const res = await logmill(['sql', 'SELECT severity, count(*) AS n FROM logs GROUP BY 1 ORDER BY 1', SAMPLES, '-o', 'json']);
    expect(res.code).toBe(analyze.code);
    const rows = JSON.parse(res.stdout) as { severity: string; n: number }[];
    expect(rows).toEqual(expected.map(([severity, n]) => ({ severity, n })).sort((a, b) => a.severity.localeCompare(b.severity)));
  });

  it('has every column: exact timestamps, file and line of each record, fields as JSON', async () => {
    const dir = fixture();
    const rows = await sqlJson(['SELECT ts, severity, severity_text, message, fields, file, line FROM logs ORDER BY file, line', 'api.ndjson', 'app.log'], dir);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({
      ts: '2026-11-23 05:54:40.123456', severity: 'info', severity_text: 'info', message: 'GET /api/orders',
      fields: expect.objectContaining({ path: '/api/orders' }), file: 'api.ndjson', line: 1,
    });
    expect(rows[4]).toMatchObject({ ts: '2026-11-23 05:54:44', severity: 'error', message: 'boom\n    at a.b(C.java:1)', file: 'app.log', line: 2 });
    expect(rows[5]).toMatchObject({ line: 4, severity: 'warn' });
  });

  it('queries fields with DuckDB JSON operators, numbers compared as numbers', async () => {
    const dir = fixture();
    const rows = await sqlJson([`SELECT fields->>'path' AS path FROM logs WHERE (fields->>'status')::INT >= 500`, 'api.ndjson'], dir);
    expect(rows).toEqual([{ path: '/api/pay' }]);
  });

  it('writes CSV with a header, and a table with control characters from the log shown, not sent', async () => {
    const dir = fixture();
    const csv = await logmill(['sql', "SELECT severity, message FROM logs WHERE file = 'app.log' ORDER BY line", 'app.log', '-o', 'csv'], { cwd: dir });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('severity,message\ninfo,started\nerror,"boom\n    at a.b(C.java:1)"\nwarn,after\n');
    const table = await logmill(['sql', "SELECT message FROM logs WHERE severity = 'warn'", 'api.ndjson'], { cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).toBe('message\n───────────────────\nslow ^[[31mred^[[0m\n(1 row)\n');
  });

  it('a SQL error is DuckDB\'s message on one line, exit 2, before any input is read', async () => {
    const dir = fixture();
    const res = await logmill(['sql', 'SELECT nope FROM logs', 'missing.log'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('logmill: sql: Binder Error: Referenced column "nope" not found in FROM clause!\n');
    // `part`, the column used while loading, is not there when the query is checked: no input is read (no warning about its malformed line).
    writeFileSync(path.join(dir, 'bad.ndjson'), '{"time": oops\n');
    const part = await logmill(['sql', 'SELECT part FROM logs', 'bad.ndjson'], { cwd: dir });
    expect(part).toMatchObject({ code: 2, stdout: '', stderr: 'logmill: sql: Binder Error: Referenced column "part" not found in FROM clause!\n' });
    const syntax = await logmill(['sql', 'SELEC 1', 'app.log'], { cwd: dir });
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toBe('logmill: sql: Parser Error: syntax error at or near "SELEC"\n');
  });

  it('spills to a private temporary directory, removed at exit, never to .tmp in the current directory', async () => {
    const dir = fixture();
    const [{ t }] = await sqlJson([`SELECT current_setting('temp_directory') AS t`, 'app.log'], dir) as { t: string }[];
    expect(t.startsWith(path.join(tmpdir(), 'logmill-sql-'))).toBe(true);
    expect(existsSync(t)).toBe(false);
    expect(existsSync(path.join(dir, '.tmp'))).toBe(false);
  });

  it('a failed input fails alone: the others are queried, exit 1 with the reason', async () => {
    const dir = fixture();
    const res = await logmill(['sql', 'SELECT count(*) AS n FROM logs', 'app.log', 'missing.log', '-o', 'json'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual([{ n: 3 }]);
    expect(res.stderr).toMatch(/^logmill: missing\.log: .+\n$/);
  });

  it('--save keeps the table as a DuckDB database or a Parquet file that DuckDB reads back', async () => {
    const dir = fixture();
    const res = await logmill(['sql', 'SELECT 1 AS one', 'api.ndjson', 'app.log', '--save', 'logs.duckdb'], { cwd: dir });
    expect(res.code).toBe(0);
    const pq = await logmill(['sql', 'SELECT 1 AS one', 'api.ndjson', 'app.log', '--save', 'logs.parquet'], { cwd: dir });
    expect(pq.code).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run(`ATTACH '${path.join(dir, 'logs.duckdb')}' AS saved (READ_ONLY)`);
      const saved = (await c.runAndReadAll('SELECT count(*)::INT AS n, max(ts)::VARCHAR AS last FROM saved.logs')).getRowObjectsJson();
      expect(saved).toEqual([{ n: 6, last: '2026-11-23 05:54:45' }]);
      const parquet = (await c.runAndReadAll(`SELECT count(*)::INT AS n, count(DISTINCT file)::INT AS files FROM '${path.join(dir, 'logs.parquet')}'`)).getRowObjectsJson();
      expect(parquet).toEqual([{ n: 6, files: 2 }]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
    const bad = await logmill(['sql', 'SELECT 1', 'app.log', '--save', 'logs.csv'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('logmill: --save logs.csv: name a .duckdb or a .parquet file\n');
  });
});

/** A text log with stack traces (records of several lines) and an NDJSON log with malformed lines, each ~300 KB. */
function splittable(): string {
  const dir = tempDir();
  const at = (i: number) => new Date(Date.UTC(2026, 10, 23, 5, 0, 0) + i * 250).toISOString();
  writeFileSync(path.join(dir, 'app.log'), Array.from({ length: 4000 }, (_, i) => {
    const head = `${at(i).replace('T', ' ').slice(0, 23)} ${['INFO', 'WARN', 'ERROR', 'DEBUG'][i % 4]} worker ${i % 7} step ${i} ${'x'.repeat(i % 40)}\n`;
    return i % 9 === 0 ? head + `java.lang.IllegalStateException: step ${i}\n${'    at a.b.C.d(C.java:1)\n'.repeat(i % 5)}` : head;
  }).join(''));
  writeFileSync(path.join(dir, 'api.ndjson'), Array.from({ length: 3000 }, (_, i) => (i % 250 === 17
    ? `{"time": "${at(i)}", "msg": "cut off\n`
    : JSON.stringify({ time: at(i), level: i % 5 ? 'info' : 'error', msg: `GET /api/${i}`, status: i % 5 ? 200 : 503, ok: i % 5 !== 0, ms: i / 8 }) + '\n')).join(''));
  return dir;
}

describe('logmill sql: values at the edges of the columns', () => {
  it('NULL times where records have none (in one chunk of 2048 rows and not the next), times before 1970, long and non-ASCII level texts', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'e.ndjson'), Array.from({ length: 5000 }, (_, i) => JSON.stringify({
      ...(i < 100 || i === 4999 ? {} : { time: new Date(Date.UTC(1969, 11, 31, 23, 0, 0) + i * 1500).toISOString() }),
      level: ['AVERTISSEMENT_LONG', 'ÉRREUR', 'info'][i % 3], msg: `m${i}`, n: i, ok: i % 2 === 0,
    }) + '\n').join(''));
    const rows = await sqlJson([`SELECT count(*) AS n, count(ts) AS timed, count(*) FILTER (ts IS NULL AND (line <= 100 OR line = 5000)) AS untimed,
      min(ts)::VARCHAR AS first, string_agg(DISTINCT severity_text, ',' ORDER BY severity_text) AS texts, sum(line) AS lines,
      count(*) FILTER (json_type(fields->'n') = 'UBIGINT' AND json_type(fields->'ok') = 'BOOLEAN') AS typed FROM logs`, 'e.ndjson'], dir);
    expect(rows).toEqual([{ n: 5000, timed: 4899, untimed: 101, first: '1969-12-31 23:02:30', texts: 'AVERTISSEMENT_LONG,info,ÉRREUR', lines: 5000 * 5001 / 2, typed: 5000 }]);
  });
});

describe('logmill sql: large files split across workers', () => {
  it('gives the same table as --jobs 1, file and line included, and the same malformed lines', async () => {
    const dir = splittable();
    const query = 'SELECT file, line, ts, severity, severity_text, message, fields FROM logs ORDER BY file, line';
    const split = ['--jobs', '3', '--split-min', '64KiB'];
    const plan = await logmill(['analyze', '-o', 'json', 'app.log', 'api.ndjson', ...split], { cwd: dir });
    expect((JSON.parse(plan.stdout).files as { ranges: number }[]).map((f) => f.ranges > 1)).toEqual([true, true]);
    const whole = await logmill(['sql', query, 'app.log', 'api.ndjson', '-o', 'csv', '--jobs', '1'], { cwd: dir });
    const parts = await logmill(['sql', query, 'app.log', 'api.ndjson', '-o', 'csv', ...split], { cwd: dir });
    expect(whole.code).toBe(0); // malformed lines are warned about, not failures
    expect(whole.stdout.split('\n').filter((l) => /^(app\.log|api\.ndjson),\d+,/.test(l))).toHaveLength(7000 - 12);
    expect(whole.stderr).toContain('api.ndjson:18: malformed: ');
    expect(whole.stderr).toContain('api.ndjson:2768: malformed: ');
    expect(parts.code).toBe(whole.code);
    expect(parts.stdout).toBe(whole.stdout);
    expect(parts.stderr.split('\n').sort()).toEqual(whole.stderr.split('\n').sort());
  }, 60_000);

  it('a split that does not line up leaves no rows of that file, as analyze gives no result for it', async () => {
    const dir = tempDir();
    // A quoted CSV field holding lines that look like records: a resync in the middle takes one for a boundary.
    const fake = Array.from({ length: 4000 }, (_, i) => `2026-11-23T05:00:00Z,INFO,fake ${i}`).join('\n');
    writeFileSync(path.join(dir, 'q.csv'), `time,level,message\n2026-11-23T05:00:00Z,INFO,"${fake}"\n`
      + Array.from({ length: 4000 }, (_, i) => `2026-11-23T05:00:01Z,WARN,real ${i}`).join('\n') + '\n');
    const analyze = await logmill(['analyze', '-o', 'json', 'q.csv', '--jobs', '3', '--split-min', '64KiB'], { cwd: dir });
    const sql = await logmill(['sql', 'SELECT count(*) AS n FROM logs', 'q.csv', '-o', 'json', '--jobs', '3', '--split-min', '64KiB'], { cwd: dir });
    expect(JSON.parse(analyze.stdout).files[0].error).toContain('records do not line up');
    expect(sql.code).toBe(1);
    expect(JSON.parse(sql.stdout)).toEqual([{ n: 0 }]);
    expect(sql.stderr).toContain('records do not line up');
  }, 60_000);
});

describe('logmill sql: progress', () => {
  /** 40 MiB of NDJSON (progress shows past 32 MiB read) in few long records, cheap to load. */
  function big(): string {
    const dir = tempDir();
    const line = (i: number) => JSON.stringify({ time: '2026-11-23T05:54:40Z', level: 'info', msg: `${i} ${'y'.repeat(4000)}` }) + '\n';
    writeFileSync(path.join(dir, 'big.ndjson'), Array.from({ length: 10_300 }, (_, i) => line(i)).join(''));
    return dir;
  }

  it('shows percent and time left on a terminal, cleared before the result; nothing on a pipe', async () => {
    const dir = big();
    const cmd = `"${process.execPath}" "${CLI}" sql "SELECT count(*) AS n FROM logs" big.ndjson -o csv --jobs 1`;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: cliEnv(), encoding: 'utf8' });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/logmill: \d+ MiB of 40 MiB \(\d+%\), \d+ MiB\/s, about \S+ left/);
    const clear = tty.stdout.lastIndexOf('\r\u001b[2K');
    expect(clear).toBeGreaterThan(0);
    expect(tty.stdout.slice(clear + 5).replace(/\r/g, '')).toBe('n\n10300\n');
    const piped = await logmill(['sql', 'SELECT count(*) AS n FROM logs', 'big.ndjson', '-o', 'csv', '--jobs', '1'], { cwd: dir });
    expect(piped).toMatchObject({ code: 0, stdout: 'n\n10300\n', stderr: '' });
  }, 120_000);
});

describe('the README', () => {
  it('runs every `logmill sql` example of its sql section as written', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### `logmill sql QUERY'));
    const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('```', section.indexOf('```sh\n') + 6));
    const examples = block.split('\n').filter((l) => l.startsWith('logmill sql '));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const dir = tempDir();
    symlinkSync(SAMPLES, path.join(dir, 'logs-samples'));
    for (const example of examples) {
      const res = spawnSync('sh', ['-c', `logmill() { "${process.execPath}" "${CLI}" "$@"; }\n${example}`], { cwd: dir, env: cliEnv(), encoding: 'utf8' });
      // The samples hold malformed input on purpose: exit 1 with those reported; never a SQL error (exit 2).
      expect({ example, ok: res.status === 0 || res.status === 1, sqlError: /logmill: sql:/.test(res.stderr) })
        .toEqual({ example, ok: true, sqlError: false, ...(res.status === 0 || res.status === 1 ? {} : { status: res.status, error: res.error?.message, stderr: res.stderr }) });
      expect(res.stdout.length).toBeGreaterThan(0);
    }
    expect(existsSync(path.join(dir, 'logs.duckdb'))).toBe(true);
  }, 300_000); // four full runs over the samples

  it('its example of querying typed fields prints what the README shows', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('Fields keep the type their format gives them'));
    const [, example, shown] = /```sh\n(logmill sql [^\n]+)\n```\n```\n([^`]+)```/.exec(section) ?? [];
    expect(example).toContain("fields->'status'");
    const dir = tempDir();
    symlinkSync(SAMPLES, path.join(dir, 'logs-samples'));
    const res = spawnSync('sh', ['-c', `logmill() { "${process.execPath}" "${CLI}" "$@"; }\n${example}`], { cwd: dir, env: cliEnv(), encoding: 'utf8' });
    expect(res.stdout).toBe(shown);
    expect(res.stderr).not.toMatch(/logmill: sql:/);
  });
});

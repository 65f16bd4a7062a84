/**
 * Splitting a large file into byte ranges across workers must not change the
 * answer: the same summary, down to the line numbers of the examples, with
 * --jobs 1 (one pass) and --jobs N (ranges). Files are made just large
 * enough with a small --split-min; each case also checks, through the
 * report's per-file `ranges`, that the split it relies on really happened
 * (or, for gzip, really did not).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cliEnv, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';


/** A seeded generator, so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const MiB = 1 << 20;

function stamp(i: number): string {
  return new Date(Date.UTC(2026, 10, 23, 5, 0, 0) + i * 997).toISOString();
}

function textLog(lines: number, seed = 7): string {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const level = LEVELS[Math.floor(r() * LEVELS.length)];
    out.push(`${stamp(i)} ${level} [worker-${Math.floor(r() * 8)}] request ${Math.floor(r() * 1e6)} took ${Math.floor(r() * 900)} ms`);
    if (level === 'ERROR' && r() < 0.5) out.push('java.lang.IllegalStateException: boom', '\tat a.B.c(B.java:1)', '\tat a.B.d(B.java:2)');
    if (r() < 0.01) out.push('');
  }
  return out.join('\n') + '\n';
}

function ndjson(lines: number, seed = 11): string {
  const r = rng(seed);
  return Array.from({ length: lines }, (_, i) => (r() < 0.002 ? '{"broken": ' : JSON.stringify({
    ts: new Date(Date.UTC(2026, 10, 23) + i * 1000).toISOString(), level: LEVELS[Math.floor(r() * LEVELS.length)].toLowerCase(),
    msg: `user ${Math.floor(r() * 100)} did ${Math.floor(r() * 10)} things`, user: `u${Math.floor(r() * 5)}`,
  }))).join('\n') + '\n';
}

function accessLog(lines: number): string {
  const r = rng(13);
  return Array.from({ length: lines }, (_, i) => {
    const status = [200, 200, 200, 304, 404, 500][Math.floor(r() * 6)];
    const sec = String(i % 60).padStart(2, '0');
    const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
    return `10.0.0.${Math.floor(r() * 255)} - - [23/Nov/2026:05:${min}:${sec} +0000] "GET /item/${Math.floor(r() * 1000)} HTTP/1.1" ${status} ${Math.floor(r() * 5000)} "-" "curl/8.0"`;
  }).join('\n') + '\n';
}

/** Lines whose ids are random hex (md5 of the line number): gzip shrinks them only about 3×. */
function hexIdLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const id = createHash('md5').update(String(i)).digest('hex');
    out.push(`${stamp(i)} ${LEVELS[i % LEVELS.length]} request ${id} trace ${id.split('').reverse().join('')} done`);
  }
  return out.join('\n') + '\n';
}

async function analyze(dir: string, name: string, args: string[]) {
  const res = await logmill(['analyze', '--output', 'json', '--plugins', path.join(REPO, 'plugins'), ...args, name], { cwd: dir });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout);
}

/** MariaDB's header, as its general and slow logs start (test/fixtures/text/mariadb-*.log). */
const MARIADB_HEADER = 'mariadbd, Version: 10.11.19-MariaDB-0+deb12u1-log (Debian 12). started with:\nTcp port: 3399  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n';

/** `261126  5:21:57`: MariaDB's stamp in its general and slow logs, the hour padded with a space. */
function mariadbStamp(second: number): string {
  const h = Math.floor(second / 3600) % 24;
  return `261126 ${String(h).padStart(2, ' ')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
}

/** MariaDB's general log (its shape: test/fixtures/text/mariadb-general.log): the time only when the second changes. */
function mariadbGeneral(entries: number): string {
  const r = rng(17);
  const out = [MARIADB_HEADER];
  for (let i = 0, second = 0; i < entries; i++) {
    const thread = `${Math.floor(r() * 90)}`.padStart(6, ' ');
    const query = r() < 0.2 ? `select *\nfrom t${i}\nwhere id = ${i}` : `select ${i}`;
    if (r() < 0.05) out.push(`${mariadbStamp(++second)}\t${thread} Query\t${query}\n`);
    else out.push(`\t\t${thread} Query\t${query}\n`);
  }
  return out.join('');
}

/** MariaDB's slow query log (test/fixtures/text/mariadb-slow.log): `# Time:` only when the second changes. */
function mariadbSlow(entries: number): string {
  const r = rng(19);
  const out = [MARIADB_HEADER];
  for (let i = 0, second = 0; i < entries; i++) {
    if (r() < 0.1) out.push(`# Time: ${mariadbStamp(++second)}\n`);
    out.push(`# User@Host: root[root] @ localhost []\n# Thread_id: ${i % 90}  Schema: shop  QC_hit: No\n`
      + `# Query_time: 0.000${Math.floor(r() * 900)}  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 0\n# Rows_affected: 0  Bytes_sent: 66\n`
      + `SET timestamp=${1795670517 + second};\n${r() < 0.3 ? `select *\nfrom t\nwhere id = ${i};` : `select ${i};`}\n`);
  }
  return out.join('');
}

/** The report without the per-file `ranges` count, which says how the work was cut, not what was found. */
function answer(report: { files: { ranges?: number }[] }) {
  return { ...report, files: report.files.map(({ ranges: _, ...f }) => f) };
}

describe('split files give the same summary as one pass', () => {
  it.each([
    ['app.log', () => textLog(40_000)],
    ['app.ndjson', () => ndjson(30_000)],
    ['access.log', () => accessLog(30_000)],
    // An entry without a stamp of its own starts a record only after the lines before it.
    ['general.log', () => mariadbGeneral(30_000)],
    ['slow.log', () => mariadbSlow(12_000)],
  ])('%s', async (name, make) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, name), make());
    const common = ['--chunk-size', '64KiB', '--field', 'user'];
    const one = await analyze(dir, name, [...common, '--jobs', '1']);
    const split = await analyze(dir, name, [...common, '--jobs', '4', '--split-min', '256KiB']);
    expect(one.records).toBeGreaterThan(10_000);
    expect(one.files[0].ranges).toBe(1);
    expect(split.files[0].ranges).toBeGreaterThan(1);
    expect(answer(split)).toEqual(answer(one));
  });
});

describe('gzip input is never split by byte range (design review B1)', () => {
  it('a .gz larger than --split-min gives the same answer for --jobs 1, 2 and 4', async () => {
    const dir = tempDir();
    const gz = gzipSync(hexIdLog(120_000), { level: 1 });
    writeFileSync(path.join(dir, 'rand.log.gz'), gz);
    // The compressed file itself is past --split-min: before the fix, its compressed bytes were cut into ranges.
    expect(gz.length).toBeGreaterThan(2 * MiB);
    const common = ['--split-min', '1MiB', '--chunk-size', '1MiB'];
    const one = await analyze(dir, 'rand.log.gz', [...common, '--jobs', '1']);
    expect(one.records).toBe(120_000);
    expect(one.files[0].ranges).toBe(1);
    for (const jobs of ['2', '4']) {
      const many = await analyze(dir, 'rand.log.gz', [...common, '--jobs', jobs]);
      expect(answer(many)).toEqual(answer(one));
      expect(many.files[0].ranges).toBe(1);
    }
  }, 300_000);
});

/**
 * A line longer than a chunk (audit B14, B14b): the range that starts inside
 * it must read on to the line's end, and the range before must finish it.
 * Layout: 4.5 MiB of lines, one 3 MiB line, 5 MiB of lines. Cut into six
 * ranges of about 2.1 MiB, a range starts at 6.25 MiB, 1.25 MiB before the
 * long line's end: its first 1 MiB chunk holds no line start, and the
 * records after the long line are in that range.
 */
describe('a range whose first chunk has no record boundary loses nothing', () => {
  const longText = (i: number) => `${stamp(i)} INFO payload ${'x'.repeat(3 * MiB)}`;
  const longJson = (i: number) => JSON.stringify({ ts: stamp(i), level: 'info', msg: 'payload', blob: 'x'.repeat(3 * MiB) });
  const around = (make: (lines: number, seed: number) => string, long: (i: number) => string) => {
    const perLine = Buffer.byteLength(make(1000, 3)) / 1000;
    const before = Math.round((4.5 * MiB) / perLine);
    return make(before, 3) + long(before) + '\n' + make(Math.round((5 * MiB) / perLine), 5);
  };
  // Records a one-pass reader must find: timestamped lines (text), non-empty lines (NDJSON, records + malformed).
  const stamped = (s: string) => s.split('\n').filter((l) => /^2026-/.test(l)).length;
  const nonEmpty = (s: string) => s.split('\n').filter((l) => l.trim() !== '').length;
  it.each([
    ['long-line.log', () => around(textLog, longText), stamped],
    ['long-line.ndjson', () => around(ndjson, longJson), nonEmpty],
  ])('%s: --jobs 1 and --jobs 4 agree, the records after the long line count', async (name, make, count) => {
    const dir = tempDir();
    const content = make();
    writeFileSync(path.join(dir, name), content);
    const common = ['--chunk-size', '1MiB', '--split-min', '4MiB', '--top', '3'];
    const one = await analyze(dir, name, [...common, '--jobs', '1']);
    const split = await analyze(dir, name, [...common, '--jobs', '4']);
    expect(split.files[0].ranges).toBe(6);
    expect(split.records + split.malformed).toBe(count(content));
    expect(answer(split)).toEqual(answer(one));
  }, 300_000);

  it('normal line, 6 MiB line, normal line: 3 records for every --jobs', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'three.log'), `${stamp(0)} INFO first\n${stamp(1)} WARN ${'y'.repeat(6 * MiB)}\n${stamp(2)} ERROR third\n`);
    for (const jobs of ['1', '2', '3', '4']) {
      const r = await analyze(dir, 'three.log', ['--chunk-size', '1MiB', '--split-min', '1MiB', '--jobs', jobs, '--top', '3']);
      expect({ jobs, records: r.records, errors: r.errors.map((e: { message: string }) => e.message) }).toEqual({ jobs, records: 3, errors: ['third'] });
      if (jobs !== '1') expect(r.files[0].ranges).toBeGreaterThan(1);
    }
  }, 300_000);
});

describe('progress over split ranges', () => {
  it('counts every range of a split file once: the bytes read only grow, and never pass the total', async () => {
    const dir = tempDir();
    // 48 MiB of long lines (progress shows past 32 MiB), cheap to parse; split into four ranges on two workers.
    const line = (i: number) => `${stamp(i)} INFO request ${i} ${'z'.repeat(4000)}\n`;
    writeFileSync(path.join(dir, 'big.log'), Array.from({ length: 12_300 }, (_, i) => line(i)).join(''));
    const cmd = `"${process.execPath}" "${CLI}" analyze big.log --jobs 2 --split-min 8MiB -o json`;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: cliEnv(), encoding: 'utf8' });
    expect(tty.status).toBe(0);
    const shown = [...tty.stdout.matchAll(/logmill: (\d+) MiB of (\d+) MiB/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(shown.length).toBeGreaterThan(0);
    for (let i = 0; i < shown.length; i++) {
      expect(shown[i][0]).toBeLessThanOrEqual(shown[i][1]);
      if (i > 0) expect(shown[i][0], `progress went from ${shown[i - 1][0]} to ${shown[i][0]} MiB`).toBeGreaterThanOrEqual(shown[i - 1][0]);
    }
    expect(JSON.parse(tty.stdout.slice(tty.stdout.indexOf('{'))).files[0].ranges).toBeGreaterThan(1);
  }, 120_000);
});

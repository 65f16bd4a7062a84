/**
 * Splitting a large file into byte ranges across workers must not change the
 * answer: the same summary, down to the line numbers of the examples, with
 * --jobs 1 (one pass) and --jobs N (ranges). Files are made just large
 * enough with a small --split-min; each case also checks, through the
 * report's per-file `ranges`, that the split it relies on really happened
 * (or, for gzip, really did not).
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function scratchDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

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

/** The report without the per-file `ranges` count, which says how the work was cut, not what was found. */
function answer(report: { files: { ranges?: number }[] }) {
  return { ...report, files: report.files.map(({ ranges: _, ...f }) => f) };
}

describe('split files give the same summary as one pass', () => {
  it.each([
    ['app.log', () => textLog(40_000)],
    ['app.ndjson', () => ndjson(30_000)],
    ['access.log', () => accessLog(30_000)],
  ])('%s', async (name, make) => {
    const dir = scratchDir();
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
    const dir = scratchDir();
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

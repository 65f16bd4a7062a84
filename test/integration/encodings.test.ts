/**
 * Logs that are text but do not look like plain UTF-8 at first sight: NUL
 * holes (what copytruncate leaves with a writer that does not use
 * O_APPEND: audit B13, B13b, D10) and UTF-16 with a byte-order mark
 * (Windows: B12). They are analyzed like the plain file, with a note. Real
 * binary files are still refused.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';


const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'];

/** `n` timestamped lines, numbered from `from`. */
function lines(n: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + n; i++) {
    out += `${new Date(Date.UTC(2026, 10, 23, 5, 0, 0) + i * 1000).toISOString()} ${LEVELS[i % 4]} job ${i} finished in ${(i * 7) % 500} ms\n`;
  }
  return out;
}

const nuls = (n: number) => Buffer.alloc(n);

async function analyze(dir: string, args: string[]) {
  const res = await logmill(['analyze', '--output', 'json', '--plugins', path.join(dir, 'no-plugins'), ...args], { cwd: dir });
  return { ...res, json: res.stdout ? JSON.parse(res.stdout) : undefined };
}

function setup(files: Record<string, Buffer | string>): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'no-plugins'));
  mkdirSync(path.join(dir, 'logs'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, 'logs', name), content);
  return dir;
}

describe('a log with NUL bytes is analyzed, not refused as binary', () => {
  it.each([
    ['a 16 KiB hole at the head (copytruncate)', 16 << 10],
    ['a 200 KiB hole, longer than the head routing reads', 200 << 10],
  ])('%s: every line after it is a record, the hole is a note', async (_, hole) => {
    const dir = setup({ 'app.log': Buffer.concat([nuls(hole), Buffer.from(lines(2000))]) });
    for (const target of ['logs/app.log', 'logs']) {
      const { code, json, stderr } = await analyze(dir, ['--chunk-size', '64KiB', target]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(json.records).toBe(2000);
      expect(json.files[0]).toMatchObject({ format: 'text', records: 2000, error: null });
      expect(json.files[0].notes).toContain(`${hole} NUL bytes skipped (a sparse hole, as copytruncate leaves)`);
    }
  });

  it('a hole after 1 MB does not merge the next line into the one before (B13b)', async () => {
    const before = lines(20_000);
    const dir = setup({ 'app.log': Buffer.concat([Buffer.from(before), nuls(4096), Buffer.from(lines(1000, 20_000))]) });
    expect(before.length).toBeGreaterThan(1_000_000);
    const { code, json } = await analyze(dir, ['--chunk-size', '64KiB', 'logs/app.log']);
    expect(code).toBe(0);
    expect(json.records).toBe(21_000);
    expect(json.files[0].notes).toContain('4096 NUL bytes skipped (a sparse hole, as copytruncate leaves)');
  });

  it('a hole cut by byte ranges loses nothing and counts nothing twice', async () => {
    // 1.5 MiB of lines, a 3 MiB hole, 1.5 MiB of lines: range starts fall inside the hole.
    const half = lines(20_000);
    const dir = setup({ 'app.log': Buffer.concat([Buffer.from(half), nuls(3 << 20), Buffer.from(lines(20_000, 20_000))]) });
    const common = ['--chunk-size', '1MiB', '--split-min', '1MiB', 'logs/app.log'];
    const one = await analyze(dir, [...common, '--jobs', '1']);
    const split = await analyze(dir, [...common, '--jobs', '4']);
    expect(split.json.files[0].ranges).toBeGreaterThan(1);
    expect(one.json.records).toBe(40_000);
    expect(split.json.records).toBe(40_000);
    expect(split.json.patterns).toEqual(one.json.patterns);
    expect(one.json.files[0].notes).toEqual([`${3 << 20} NUL bytes skipped (a sparse hole, as copytruncate leaves)`]);
    expect(split.json.files[0].notes).toEqual(one.json.files[0].notes);
  });

  it('one NUL inside one line: both lines are records (B13)', async () => {
    const dir = setup({ 'app.log': `2026-11-23T05:00:00Z INFO start\n2026-11-23T05:00:01Z ERROR bad \0 byte\n` });
    const { code, json } = await analyze(dir, ['logs/app.log']);
    expect(code).toBe(0);
    expect(json.records).toBe(2);
    expect(json.errors[0].message).toBe('bad \0 byte');
  });

  it('binary files are still refused: an ELF executable and random bytes', async () => {
    let seed = 42;
    const random = Buffer.alloc(100_000, 0).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16);
    const dir = setup({ 'random.dat': random });
    copyFileSync('/bin/ls', path.join(dir, 'logs', 'ls'));
    for (const name of ['ls', 'random.dat']) {
      const { code, stderr } = await analyze(dir, [`logs/${name}`]);
      expect(code).toBe(1);
      expect(stderr).toContain(`logs/${name}: binary data: no processor recognizes this content`);
    }
  });
});

describe('UTF-16 logs with a byte-order mark are decoded (B12)', () => {
  // One error, the last line, with characters outside ASCII and outside the BMP.
  const text = lines(3000).replaceAll(' ERROR ', ' WARN ') + '2026-11-23T06:00:00Z ERROR naïve café ☕ 😀 failed\n';
  const utf16le = Buffer.from('\ufeff' + text, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();

  it.each([
    ['utf16le.log', utf16le, 'UTF-16LE'],
    ['utf16be.log', utf16be, 'UTF-16BE'],
  ])('%s analyzes like the UTF-8 file, with a note', async (name, bytes, label) => {
    const dir = setup({ 'utf8.log': text, [name]: bytes });
    const plain = await analyze(dir, ['logs/utf8.log']);
    const wide = await analyze(dir, [`logs/${name}`]);
    expect(wide.stderr).toBe('');
    expect(wide.code).toBe(0);
    const answer = (j: { records: number; severity: object; timeRange: object; errors: { message: string }[] }) =>
      ({ records: j.records, severity: j.severity, timeRange: j.timeRange, errors: j.errors.map((e) => e.message) });
    expect(answer(wide.json)).toEqual(answer(plain.json));
    expect(wide.json.records).toBe(3001);
    expect(wide.json.errors.map((e: { message: string }) => e.message)).toEqual(['naïve café ☕ 😀 failed']);
    expect(wide.json.files[0].notes).toContain(`read as ${label} (it starts with a byte-order mark), transcoded to UTF-8`);
    expect(wide.json.files[0].ranges).toBe(1);
  });

  it('a UTF-16 file larger than --split-min is read in one pass', async () => {
    const big = Buffer.from('\ufeff' + lines(40_000), 'utf16le');
    const dir = setup({ 'big.log': big });
    const { code, json } = await analyze(dir, ['--split-min', '1MiB', '--jobs', '4', 'logs/big.log']);
    expect(big.length).toBeGreaterThan(4 << 20);
    expect(code).toBe(0);
    expect(json.files[0].ranges).toBe(1);
    expect(json.records).toBe(40_000);
  });
});

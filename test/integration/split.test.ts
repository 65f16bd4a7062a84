/**
 * Splitting a large file into byte ranges across workers must not change the
 * answer: the same summary, down to the line numbers of the examples, with
 * --jobs 1 (one pass) and --jobs 4 (ranges). Files are made just large
 * enough with a small --split-min.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** A seeded generator, so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

function textLog(lines: number): string {
  const r = rng(7);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = new Date(Date.UTC(2026, 10, 23, 5, 0, 0) + i * 997).toISOString();
    const level = LEVELS[Math.floor(r() * LEVELS.length)];
    out.push(`${t} ${level} [worker-${Math.floor(r() * 8)}] request ${Math.floor(r() * 1e6)} took ${Math.floor(r() * 900)} ms`);
    if (level === 'ERROR' && r() < 0.5) out.push('java.lang.IllegalStateException: boom', '\tat a.B.c(B.java:1)', '\tat a.B.d(B.java:2)');
    if (r() < 0.01) out.push('');
  }
  return out.join('\n') + '\n';
}

function ndjson(lines: number): string {
  const r = rng(11);
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

describe('split files give the same summary as one pass', () => {
  it.each([
    ['app.log', () => textLog(40_000)],
    ['app.ndjson', () => ndjson(30_000)],
    ['access.log', () => accessLog(30_000)],
  ])('%s', async (name, make) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, name), make());
    const common = ['analyze', '--output', 'json', '--plugins', path.join(REPO, 'plugins'), '--chunk-size', '64KiB', '--field', 'user', name];
    const one = await logmill([...common, '--jobs', '1'], { cwd: dir });
    const split = await logmill([...common, '--jobs', '4', '--split-min', '256KiB'], { cwd: dir });
    expect(one.code).toBe(0);
    expect(split.code).toBe(0);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(split.stdout);
    expect(a.records).toBeGreaterThan(10_000);
    expect(b).toEqual(a);
  });
});

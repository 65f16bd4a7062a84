/**
 * The plugin SDKs besides Go's (test/integration/go.test.ts): the Rust crate
 * in contract/rust (`cargo test --offline`: batch encoder, panic
 * containment, the shared timestamp vectors) and the C time helper
 * contract/logmill_time.h, fed the same vectors from
 * contract/testdata/timestamps.json. Go, C and Rust must give every vector
 * its expected answer, so they parse every one identically.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

interface Vector { text: string; tz?: string; ref?: string; epoch?: boolean; expect: string | null }
const VECTORS: Vector[] = JSON.parse(readFileSync(path.join(REPO, 'contract/testdata/timestamps.json'), 'utf8')).cases;

describe('plugin SDKs for Rust and C', () => {
  it('the Rust crate passes `cargo test --offline` (batch, panics, timestamp vectors)', () => {
    const r = spawnSync('cargo', ['test', '--offline', '--quiet'], { cwd: path.join(REPO, 'contract/rust'), encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/test result: ok\. [1-9]\d* passed/);
    expect(out).not.toMatch(/FAILED/);
  }, 600_000);

  it('logmill_time.h gives every timestamp vector its expected answer', () => {
    const bin = path.join(tempDir(), 'time_vectors');
    execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-I', path.join(REPO, 'contract'), '-o', bin, path.join(REPO, 'contract/test/time_vectors.c')], { stdio: ['ignore', 'ignore', 'inherit'] });
    const input = VECTORS.map((v) => `${v.text}\t${v.tz ?? ''}\t${v.ref ?? ''}\t${v.epoch ? 1 : 0}\n`).join('');
    const out = execFileSync(bin, { input, encoding: 'utf8' }).split('\n').slice(0, -1);
    expect(out).toHaveLength(VECTORS.length);
    const wrong = VECTORS.map((v, i) => ({ ...v, got: out[i] })).filter((v) => v.got !== (v.expect ?? '-'));
    expect(wrong).toEqual([]);
  });

  it('logmill_time.h refuses zones like the Go SDK', () => {
    const bin = path.join(tempDir(), 'time_vectors');
    execFileSync('gcc', ['-O2', '-Wall', '-Werror', '-I', path.join(REPO, 'contract'), '-o', bin, path.join(REPO, 'contract/test/time_vectors.c')]);
    const cases = ['Mars/Olympus', '+25:00', '../../etc/passwd', 'UTC+1', 'Asia/Tokyo', '-0530'];
    const out = execFileSync(bin, { input: cases.map((tz) => `2026-01-01 00:00:00\t${tz}\t\t0\n`).join(''), encoding: 'utf8' }).split('\n');
    expect(out.slice(0, 6)).toEqual([
      '!tz: unknown tz "Mars/Olympus" (want an IANA zone name, UTC, local or ±hh:mm)',
      '!tz: bad tz offset "+25:00" (want ±hh:mm)',
      '!tz: unknown tz "../../etc/passwd" (want an IANA zone name, UTC, local or ±hh:mm)',
      '2025-12-31T23:00:00.000000Z',
      '2025-12-31T15:00:00.000000Z',
      '2026-01-01T05:30:00.000000Z',
    ]);
  });
});

/**
 * The Go side of the contract is tested by Go's own test runner: the SDK
 * (batch encoder, the shared timestamp vectors in contract/testdata, which
 * the TypeScript suite runs too) and the bundled csv and xml plugins. This
 * runs `make -C plugins test` so that `npm test`, and therefore CI, fails
 * when any of them does.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';

describe('Go SDK and Go plugins', () => {
  it('pass `make -C plugins test` (SDK, timestamp vectors, csv, xml)', () => {
    const r = spawnSync('make', ['-s', '-C', 'plugins', 'test'], { cwd: REPO, encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).not.toMatch(/^(FAIL|--- FAIL)/m);
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/ok\s+\S*logmill/);
  }, 600_000);
});

/**
 * `npm ci` refuses a lock file that lacks an optional dependency of a locked
 * package ("Missing: @duckdb/node-bindings-darwin-arm64 from lock file").
 * npm can write such a lock when it re-resolves from a node_modules that
 * holds only this machine's platform package (npm/cli#4828): DuckDB's
 * prebuilt bindings come as one optional package per platform, and a lock
 * with only linux-x64 broke `npm ci` everywhere. This keeps every platform's
 * package in the lock, so `npm ci` works on each of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';

interface Locked { optionalDependencies?: Record<string, string> }

describe('package-lock.json', () => {
  it('locks every optional (per-platform) dependency of every locked package', () => {
    const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked> };
    const missing: string[] = [];
    for (const [where, pkg] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
        // Resolved as Node does: beside the package, then up its node_modules chain.
        const found = candidates(where, dep).some((c) => c in lock.packages);
        if (!found) missing.push(`${dep} (of ${where || 'the root'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has DuckDB as a dependency with its prebuilt binding for each platform', () => {
    const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked & { dependencies?: Record<string, string> }> };
    expect(lock.packages[''].dependencies?.['@duckdb/node-api']).toBeTruthy();
    const platforms = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/@duckdb/node-bindings-'));
    expect(platforms.length).toBeGreaterThanOrEqual(8);
  });
});

function candidates(where: string, dep: string): string[] {
  const out: string[] = [];
  let base = where;
  for (;;) {
    out.push(`${base ? base + '/' : ''}node_modules/${dep}`);
    const i = base.lastIndexOf('/node_modules/');
    if (i < 0) {
      if (base === '') break;
      base = '';
      continue;
    }
    base = base.slice(0, i);
  }
  return out;
}

/**
 * A step of `npm run build`: compiles app/analysis/pattern-keys.c (the
 * pattern scanner for plugin batches) into dist/native/pattern-keys.so, which
 * worker processes load through app/plugins/native.ts. Rebuilt when the
 * source is newer. Without a C compiler the build goes on without it: the
 * workers then scan every message in TypeScript, with the same answers, only
 * slower (a note says so here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = path.join(root, 'app', 'analysis', 'pattern-keys.c');
const target = path.join(root, 'dist', 'native', 'pattern-keys.so');

if (!existsSync(target) || statSync(target).mtimeMs < statSync(source).mtimeMs) {
  mkdirSync(path.dirname(target), { recursive: true });
  const cc = process.env.CC || 'cc';
  const res = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-o', target, source], { encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    rmSync(target, { force: true });
    const why = res.error ? res.error.message : res.stderr.trim();
    // A compile error in our own source must fail the build; a missing compiler is only slower.
    if (!res.error) throw new Error(`${cc} failed on ${path.relative(root, source)}:\n${why}`);
    process.stderr.write(`note: no C compiler (${why}): workers will compute pattern keys in TypeScript (same answers, slower)\n`);
  }
}

/**
 * Which files `logmill watch` follows (app/watch/paths.ts): `present()` lists
 * what is on disk now that `wanted` takes, named as chokidar names it, for
 * the rescan that follows a file whose event was missed.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathMatcher } from '../../app/watch/paths.js';
import { tempDir } from '../helpers/cli.js';

describe('PathMatcher.present', () => {
  it('lists the files of directories, globs and file arguments as chokidar names them, without hidden names or symlink loops', async () => {
    const dir = tempDir();
    const at = (...p: string[]) => path.join(dir, ...p);
    mkdirSync(at('logs', 'nested'), { recursive: true });
    mkdirSync(at('logs', '.hidden'));
    mkdirSync(at('web'));
    mkdirSync(at('single'));
    for (const f of ['logs/a.log', 'logs/nested/b.log', 'logs/.c.log', 'logs/.hidden/d.log', 'web/x.log', 'web/y.txt', 'single/one.log', 'single/other.log']) writeFileSync(at(f), 'x\n');
    symlinkSync(at('logs'), at('logs', 'nested', 'loop'));
    const m = new PathMatcher([at('logs'), `${at('web')}/*.log`, at('single', 'one.log')]);
    expect((await m.present()).sort()).toEqual([at('logs', 'a.log'), at('logs', 'nested', 'b.log'), at('single', 'one.log'), at('web', 'x.log')].sort());
  });

  it('lists nothing for roots that do not exist yet', async () => {
    const m = new PathMatcher([path.join(tempDir(), 'later', 'app.log')]);
    expect(await m.present()).toEqual([]);
  });
});

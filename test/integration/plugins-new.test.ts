/**
 * `logmill plugins new NAME --lang go|c|rust`: each skeleton is created by
 * the real CLI, built with its one documented command (`make`), passes
 * `make test` (its own unit test, then `logmill plugins check --sample`),
 * and works as a drop-in plugin on a file of its format.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABI_MAGIC, ABI_VERSION } from '../../contract/abi.js';
import { readElf } from '../../app/plugins/elf.js';
import { cliEnv, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';

const GOCACHE = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();

describe('logmill plugins new', () => {
  it.each(['go', 'c', 'rust'])('creates a %s skeleton that builds, passes plugins check --sample and parses its format', async (lang) => {
    const cwd = tempDir();
    const name = `demo-${lang}`;
    const made = await logmill(['plugins', 'new', name, '--lang', lang, '--dir', 'skel'], { cwd });
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`created skel/ (${lang}): `);
    expect(made.stdout).toContain('.gitignore');
    const dir = path.join(cwd, 'skel');
    expect(readFileSync(path.join(dir, 'sample.log'), 'utf8')).toBe(readFileSync(path.join(REPO, 'contract/templates/sample.log'), 'utf8'));
    // cliEnv's private XDG_CACHE_HOME would also move Go's build cache: keep the warm one.
    const env = { ...cliEnv(), LOGMILL: `${process.execPath} ${CLI}`, GOCACHE: GOCACHE };
    execFileSync('make', ['-s', '-C', dir], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const test = execFileSync('make', ['-s', '-C', dir, 'test', `LOGMILL=${process.execPath} ${CLI}`], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(test).toContain(`ok: "${name}.so" is a valid logmill plugin`);
    expect(test).toContain('fed 7 ways, the same records every way');
    expect(test).toContain('records: 5, and 1 malformed');
    // The ABI block lets logmill refuse another ABI's build before loading it (logmill.h).
    expect(readElf(readFileSync(path.join(dir, `${name}.so`))).abiBlock).toEqual({ size: 16, magic: ABI_MAGIC, abiVersion: ABI_VERSION });
    // A drop-in plugin: files named *.<name> go to it, read in --tz.
    mkdirSync(path.join(cwd, 'plugins'));
    execFileSync('cp', [path.join(dir, `${name}.so`), path.join(cwd, 'plugins')]);
    writeFileSync(path.join(cwd, `app.${name}`), '2026-11-23 05:54:40 ERROR disk full\n2026-11-23T05:54:41Z INFO ok\nnot a record line');
    const res = await logmill(['analyze', '-o', 'json', '--plugins', 'plugins', '--tz', '+02:00', `app.${name}`], { cwd });
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout);
    expect(out.files[0]).toMatchObject({ format: name, records: 2, malformed: 1, firstTime: '2026-11-23T03:54:40.000000Z', lastTime: '2026-11-23T05:54:41.000000Z' });
    expect(out.severity).toMatchObject({ error: 1, info: 1 });
  }, 600_000);

  it('refuses a name logmill would reject, and a directory that is not empty', async () => {
    const cwd = tempDir();
    const bad = await logmill(['plugins', 'new', 'My Format', '--lang', 'c'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('plugin name "My Format": a processor name must match [a-z0-9_-]{1,32}');
    mkdirSync(path.join(cwd, 'taken'));
    writeFileSync(path.join(cwd, 'taken', 'keep.txt'), 'mine');
    const taken = await logmill(['plugins', 'new', 'taken', '--lang', 'go'], { cwd });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('taken exists and is not an empty directory: choose another with --dir');
    expect(readFileSync(path.join(cwd, 'taken', 'keep.txt'), 'utf8')).toBe('mine');
  });
});

/**
 * Cold start: what a small command loads and reads. The built `logmill` is
 * the bundle (app/build/bundle.mjs): the bin and the worker entry load one
 * file each. These tests run the built bin as users do: every command the
 * source declares must answer `--help` (a bundle made from stale or partial
 * sources would miss one), a small `analyze` must not load module after
 * module (the cold start this layout exists for) nor anything from
 * node_modules, plugin code (ffi-rs) must stay reachable from the worker
 * bundle only, and `logmill plugins` reads no format file.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** The commands app/cli.ts declares, as `logmill ...` words: `analyze`, `plugins check`, ... */
function declaredCommands(): string[][] {
  const src = readFileSync(path.join(REPO, 'app/cli.ts'), 'utf8');
  const words: string[][] = [];
  let parent: string | undefined;
  for (const m of src.matchAll(/^(\s*)\.command\('([a-z][\w-]*)/gm)) {
    const nested = m[1].length > 4;
    if (!nested) parent = m[2];
    words.push(nested && parent ? [parent, m[2]] : [m[2]]);
  }
  return words;
}

describe('cold start', () => {
  it('answers --help for every command app/cli.ts declares', async () => {
    const commands = declaredCommands();
    expect(commands.map((c) => c.join(' '))).toEqual(expect.arrayContaining(['analyze', 'parse', 'sql', 'watch', 'plugins', 'plugins check', 'plugins new', 'plugins lock', 'formats']));
    for (const words of commands) {
      const res = await logmill([...words, '--help']);
      expect(res.stderr, words.join(' ')).toBe('');
      expect(res.code, words.join(' ')).toBe(0);
      expect(res.stdout, words.join(' ')).toContain(`logmill ${words.join(' ')}`);
    }
  });

  it('loads no module beside its entry file for a small analyze: no dist/app module, nothing from node_modules', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'two.log');
    writeFileSync(log, 'Nov 26 01:00:00 host app[1]: hello\nNov 26 01:00:01 host app[1]: world\n');
    // Counts every JavaScript file Node loads: ES modules through a loader hook, CommonJS ones as they compile.
    const hook = path.join(dir, 'count-modules.mjs');
    const out = path.join(dir, 'modules.txt');
    writeFileSync(hook, `
import Module, { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
const seen = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => seen.add(url));
port1.unref();
register('data:text/javascript,' + encodeURIComponent('let port; export function initialize(d) { port = d.port; } export async function load(url, ctx, next) { port.postMessage(url); return next(url, ctx); }'), { data: { port: port2 }, transferList: [port2] });
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) { seen.add('file://' + filename); return compile.apply(this, arguments); };
// Only the main process writes (worker processes, forked with an IPC channel, inherit NODE_OPTIONS too).
process.on('exit', () => process.send || writeFileSync(${JSON.stringify(out)}, [...seen].filter((u) => u.startsWith('file:')).join('\\n')));
`);
    const args = ['analyze', '--plugins', path.join(REPO, 'plugins'), log];
    // The second run, as a user's second command: the plugin check cache knows the bundled plugins.
    const first = await logmill(args);
    expect(first.code).toBe(0);
    const res = await logmill(args, { env: { XDG_CACHE_HOME: first.cacheHome, NODE_OPTIONS: `--import ${hook}` } });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('2 records');
    const loaded = readFileSync(out, 'utf8').split('\n').filter(Boolean).filter((u) => !u.endsWith('/count-modules.mjs'));
    expect(loaded.map((u) => path.relative(REPO, new URL(u).pathname))).toEqual(['dist/app/cli.js']);
  });

  it('keeps ffi-rs out of the CLI bundle and yargs out of the worker bundle', () => {
    const cli = readFileSync(path.join(REPO, 'dist/bundle/cli.cjs'), 'utf8');
    const worker = readFileSync(path.join(REPO, 'dist/bundle/worker.cjs'), 'utf8');
    expect(cli).not.toMatch(/require\("ffi-rs"\)/);
    expect(worker).toMatch(/require\("ffi-rs"\)/);
    expect(worker).not.toContain('node_modules/yargs');
    expect(cli).toContain('node_modules/yargs');
  });

  it('`logmill plugins` reads no format file (it lists plugins; analyze reads them to route)', async () => {
    const dir = tempDir();
    const formats = path.join(dir, 'formats');
    mkdirSync(formats);
    copyFileSync(path.join(REPO, 'plugins/formats/uwsgi.json'), path.join(formats, 'uwsgi.json'));
    const log = path.join(dir, 'two.log');
    writeFileSync(log, 'Nov 26 01:00:00 host app[1]: hello\n');
    // Records every path the process opens, lists or reads through node:fs (preloaded before the bundle runs).
    const hook = path.join(dir, 'record-fs.mjs');
    const out = path.join(dir, 'paths.txt');
    writeFileSync(hook, `
import fs from 'node:fs';
const seen = [];
for (const name of ['openSync', 'readFileSync', 'readdirSync', 'statSync', 'lstatSync', 'open', 'readFile', 'readdir', 'stat', 'lstat']) {
  const real = fs[name];
  fs[name] = function (p, ...rest) { seen.push(String(p)); return real.call(this, p, ...rest); };
}
process.on('exit', () => process.send || fs.writeFileSync(${JSON.stringify(out)}, seen.join('\\n')));
`);
    const env = { NODE_OPTIONS: `--import ${hook}` };
    const plugins = await logmill(['plugins', '--plugins', path.join(REPO, 'plugins'), '--formats', formats], { env });
    expect(plugins.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter((p) => p.startsWith(formats))).toEqual([]);
    // The same recording sees analyze read it: the recording works.
    const analyze = await logmill(['analyze', '--plugins', path.join(REPO, 'plugins'), '--formats', formats, log], { env });
    expect(analyze.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toContain(path.join(formats, 'uwsgi.json'));
  });
});

/**
 * The README's Go plugin example is real: it is cut out of README.md,
 * built with `go build -buildmode=c-shared` against the SDK, dropped into a
 * plugin directory, and used on a file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cliEnv, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';

it('the Go plugin example of the README builds and works as a drop-in plugin', async () => {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('```go\n', readme.indexOf('**In Go**'));
  const code = readme.slice(start + 6, readme.indexOf('```', start + 6));
  const dir = tempDir();
  const src = path.join(dir, 'upper');
  mkdirSync(src);
  writeFileSync(path.join(src, 'main.go'), code);
  writeFileSync(path.join(src, 'go.mod'), [
    'module example.com/upper', 'go 1.19',
    'require github.com/logmill/logmill/contract/go v0.0.0',
    `replace github.com/logmill/logmill/contract/go => ${path.join(REPO, 'contract/go')}`, '',
  ].join('\n'));
  mkdirSync(path.join(dir, 'plugins'));
  execFileSync('go', ['build', '-buildmode=c-shared', '-o', path.join(dir, 'plugins/upper.so'), '.'], {
    cwd: src, env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(path.join(dir, 'app.upper'), 'ERROR disk full\nINFO all good\nWARN slow\nno-severity-here');
  const res = await logmill(['analyze', '--output', 'json', '--plugins', 'plugins', 'app.upper'], { cwd: dir });
  expect(res.stderr).toBe('');
  const out = JSON.parse(res.stdout);
  expect(out.files[0]).toMatchObject({ format: 'upper', records: 4, reason: 'by extension .upper' });
  expect(out.severity).toMatchObject({ error: 1, info: 1, warn: 1, unknown: 1 });
});

it('the README\'s "Write a plugin in 10 minutes" commands work as written (Go)', async () => {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('```\n', readme.indexOf('#### Write a plugin in 10 minutes'));
  const script = readme.slice(start + 4, readme.indexOf('```', start + 4));
  expect(script).toMatch(/^logmill plugins new myfmt --lang go/);
  const home = tempDir();
  const bin = path.join(home, 'bin');
  mkdirSync(bin);
  // `logmill` on the PATH is this build, as after `npm install -g`.
  writeFileSync(path.join(bin, 'logmill'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  mkdirSync(path.join(home, '.config/logmill/plugins'), { recursive: true });
  const gocache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
  const cwd = tempDir();
  // The file the script analyzes, made where `cd myfmt` leads.
  const prepared = script.replace('make test', 'make test\nprintf "2026-11-23T05:54:40Z ERROR disk full\\n" > app.myfmt');
  execFileSync('bash', ['-e', '-c', prepared], {
    cwd, env: { ...cliEnv(), HOME: home, PATH: `${bin}:${process.env.PATH}`, GOCACHE: gocache }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The plugin copied into ~/.config/logmill/plugins is used by the next run, from anywhere.
  writeFileSync(path.join(cwd, 'app.myfmt'), '2026-11-23 05:54:40 ERROR disk full\n2026-11-23 05:54:41 INFO fine\n');
  const res = await logmill(['analyze', '-o', 'json', 'app.myfmt'], { cwd, env: { HOME: home, XDG_CONFIG_HOME: '' } });
  expect(res.stderr).toBe('');
  expect(JSON.parse(res.stdout).files[0]).toMatchObject({ format: 'myfmt', records: 2, reason: 'by extension .myfmt' });
}, 600_000);

/**
 * The README's Go plugin example is real: it is cut out of README.md,
 * built with `go build -buildmode=c-shared` against the SDK, dropped into a
 * plugin directory, and used on a file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

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

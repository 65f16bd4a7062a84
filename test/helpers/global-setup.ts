/**
 * Builds what the tests run, for real, once per test run: the TypeScript
 * host (`npm run build`), the bundled plugins (`make -C plugins`), and the
 * broken-plugin fixtures (into a temporary directory exported as
 * LOGMILL_FIXTURE_PLUGINS). Nothing is mocked: integration tests run the
 * built CLI against these files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from './paths.js';

export default function setup(): () => void {
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  run('npm', ['run', '--silent', 'build']);
  run('make', ['-s', '-C', 'plugins']);
  const fixtures = mkdtempSync(path.join(tmpdir(), 'logmill-fixtures-'));
  run('bash', ['test/fixtures/plugins/build.sh', fixtures]);
  process.env.LOGMILL_FIXTURE_PLUGINS = fixtures;
  return () => rmSync(fixtures, { recursive: true, force: true });
}

/**
 * Runs the built logmill CLI as a user would: a child process, in a fresh
 * temporary directory unless told otherwise, capturing stdout, stderr and the
 * exit code.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from './paths.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function logmill(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? tempDir(),
      env: { ...process.env, NO_COLOR: '1', LOGMILL_PLUGINS: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'logmill-test-'));
}

/** A fresh plugin directory holding copies of the named fixture plugins. */
export function fixturePluginDir(names: string[]): string {
  const src = process.env.LOGMILL_FIXTURE_PLUGINS;
  if (!src) throw new Error('LOGMILL_FIXTURE_PLUGINS is not set: run the tests through vitest (test/helpers/global-setup.ts)');
  const dir = path.join(tempDir(), 'plugins');
  mkdirSync(dir);
  for (const n of names) copyFileSync(path.join(src, `${n}.so`), path.join(dir, `${n}.so`));
  return dir;
}

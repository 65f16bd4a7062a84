/**
 * Runs the built logmill CLI as a user would: a child process, in a fresh
 * temporary directory unless told otherwise, capturing stdout, stderr and the
 * exit code. Every run gets its own XDG_CACHE_HOME (unless the test sets one),
 * so no run sees the developer's plugin-check cache or another run's; every
 * directory made by tempDir() is removed after the test file.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { CLI } from './paths.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The XDG_CACHE_HOME the run had. */
  cacheHome: string;
}

export function logmill(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = cliEnv(opts.env);
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? tempDir(), env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, cacheHome: env.XDG_CACHE_HOME! }));
    child.stdin.end(opts.input ?? '');
  });
}

/** The environment a test run of logmill gets: no colours, no ambient plugins, a private cache. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...(process.env as Record<string, string>), NO_COLOR: '1', LOGMILL_PLUGINS: '', XDG_CACHE_HOME: tempDir(), ...extra };
}

const made: string[] = [];

/** Removes every directory tempDir() made so far; runs after each test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
afterAll(removeTempDirs);

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'logmill-test-'));
  made.push(dir);
  return dir;
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

// Process helpers live in ./proc.ts; re-exported for the tests that take them from here.
export { childrenOf, ended, maps, until } from './proc.js';

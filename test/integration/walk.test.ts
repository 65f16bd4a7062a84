/**
 * Directory walks (audit B4, B5b, B5c, B6b): a file reached twice (a
 * directory alias, a symlink loop, a hard link) is read once; an unreadable
 * subdirectory is an error naming it, not a silent omission; FIFOs and
 * devices met in a walk are noted, never opened.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logmill, tempDir, type RunResult } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) {
    execFileSync('chmod', ['-R', 'u+rwx', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

/** A fresh directory with `logs/` holding `files` (path → content). */
function setup(files: Record<string, string>): string {
  const dir = tempDir();
  dirs.push(dir);
  mkdirSync(path.join(dir, 'no-plugins'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'logs', name)), { recursive: true });
    writeFileSync(path.join(dir, 'logs', name), content);
  }
  return dir;
}

const TWO = '2026-11-23T05:00:00Z INFO up\n2026-11-23T05:00:01Z ERROR down\n';

async function analyze(dir: string, args: string[]) {
  const res = await logmill(['analyze', '--output', 'json', '--plugins', path.join(dir, 'no-plugins'), ...args], { cwd: dir });
  return { ...res, json: res.stdout ? JSON.parse(res.stdout) : undefined };
}

const paths = (json: { files: { path: string }[] }) => json.files.map((f) => f.path);

describe('a file reached twice is read once', () => {
  it('through a directory alias (latest -> 2026-11-23) and a hard link (B5c)', async () => {
    const dir = setup({ '2026-11-23/app.log': TWO });
    symlinkSync('2026-11-23', path.join(dir, 'logs', 'latest'));
    linkSync(path.join(dir, 'logs/2026-11-23/app.log'), path.join(dir, 'logs/app-hardlink.log'));
    const { code, json } = await analyze(dir, ['logs', 'logs/latest/app.log']);
    expect(code).toBe(0);
    expect(json.records).toBe(2);
    expect(paths(json)).toEqual(['logs/2026-11-23/app.log']);
  });

  it('through a directory loop (d/up -> ..) (B5b)', async () => {
    const dir = setup({ 'app.log': TWO, 'd/other.log': TWO });
    symlinkSync('..', path.join(dir, 'logs', 'd', 'up'));
    const { code, json } = await analyze(dir, ['logs']);
    expect(code).toBe(0);
    expect(json.records).toBe(4);
    expect(paths(json)).toEqual(['logs/app.log', 'logs/d/other.log']);
  });
});

describe('entries that are not regular files are noted, never opened (B4)', () => {
  it('a FIFO and a link to /dev/zero in a walked directory', async () => {
    const dir = setup({ 'app.log': TWO });
    execFileSync('mkfifo', [path.join(dir, 'logs', 'pipe')]);
    symlinkSync('/dev/zero', path.join(dir, 'logs', 'zero'));
    const { code, json } = await analyze(dir, ['logs']);
    expect(code).toBe(0);
    expect(json.records).toBe(2);
    const notes = Object.fromEntries(json.files.map((f: { path: string; notes: string[] }) => [f.path, f.notes]));
    expect(notes).toEqual({
      'logs/app.log': [],
      'logs/pipe': ['skipped: not a regular file (a FIFO)'],
      'logs/zero': ['skipped: not a regular file (a character device)'],
    });
  });
});

/** Runs the CLI as `nobody`: tests run as root, who can read any directory. */
function asNobody(args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI, ...args], {
      cwd, env: { ...process.env, NO_COLOR: '1', LOGMILL_PLUGINS: '', HOME: cwd, XDG_CACHE_HOME: path.join(cwd, 'cache') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function canSwitchUser(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root, so a directory cannot be made unreadable to the CLI alone';
  try {
    execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']);
    return undefined;
  } catch {
    return 'setpriv cannot switch to nobody here';
  }
}
const cannotSwitch = canSwitchUser();

describe('an unreadable subdirectory is an error naming it (B6b)', () => {
  it.skipIf(cannotSwitch !== undefined)(`the rest is analyzed, exit 1${cannotSwitch ? ` (skipped: ${cannotSwitch})` : ''}`, async () => {
    const dir = setup({ 'ok.log': TWO, 'sub/hidden.log': TWO });
    mkdirSync(path.join(dir, 'cache'));
    for (const d of [dir, path.join(dir, 'cache')]) chmodSync(d, 0o777);
    for (const d of [path.join(dir, 'logs'), path.join(dir, 'no-plugins')]) chmodSync(d, 0o755);
    chmodSync(path.join(dir, 'logs', 'sub'), 0o000);
    const res = await asNobody(['analyze', '--output', 'json', '--plugins', path.join(dir, 'no-plugins'), 'logs'], dir);
    expect(res.stderr).toBe('logmill: logs/sub: directory not read: permission denied\n');
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    expect(json.records).toBe(2);
    expect(paths(json)).toEqual(['logs/ok.log']);
  });
});

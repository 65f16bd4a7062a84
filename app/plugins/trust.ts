/**
 * Loading a plugin runs its code, so logmill refuses plugins that someone
 * else could have put there: files or directories writable by group or
 * others, files owned by neither the current user nor root. And when a
 * plugin directory has a lock file (`logmill plugins lock`), every plugin in
 * it must match its pinned SHA-256. `--allow-untrusted-plugins` skips the
 * ownership and permission checks, never the lock.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { display, Rejection } from './discovery.js';

export const LOCK_FILE = 'plugins.lock';

interface LockData {
  lockfileVersion: 1;
  plugins: Record<string, string>;
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Throws a Rejection if `file` may not be loaded. */
export function checkTrust(file: string, allowUntrusted: boolean): void {
  const shown = display(file);
  if (!allowUntrusted) {
    const uid = process.getuid?.() ?? 0;
    for (const [what, target] of [['plugin', file], ['directory', path.dirname(file)]] as const) {
      const st = statSync(target);
      if (st.mode & 0o022) {
        const who = [st.mode & 0o020 && 'group', st.mode & 0o002 && 'others'].filter(Boolean).join(' and ');
        throw new Rejection(file, `plugin "${shown}" refused: its ${what === 'plugin' ? 'file' : `directory "${display(target)}"`} is writable by ${who} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`,
          'anyone who can write there can make logmill run their code',
          `chmod go-w "${display(target)}", or pass --allow-untrusted-plugins`);
      }
      if (what === 'plugin' && st.uid !== uid && st.uid !== 0) {
        throw new Rejection(file, `plugin "${shown}" refused: it is owned by uid ${st.uid}, neither you (uid ${uid}) nor root`,
          undefined, `chown it, or pass --allow-untrusted-plugins`);
      }
    }
  }
  const lockPath = path.join(path.dirname(file), LOCK_FILE);
  if (!existsSync(lockPath)) return;
  const lock = readLock(lockPath);
  const pinned = lock.plugins[path.basename(file)];
  if (!pinned) {
    throw new Rejection(file, `plugin "${shown}" refused: not pinned in "${display(lockPath)}"`,
      undefined, 'run `logmill plugins lock` to pin the plugins now in the directory');
  }
  const actual = sha256(file);
  if (actual !== pinned) {
    throw new Rejection(file, `plugin "${shown}" refused: its SHA-256 does not match the lock file "${display(lockPath)}"`,
      `locked: ${pinned}\nactual: ${actual}`,
      'if you rebuilt or replaced it on purpose, run `logmill plugins lock` again');
  }
}

function readLock(lockPath: string): LockData {
  try {
    const data = JSON.parse(readFileSync(lockPath, 'utf8')) as LockData;
    if (data.lockfileVersion !== 1 || typeof data.plugins !== 'object') throw new Error('not a logmill lock file (lockfileVersion 1)');
    return data;
  } catch (err) {
    throw new Rejection(lockPath, `cannot read lock file "${display(lockPath)}"`, (err as Error).message, 'delete it and run `logmill plugins lock`');
  }
}

/** Writes `plugins.lock` in `dir` pinning each of `files` (atomically: write, then rename). */
export function writeLock(dir: string, files: string[]): string {
  const data: LockData = { lockfileVersion: 1, plugins: {} };
  for (const f of files) data.plugins[path.basename(f)] = sha256(f);
  const lockPath = path.join(dir, LOCK_FILE);
  writeFileSync(lockPath + '.tmp', JSON.stringify(data, null, 2) + '\n');
  renameSync(lockPath + '.tmp', lockPath);
  return lockPath;
}

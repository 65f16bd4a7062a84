/**
 * Loading a plugin runs its code, so logmill refuses plugins that someone
 * else could have put there or could swap, and loads exactly the bytes it
 * checked.
 *
 * The rule (the one ssh's StrictModes applies to ~/.ssh, with /tmp's sticky
 * exception): the file, with every symlink resolved, must be a regular file
 * owned by you or root and not writable by group or others; the directory it
 * is listed in and the directory it really lives in must be owned by you or
 * root and not writable by group or others; every directory above them, up
 * to /, must be owned by you or root and either not writable by group or
 * others or sticky (others cannot rename or delete what is not theirs, as in
 * /tmp). `plugins.lock`, when a plugin directory has one, is held to the
 * file's rule too, and every plugin in that directory must match its pinned
 * SHA-256. `--allow-untrusted-plugins` skips the ownership and permission
 * checks, never the lock.
 *
 * Check, then load the same file: the main process opens the resolved file
 * once, checks the descriptor (fstat) and hashes its content, and hands the
 * worker what it found (Verified). The worker reopens the file and refuses it
 * unless it is the same inode with the same SHA-256, then dlopens it through
 * that descriptor (`/proc/self/fd/N`), so a symlink or file swapped in
 * between is refused, never loaded.
 *
 * Hashing a Go plugin (3 MB) costs more than the rest of `logmill plugins`,
 * so the main process may reuse the SHA-256 an earlier run computed for the
 * same stat identity (device, inode, size, mtime and ctime: any write,
 * rename over or chmod changes the ctime, which only root can set), as git's
 * index does; never when a plugins.lock pins the file. Ownership and modes
 * are checked every run, and the worker still hashes what it loads.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { display, Rejection } from './discovery.js';

export const LOCK_FILE = 'plugins.lock';

interface LockData {
  lockfileVersion: 1;
  plugins: Record<string, string>;
}

/** What the main process checked: the worker loads this inode with this content, or nothing. */
export interface Verified {
  /** The plugin file with every symlink resolved. */
  real: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** The stat identity the hash belongs to (statIdentity). */
  stat: string;
  sha256: string;
}

/** A hash an earlier run computed for this stat identity, if any (app/plugins/check-cache.ts). */
export type KnownHash = (stat: string) => string | undefined;

/** Device, inode, size, mtime and ctime: what must not change for a remembered hash to hold. */
export function statIdentity(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

const UNTRUSTED_DETAIL = 'anyone who can write there can make logmill run their code';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws a Rejection if `file` may not be loaded; else what the worker must find when it loads it. */
export function checkTrust(file: string, allowUntrusted: boolean, knownHash?: KnownHash): Verified {
  const real = realpathSync(file);
  if (!allowUntrusted) {
    const listedIn = realpathSync(path.dirname(file));
    checkDirectories(file, listedIn, 'its directory');
    if (path.dirname(real) !== listedIn) checkDirectories(file, path.dirname(real), 'the directory it links into');
  }
  const fd = openRegularFd(real);
  try {
    const st = fstatSync(fd);
    if (!allowUntrusted) refuseUnsafe(file, st, 'its file', real, false);
    const lockPath = path.join(path.dirname(file), LOCK_FILE);
    const lock = readLock(file, lockPath, allowUntrusted);
    const stat = statIdentity(st);
    const hash = (!lock && knownHash?.(stat)) || sha256(readFileSync(fd));
    if (lock) checkLock(file, lock, lockPath, hash);
    return { real, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, stat, sha256: hash };
  } finally {
    closeSync(fd);
  }
}

/**
 * In the worker: opens the file the main process checked and returns its
 * descriptor and content, or throws a Rejection if it is no longer the same
 * inode with the same SHA-256. The caller loads through the descriptor.
 */
export function reopenVerified(file: string, v: Verified): { fd: number; bytes: Buffer } {
  const { fd, bytes } = openRegular(v.real);
  const st = fstatSync(fd);
  const actual = sha256(bytes);
  if (st.dev !== v.dev || st.ino !== v.ino || actual !== v.sha256) {
    closeSync(fd);
    throw new Rejection(file, `plugin "${display(file)}" refused: it changed after logmill checked it`,
      `checked: inode ${v.dev}:${v.ino}, SHA-256 ${v.sha256}\nloading: inode ${st.dev}:${st.ino}, SHA-256 ${actual}`,
      'Something replaced the file while logmill was running. If you rebuilt it, run the command again; if not, someone else may be able to write it or a directory above it.');
  }
  return { fd, bytes };
}

/** Opens without following a final symlink; a non-regular file is an error (reported as "could not read"). */
function openRegularFd(file: string): number {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** openRegularFd, and the file's content. */
function openRegular(file: string): { fd: number; bytes: Buffer } {
  const fd = openRegularFd(file);
  try {
    return { fd, bytes: readFileSync(fd) };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** `dir` must be safe itself; each directory above it up to / may instead be sticky (see the module comment). */
function checkDirectories(file: string, dir: string, what: string): void {
  refuseUnsafe(file, statSync(dir), what, dir, false);
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    refuseUnsafe(file, statSync(d), 'its parent directory', d, true);
    if (path.dirname(d) === d) return;
  }
}

/** Throws the Rejection for `target` (the file, the lock, or a directory) if another user could change it. */
function refuseUnsafe(file: string, st: Stats, what: string, target: string, stickyOk: boolean): void {
  const uid = process.getuid?.() ?? 0;
  const shown = display(file);
  const where = what === 'its file' ? what : `${what} "${display(target)}"`;
  if (st.uid !== uid && st.uid !== 0) {
    throw new Rejection(file, `plugin "${shown}" refused: ${where} is owned by uid ${st.uid}, neither you (uid ${uid}) nor root`,
      UNTRUSTED_DETAIL, `chown it, or pass --allow-untrusted-plugins`);
  }
  const sticky = (st.mode & 0o1000) !== 0;
  if (st.mode & 0o022 && !(stickyOk && sticky)) {
    const who = [st.mode & 0o020 && 'group', st.mode & 0o002 && 'others'].filter(Boolean).join(' and ');
    throw new Rejection(file, `plugin "${shown}" refused: ${where} is writable by ${who} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})${stickyOk ? ' and not sticky' : ''}`,
      UNTRUSTED_DETAIL, `chmod go-w "${display(target)}", or pass --allow-untrusted-plugins`);
  }
}

/** The lock file beside `file` (read and checked by readLock) must pin exactly `actual`. */
function checkLock(file: string, lock: LockData, lockPath: string, actual: string): void {
  const shown = display(file);
  const pinned = lock.plugins[path.basename(file)];
  if (typeof pinned !== 'string') {
    throw new Rejection(file, `plugin "${shown}" refused: not pinned in "${display(lockPath)}"`,
      undefined, 'run `logmill plugins lock` to pin the plugins now in the directory');
  }
  if (actual !== pinned) {
    throw new Rejection(file, `plugin "${shown}" refused: its SHA-256 does not match the lock file "${display(lockPath)}"`,
      `locked: ${pinned}\nactual: ${actual}`,
      'if you rebuilt or replaced it on purpose, run `logmill plugins lock` again');
  }
}

/** The lock data, or null when there is no lock file. */
function readLock(file: string, lockPath: string, allowUntrusted: boolean): LockData | null {
  let text: string;
  try {
    const { fd, bytes } = openRegular(lockPath);
    try {
      if (!allowUntrusted) refuseUnsafe(file, fstatSync(fd), 'its lock file', lockPath, false);
    } finally {
      closeSync(fd);
    }
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof Rejection) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Rejection(file, `cannot read lock file "${display(lockPath)}"`, (err as Error).message, 'delete it and run `logmill plugins lock`');
  }
  try {
    const data = JSON.parse(text) as LockData;
    if (data?.lockfileVersion !== 1 || typeof data.plugins !== 'object' || data.plugins === null) throw new Error('not a logmill lock file (lockfileVersion 1)');
    return data;
  } catch (err) {
    throw new Rejection(file, `cannot read lock file "${display(lockPath)}"`, (err as Error).message, 'delete it and run `logmill plugins lock`');
  }
}

/** Writes `plugins.lock` in `dir` pinning each of `files` (atomically: write, then rename). */
export function writeLock(dir: string, files: string[]): string {
  const data: LockData = { lockfileVersion: 1, plugins: {} };
  for (const f of files) data.plugins[path.basename(f)] = sha256(readFileSync(f));
  const lockPath = path.join(dir, LOCK_FILE);
  writeFileSync(lockPath + '.tmp', JSON.stringify(data, null, 2) + '\n', { mode: 0o644 });
  renameSync(lockPath + '.tmp', lockPath);
  return lockPath;
}

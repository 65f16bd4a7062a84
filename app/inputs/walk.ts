/**
 * Walks a directory for log files: hidden entries skipped, symbolic links
 * followed, every directory entered once, known by device + inode, so an
 * alias (`latest -> 2026-11-23`) or a loop (`d/up -> ..`) is not read
 * again. An unreadable directory is an error that names it, and the walk
 * goes on; FIFOs, sockets and devices are noted, never opened (opening a
 * FIFO would wait for a writer).
 *
 * Written on fs.promises.opendir rather than fast-glob: fast-glob either
 * hides an unreadable directory (suppressErrors) or throws and ends the
 * whole walk at the first one, and it follows a directory loop until the
 * path grows too long.
 */
import type { Stats } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from './errors.js';

/** A file or directory's identity: what makes two paths the same file (hard links, aliases). */
export function identity(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

export interface Walked {
  files: { path: string; stat: Stats }[];
  /** Directories or entries that could not be read: each fails on its own. */
  errors: { name: string; message: string }[];
  /** Entries that are not regular files, with why they were left out. */
  skipped: { name: string; message: string }[];
}

export async function walk(root: string, rootStat: Stats): Promise<Walked> {
  const out: Walked = { files: [], errors: [], skipped: [] };
  await walkDir(root, new Set([identity(rootStat)]), out);
  out.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

async function walkDir(dir: string, visited: Set<string>, out: Walked): Promise<void> {
  let names: string[];
  try {
    names = await entryNames(dir);
  } catch (err) {
    out.errors.push({ name: dir, message: `directory not read: ${describeFsError(err)}` });
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    let st: Stats;
    try {
      st = await stat(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') out.skipped.push({ name: full, message: code === 'ENOENT' ? 'a broken symbolic link' : 'a symbolic link loop' });
      else out.errors.push({ name: full, message: describeFsError(err) });
      continue;
    }
    if (st.isDirectory()) {
      if (visited.has(identity(st))) continue; // an alias or a loop: already walked
      visited.add(identity(st));
      await walkDir(full, visited, out);
    } else if (st.isFile()) {
      out.files.push({ path: full, stat: st });
    } else {
      out.skipped.push({ name: full, message: `not a regular file (${specialKind(st)})` });
    }
  }
}

/** Names in a directory, hidden ones left out, sorted: the real directory comes before an alias named after it. */
async function entryNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of await opendir(dir)) if (!entry.name.startsWith('.')) names.push(entry.name);
  return names.sort();
}

function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

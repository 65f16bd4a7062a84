/**
 * What makes a followed file the same file: device and inode, and its first
 * bytes (up to HEAD_BYTES, as Fluent Bit and Vector fingerprint files). The
 * inode alone is not enough: a deleted file's inode is reused by the next
 * file created (so --state would resume a new file mid-way), and a
 * copytruncate copy has a new inode but content already read.
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const HEAD_BYTES = 1024;
const GZIP_MAGIC = 0x1f8b;

/** The first HEAD_BYTES of a file (fewer if it is shorter; empty if it cannot be read). */
export async function readStart(file: string): Promise<Buffer> {
  const fh = await open(file, 'r').catch(() => null);
  if (!fh) return Buffer.alloc(0);
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Whether `head` begins with all of `prefix` (a non-empty start of another file). */
export function startsWith(head: Buffer, prefix: Buffer): boolean {
  return prefix.length > 0 && head.length >= prefix.length && head.subarray(0, prefix.length).equals(prefix);
}

/** Whether two starts of a file agree on the bytes both have (a file that only grew still does). */
export function sameStart(a: Buffer, b: Buffer): boolean {
  const n = Math.min(a.length, b.length);
  return a.subarray(0, n).equals(b.subarray(0, n));
}

/** What --state keeps of a file's start: a hash, never the log text itself. */
export interface Fingerprint {
  fp: string;
  fpLen: number;
}

export function fingerprint(head: Buffer): Fingerprint {
  return { fp: createHash('sha256').update(head).digest('hex').slice(0, 32), fpLen: head.length };
}

/** Whether a file starting with `head` can be the one fingerprinted (entries without one match by inode alone). */
export function matchesFingerprint(head: Buffer, saved: Partial<Fingerprint>): boolean {
  if (saved.fp === undefined || saved.fpLen === undefined) return true;
  if (head.length < saved.fpLen) return false;
  return fingerprint(head.subarray(0, saved.fpLen)).fp === saved.fp;
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head.readUInt16BE(0) === GZIP_MAGIC;
}

/**
 * Files beside `file` that start with `head` (its start before it was
 * truncated) and hold at least `minSize` bytes: its copytruncate copies.
 * `known` ids (followed or finished files) are left out.
 */
export async function copiesOnDisk(file: string, head: Buffer, minSize: number, known: (id: string) => boolean): Promise<{ id: string; path: string; head: Buffer }[]> {
  if (head.length === 0) return [];
  const dir = path.dirname(file);
  const copies: { id: string; path: string; head: Buffer }[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const p = path.join(dir, name);
    const st = p === file ? null : await stat(p).catch(() => null);
    const id = st ? `${st.dev}:${st.ino}` : '';
    if (!st?.isFile() || known(id) || st.size < minSize) continue;
    const start = await readStart(p);
    if (startsWith(start, head)) copies.push({ id, path: p, head: start });
  }
  return copies;
}

/** The path in `dir` of the file with this `dev:ino`, if it is still there (renamed beside its old name). */
export async function findByIdentity(dir: string, identity: string): Promise<string | null> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const st = await stat(path.join(dir, name)).catch(() => null);
    if (st && `${st.dev}:${st.ino}` === identity) return path.join(dir, name);
  }
  return null;
}

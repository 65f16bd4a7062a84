/**
 * `--state FILE`: per followed file, its identity (device + inode, and a
 * fingerprint: a hash of its first bytes) and the offset just past the last
 * fully processed record, so a restarted `logmill watch` resumes there.
 * Written atomically (a temporary file, then rename) after every read batch,
 * once the batch's records have left the process: after a kill -9, a
 * restart reads again at most the batches still being printed, and loses
 * nothing.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { matchesFingerprint, type Fingerprint } from './identity.js';

export interface FilePosition extends Partial<Fingerprint> {
  path: string;
  offset: number;
  lines: number;
}

interface StateData {
  version: 1;
  files: Record<string, FilePosition>;
}

export class WatchState {
  private data: StateData = { version: 1, files: {} };
  /** The entries as loaded: a copy made while logmill was down is found by the fingerprint it had then. */
  private readonly loaded: FilePosition[];
  private dirty = false;

  constructor(private readonly file: string | undefined) {
    if (file) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateData;
        if (parsed.version === 1 && parsed.files) this.data = parsed;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`--state "${file}": ${(err as Error).message}`);
      }
    }
    this.loaded = Object.values(this.data.files);
  }

  get(id: string): FilePosition | undefined {
    return this.data.files[id];
  }

  /** A saved file (under any inode) whose start `head` still has: the same content, now under another inode. */
  findByStart(head: Buffer, size: number): FilePosition | undefined {
    return this.loaded.find((e) => e.fp !== undefined && (e.fpLen ?? 0) > 0 && e.offset <= size && matchesFingerprint(head, e));
  }

  set(id: string, pos: FilePosition): void {
    if (!this.file) return;
    this.data.files[id] = pos;
    this.dirty = true;
  }

  /** Writes what changed since the last write (synchronously: it must not trail the printed records). */
  flush(): void {
    if (!this.file || !this.dirty) return;
    writeFileSync(this.file + '.tmp', JSON.stringify(this.data) + '\n');
    renameSync(this.file + '.tmp', this.file);
    this.dirty = false;
  }
}

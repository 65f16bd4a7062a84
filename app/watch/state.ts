/**
 * `--state FILE`: per followed file, its identity (device + inode) and the
 * offset just past the last fully processed record, so a restarted `logmill
 * watch` resumes there: no line lost, none counted twice. Written
 * atomically (a temporary file, then rename) and at most every `intervalMs`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface FilePosition {
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
  private dirty = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly file: string | undefined, private readonly intervalMs = 500) {
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateData;
      if (parsed.version === 1 && parsed.files) this.data = parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`--state "${file}": ${(err as Error).message}`);
    }
  }

  get(id: string): FilePosition | undefined {
    return this.data.files[id];
  }

  set(id: string, pos: FilePosition): void {
    if (!this.file) return;
    this.data.files[id] = pos;
    this.dirty = true;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  delete(id: string): void {
    if (!this.file || !(id in this.data.files)) return;
    delete this.data.files[id];
    this.dirty = true;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file || !this.dirty) return;
    writeFileSync(this.file + '.tmp', JSON.stringify(this.data) + '\n');
    renameSync(this.file + '.tmp', this.file);
    this.dirty = false;
  }
}

/**
 * Terminal output: colours only when the stream is a TTY and NO_COLOR is not
 * set (https://no-color.org), FORCE_COLOR to force them; and a writer that
 * respects back-pressure, so `logmill parse big.log | less` does not buffer
 * the whole output in memory.
 */
import type { Writable } from 'node:stream';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

export function useColor(stream: { isTTY?: boolean }, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function makeStyle(color: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39),
    green: wrap(32, 39), cyan: wrap(36, 39), magenta: wrap(35, 39),
  };
}

/** Buffers small writes and waits for 'drain' when the consumer is slower than we are. */
export class OutputWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly out: Writable) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  get buffered(): number {
    return this.size;
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await new Promise<void>((resolve) => {
      const done = () => { this.out.off('drain', done); this.out.off('close', done); this.out.off('error', done); resolve(); };
      this.out.on('drain', done).on('close', done).on('error', done);
    });
  }
}

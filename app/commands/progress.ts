/**
 * Progress on stderr while reading large inputs, only on a terminal: one
 * line redrawn in place, at most a few times a second, erased at the end.
 * Jobs report how many bytes they have read; this sums them. When the total
 * is known (plain files: their size on disk) the line says how far along it
 * is and about how long is left, at the average rate so far:
 *
 *   logmill: 36 MiB of 300 MiB (12%), 7 MiB/s, about 38s left
 *
 * (gzip, UTF-16 and stdin read a number of bytes not known ahead: then only
 * what was read and the rate.)
 */
import type { Planned } from '../dispatch.js';

const MIN_BYTES = 32 << 20;
const INTERVAL_MS = 250;
const MiB = 1 << 20;

export class Progress {
  private read = 0;
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;
  private readonly started: number;

  /**
   * `total`: the bytes all jobs will read, or undefined if not known.
   * `alone`: false when the command's own output goes to the same terminal
   * (`logmill parse` without a pipe): a line redrawn in place would land in
   * the middle of the records. `now`: the clock (tests give their own).
   */
  constructor(private readonly stream: { isTTY?: boolean; write(s: string): unknown },
    opts: { total?: number; alone?: boolean; now?: () => number } = {}) {
    this.total = opts.total;
    this.now = opts.now ?? Date.now;
    this.enabled = stream.isTTY === true && opts.alone !== false;
    this.started = this.now();
  }

  private readonly total?: number;
  private readonly now: () => number;

  /** A callback for one job: it reports the job's cumulative bytes. */
  counter(): (bytes: number) => void {
    let seen = 0;
    return (bytes) => {
      this.read += bytes - seen;
      seen = bytes;
      this.draw();
    };
  }

  /** The progress line for `read` bytes after `seconds`. */
  line(seconds: number): string {
    const rate = this.read / MiB / Math.max(0.001, seconds);
    const mib = (n: number) => `${(n / MiB).toFixed(0)} MiB`;
    if (!this.total || this.read > this.total) return `logmill: ${mib(this.read)} read (${rate.toFixed(0)} MiB/s)`;
    const percent = Math.floor((this.read / this.total) * 100);
    const left = rate > 0 ? (this.total - this.read) / MiB / rate : Infinity;
    return `logmill: ${mib(this.read)} of ${mib(this.total)} (${percent}%), ${rate.toFixed(0)} MiB/s, about ${clock(left)} left`;
  }

  private draw(): void {
    if (!this.enabled || this.read < MIN_BYTES) return;
    const now = this.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.stream.write(`\r\x1b[2K${this.line((now - this.started) / 1000)}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** Bytes the planned inputs will read, when all are plain files (the only inputs whose size says it). */
export function plannedBytes(planned: readonly Planned[]): number | undefined {
  let total = 0;
  for (const p of planned) {
    if (!p.processor) continue;
    if (p.input.kind !== 'file' || p.readAs.encoding !== 'plain') return undefined;
    total += p.readAs.size;
  }
  return total;
}

/** 38s, 4m05s, 1h02m. */
function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

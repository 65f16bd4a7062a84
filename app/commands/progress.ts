/**
 * Progress on stderr while reading large inputs, only on a terminal: one
 * line redrawn in place, at most a few times a second, erased at the end.
 * Jobs report how many bytes they have read; this sums them.
 */
const MIN_BYTES = 32 << 20;
const INTERVAL_MS = 250;

export class Progress {
  private total = 0;
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.enabled = stream.isTTY === true;
  }

  /** A callback for one job: it reports the job's cumulative bytes. */
  counter(): (bytes: number) => void {
    let seen = 0;
    return (bytes) => {
      this.total += bytes - seen;
      seen = bytes;
      this.draw();
    };
  }

  private draw(): void {
    if (!this.enabled || this.total < MIN_BYTES) return;
    const now = Date.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    const mb = this.total / (1 << 20);
    const rate = mb / Math.max(0.001, (now - this.started) / 1000);
    this.stream.write(`\r\x1b[2Klogmill: ${mb.toFixed(0)} MiB read (${rate.toFixed(0)} MiB/s)`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

/**
 * Progress on stderr while reading large inputs, only on a terminal: one
 * line redrawn in place, at most a few times a second, erased at the end.
 */
const MIN_BYTES = 32 << 20;
const INTERVAL_MS = 250;

export class Progress {
  private name = '';
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.enabled = stream.isTTY === true;
  }

  start(name: string): void {
    this.name = name;
  }

  update(bytes: number): void {
    if (!this.enabled || bytes < MIN_BYTES) return;
    const now = Date.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    const mb = bytes / (1 << 20);
    const rate = mb / Math.max(0.001, (now - this.started) / 1000);
    this.stream.write(`\r\x1b[2Klogmill: reading ${this.name}: ${mb.toFixed(0)} MiB (${rate.toFixed(0)} MiB/s)`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

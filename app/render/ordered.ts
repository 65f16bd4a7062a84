/**
 * `logmill parse` output: the records of inputs parsed at the same time,
 * written in input order. The input whose turn it is goes straight through to
 * the stream, as its worker sends it; a later input is held in memory up to
 * `heldBytes`, after which its worker waits (the promise for its chunk stays
 * pending, so the chunk is not acknowledged) until its turn comes. Memory is
 * bounded by inputs in flight × heldBytes; nothing goes to disk.
 */
import type { Writable } from 'node:stream';

const DEFAULT_HELD_BYTES = 8 << 20;

interface Lane {
  held: Buffer[];
  bytes: number;
  waiting: (() => void)[];
}

export class OrderedOutput {
  private readonly lanes: Lane[];
  private turn = -1;

  /** `signal`: the run was interrupted; stop waiting on a stream nobody reads. */
  constructor(private readonly out: Writable, inputs: number, private readonly signal: AbortSignal, private readonly heldBytes = DEFAULT_HELD_BYTES) {
    this.lanes = Array.from({ length: inputs }, () => ({ held: [], bytes: 0, waiting: [] }));
  }

  /** Output of input `i`; resolves when its producer may send more. */
  write(i: number, data: Buffer): Promise<void> {
    if (i === this.turn) return this.send(data);
    const lane = this.lanes[i];
    lane.held.push(data);
    lane.bytes += data.length;
    if (lane.bytes <= this.heldBytes) return Promise.resolve();
    return new Promise((resolve) => lane.waiting.push(resolve));
  }

  /** Input `i`'s turn: what it holds is written, then its output goes straight through. */
  async begin(i: number): Promise<void> {
    const lane = this.lanes[i];
    // Output that arrives while the held output drains is held behind it, in order.
    while (lane.held.length > 0) await this.send(lane.held.shift()!);
    lane.bytes = 0;
    this.turn = i;
    for (const resume of lane.waiting.splice(0)) resume();
  }

  /** Writes, then waits while the stream is full (or until it fails: the caller hears of that elsewhere). */
  private send(data: Buffer): Promise<void> {
    if (this.signal.aborted || this.out.destroyed || this.out.writableEnded) return Promise.resolve();
    if (this.out.write(data)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done).off('close', done).off('error', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      this.out.on('drain', done).on('close', done).on('error', done);
      this.signal.addEventListener('abort', done);
    });
  }
}

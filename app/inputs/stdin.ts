/**
 * Standard input, streamed, never spooled: the main process reads only its
 * head (for routing), then hands head and rest to the one worker that runs
 * the stdin job, through that worker's stdin pipe, with back-pressure. So
 * `tail -f app.log | logmill parse` prints records as lines arrive, and
 * `logmill analyze - < /dev/zero` uses a pipe's worth of memory and no disk.
 */
import type { Writable } from 'node:stream';
import { constants, gunzipSync } from 'node:zlib';
import { encodingOf, InputReadError, type Encoding, type Probe } from './read.js';

/** After the first bytes, how long to wait for more before routing on what came. */
const HEAD_SETTLE_MS = 50;

let head: Buffer | undefined;
let ended = false;
let fed = false;
let touched = false;

/**
 * Standard input's encoding and its first `bytes`, decoded, for routing;
 * head undefined if it is empty. Waits for the first bytes, then takes what
 * follows within HEAD_SETTLE_MS (a `tail -f` sends a few lines, then waits).
 * What was read is kept and fed to the worker first. The encoding is decided
 * here once, by the same rule as for files (encodingOf), and carried to the
 * worker in its Job.
 */
export async function probeStdin(bytes: number): Promise<Probe> {
  head ??= await readSome(bytes);
  const encoding = encodingOf(head.subarray(0, 2));
  if (head.length === 0) return { head: undefined, encoding, size: 0 };
  return { head: decodeHead(head, encoding).subarray(0, bytes), encoding, size: 0 };
}

function decodeHead(raw: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'plain') return raw;
  if (encoding !== 'gzip') return Buffer.from(new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'utf-16be').decode(raw), 'utf8');
  try {
    return gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    throw new InputReadError(`corrupt gzip data: ${(err as Error).message}`);
  }
}

function readSome(bytes: number): Promise<Buffer> {
  const stdin = process.stdin;
  touched = true;
  const parts: Buffer[] = [];
  let length = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      stdin.off('data', onData).off('end', onEnd).off('error', onEnd).off('close', onEnd);
      stdin.pause();
      resolve(Buffer.concat(parts, length));
    };
    const onEnd = () => {
      ended = true;
      finish();
    };
    const onData = (d: Buffer) => {
      parts.push(d);
      length += d.length;
      clearTimeout(timer);
      if (length >= bytes) finish();
      else timer = setTimeout(finish, HEAD_SETTLE_MS);
    };
    stdin.on('data', onData).once('end', onEnd).once('error', onEnd).once('close', onEnd);
  });
}

/** A worker being fed standard input. */
export interface StdinFeed {
  /** All input so far is with the worker and more has not come: it waits on the producer, not on its plugin. */
  waiting(): boolean;
  stop(): void;
}

/** Feeds standard input (the head read for routing, then the rest) to `dest`, a worker's stdin. Only once: a second `-` reads nothing. */
export function feedStdin(dest: Writable): StdinFeed {
  const stdin = process.stdin;
  const first = !fed;
  fed = true;
  if (first && head && head.length > 0) dest.write(head);
  if (!first || ended) {
    dest.end();
    return { waiting: () => false, stop: () => undefined };
  }
  stdin.pipe(dest);
  let done = false;
  stdin.once('end', () => (done = true));
  return {
    waiting: () => !done && stdin.readableLength === 0 && dest.writableLength === 0,
    stop: () => {
      stdin.unpipe(dest);
      stdin.destroy();
    },
  };
}

/** Stops reading standard input (the run is over or interrupted): nothing waits on it any more. */
export function releaseStdin(): void {
  if (touched) process.stdin.destroy();
}

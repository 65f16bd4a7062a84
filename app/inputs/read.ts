/**
 * Reads an input as a sequence of chunks of at least `chunkSize` bytes (the
 * last may be shorter), decompressing gzip transparently (recognized by its
 * magic bytes, whatever the name). Memory per input is a chunk or two.
 * Errors carry the input's name and say what went wrong in user terms.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Input } from './expand.js';

export class InputReadError extends Error {}

/** Reads from byte `start` (of the file itself: ranges are only taken of uncompressed files). */
export async function* readChunks(input: Input, chunkSize: number, start = 0): AsyncGenerator<Buffer> {
  if (input.kind === 'stdin') {
    yield* maybeGunzip(process.stdin, chunkSize);
    return;
  }
  let fh;
  try {
    fh = await open(input.path, 'r');
  } catch (err) {
    throw new InputReadError(describeFsError(err));
  }
  try {
    const first = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await fh.read(first, 0, chunkSize, start).catch((err) => {
      throw new InputReadError(describeFsError(err));
    });
    if (start === 0 && bytesRead >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
      const raw = fh.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false });
      yield* gunzip(raw, chunkSize);
      return;
    }
    let chunk = first.subarray(0, bytesRead);
    let position = start + bytesRead;
    while (chunk.length > 0) {
      yield chunk;
      const next = Buffer.allocUnsafe(chunkSize);
      const r = await fh.read(next, 0, chunkSize, position);
      position += r.bytesRead;
      chunk = next.subarray(0, r.bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function* maybeGunzip(stream: Readable, chunkSize: number): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value as Buffer;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const { Readable: R } = await import('node:stream');
    yield* gunzip(R.from(all()), chunkSize);
  } else {
    // A pipe may pause (`tail -f`): parse what came rather than wait for a full chunk.
    yield* rechunk(all(), chunkSize, () => stream.readableLength === 0);
  }
}

async function* gunzip(raw: Readable, chunkSize: number): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: 1 << 16 });
  raw.on('error', (err) => z.destroy(err));
  raw.pipe(z);
  try {
    yield* rechunk(z, chunkSize);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(e.message)) {
      throw new InputReadError('truncated gzip data: the compressed stream ends early (records up to that point were read)');
    }
    if (e.code?.startsWith('Z_')) throw new InputReadError(`corrupt gzip data: ${e.message}`);
    throw new InputReadError(describeFsError(err));
  } finally {
    raw.destroy();
  }
}

/**
 * Joins small pieces into chunks of at least `size` bytes: one parse call per
 * chunk. If the source fails, what arrived before the failure is still
 * yielded first, so a truncated .gz keeps its readable records. `drained`:
 * the source has nothing more at hand, so what was joined is yielded now.
 */
async function* rechunk(source: AsyncIterable<Buffer | string>, size: number, drained = () => false): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  const take = () => {
    const b = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
    parts = [];
    length = 0;
    return b;
  };
  try {
    for await (const piece of source) {
      const b = typeof piece === 'string' ? Buffer.from(piece) : piece;
      parts.push(b);
      length += b.length;
      if (length >= size || drained()) yield take();
    }
  } catch (err) {
    if (length > 0) yield take();
    throw err;
  }
  if (length > 0) yield take();
}

/**
 * The first `bytes` of an input (decompressed), what routing looks at;
 * undefined for an empty input. Read errors throw InputReadError.
 */
export async function readHead(input: Input, bytes: number): Promise<Buffer | undefined> {
  const chunks = readChunks(input, bytes);
  try {
    const first = await chunks.next();
    return first.done ? undefined : first.value.subarray(0, bytes);
  } finally {
    await chunks.return(undefined);
  }
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return e.message ?? String(err);
  }
}

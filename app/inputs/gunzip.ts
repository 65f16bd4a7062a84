/**
 * Gzip decoding member by member, as `gzip -dc` reads a file: each member's
 * header is parsed here, its deflate data inflated (zlib's raw inflate),
 * its trailer (CRC-32, length) checked. Node's Gunzip does members too, but
 * when bytes that are not a member follow the last one, it fails inside
 * the call that also finished that member and drops up to 64 KiB of its
 * output: records of an intact member were lost to trailing garbage. Here
 * every intact member's bytes are yielded before the error about what
 * follows. Zero padding after the last member is accepted, as gzip does.
 */
import { once } from 'node:events';
import { createInflateRaw, crc32, type InflateRaw } from 'node:zlib';
import { InputReadError } from './errors.js';

const TRUNCATED = 'truncated gzip data: the compressed stream ends early (records up to that point were read)';
/** Compressed bytes per inflate call: output per call stays bounded even for a gzip bomb (deflate expands at most ~1000×). */
const SLICE = 16 << 10;

export async function* gunzipMembers(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const input = new ByteQueue(raw[Symbol.asyncIterator]());
  for (let member = 1; ; member++) {
    const header = await skipHeader(input);
    if (header === 'end') return;
    if (header === 'garbage') {
      throw new InputReadError(member === 1 ? 'corrupt gzip data: no gzip header'
        : `corrupt gzip data: bytes after gzip member ${member - 1} are not a gzip member (the records of the intact members were read)`);
    }
    yield* inflateMember(input);
  }
}

/** Reads past one member's header; 'end' at the end of the input or of zero padding. */
async function skipHeader(input: ByteQueue): Promise<'member' | 'end' | 'garbage'> {
  const n = await input.fill(10);
  if (n === 0) return 'end';
  const h = input.peek();
  if (h[0] === 0 && (await input.restIsZero())) return 'end';
  if (n < 10 || h[0] !== 0x1f || h[1] !== 0x8b || h[2] !== 8) return 'garbage';
  const flags = h[3];
  let length = 10;
  if (flags & 4) {
    if ((await input.fill(length + 2)) < length + 2) throw new InputReadError(TRUNCATED);
    length += 2 + input.peek().readUInt16LE(length);
  }
  for (const flag of [8, 16]) if (flags & flag) length = (await input.endOfString(length)) + 1; // file name, comment
  if (flags & 2) length += 2; // header CRC
  if ((await input.fill(length)) < length) throw new InputReadError(TRUNCATED);
  input.take(length);
  return 'member';
}

async function* inflateMember(input: ByteQueue): AsyncGenerator<Buffer> {
  const z = createInflateRaw({ chunkSize: 1 << 16 });
  const out: Buffer[] = [];
  z.on('data', (d: Buffer) => out.push(d));
  let crc = 0;
  let size = 0;
  let fed = 0;
  try {
    for (;;) {
      const slice = await input.next(SLICE);
      if (!slice) throw new InputReadError(TRUNCATED);
      await written(z, slice);
      fed += slice.length;
      // zlib takes no input past the end of the deflate data: what it left is the trailer and beyond.
      const unused = fed - z.bytesWritten;
      if (unused > 0) {
        input.unshift(slice.subarray(slice.length - unused));
        if (!z.readableEnded) await once(z, 'end'); // every output byte has been emitted
      }
      for (const piece of out.splice(0)) {
        crc = crc32(piece, crc);
        size += piece.length;
        yield piece;
      }
      if (unused > 0) break;
    }
  } finally {
    z.close();
  }
  if ((await input.fill(8)) < 8) throw new InputReadError(TRUNCATED);
  const trailer = input.take(8);
  if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== size % 2 ** 32) {
    throw new InputReadError('corrupt gzip data: a member\'s checksum or length does not match its data');
  }
}

function written(z: InflateRaw, slice: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(new InputReadError(`corrupt gzip data: ${err.message}`));
    z.once('error', fail);
    z.write(slice, () => {
      z.off('error', fail);
      resolve();
    });
  });
}

/** The compressed bytes not parsed yet, pulled from the file as needed. */
class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Buffers at least `n` bytes if the input has them; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.buf.length < n && !this.done) {
      const r = await this.source.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
    return this.buf.length;
  }

  peek(): Buffer {
    return this.buf;
  }

  take(n: number): Buffer {
    const head = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return head;
  }

  /** Up to `max` bytes, from what is buffered or else the next read; undefined at the end. */
  async next(max: number): Promise<Buffer | undefined> {
    if ((await this.fill(1)) === 0) return undefined;
    return this.take(Math.min(max, this.buf.length));
  }

  unshift(bytes: Buffer): void {
    this.buf = this.buf.length === 0 ? bytes : Buffer.concat([bytes, this.buf]);
  }

  /** Whether everything left, to the end of the input, is zero bytes (padding). */
  async restIsZero(): Promise<boolean> {
    for (;;) {
      if (this.buf.some((b) => b !== 0)) return false;
      this.buf = Buffer.alloc(0);
      if ((await this.fill(1)) === 0) return true;
    }
  }

  /** The offset of the NUL that ends a string starting at `from` (the header's name or comment). */
  async endOfString(from: number): Promise<number> {
    for (let n = from + 1; ; n = this.buf.length + 1) {
      const i = this.buf.indexOf(0, from);
      if (i >= 0) return i;
      if ((await this.fill(n)) < n) throw new InputReadError(TRUNCATED);
    }
  }
}

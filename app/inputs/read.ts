/**
 * What an input is, decided once, when planning: its encoding, its size,
 * and its first bytes (decoded) for routing. This is the only place that
 * looks at magic bytes and byte-order marks. The encoding then travels with
 * the input to the worker (`Job.readAs`), whose reader (./source.ts)
 * decodes by it and never guesses again: a head decompressed here and a
 * second guess there is how a .gz once got cut into byte ranges.
 */
import type { Input } from './expand.js';
import { describeFsError, InputReadError } from './errors.js';
import { openFile, openSource } from './source.js';

export { describeFsError, InputReadError } from './errors.js';

/**
 * How an input's bytes become text: as they are, gunzipped (magic 1f 8b,
 * whatever the name), or transcoded from UTF-16 (a byte-order mark). Only
 * `plain` inputs can be read from the middle, so only they are split.
 */
export type Encoding = 'plain' | 'gzip' | 'utf16le' | 'utf16be';

/** How a worker reads an input: decided once, when planning, and carried in its Job. */
export interface ReadAs {
  encoding: Encoding;
  /** Bytes on disk when planned (compressed, for gzip): reading fewer means the file shrank meanwhile. */
  size: number;
}

export interface Probe extends ReadAs {
  /** The first bytes, decoded; undefined for an empty input. */
  head: Buffer | undefined;
}

export async function probeInput(input: Input, headBytes: number): Promise<Probe> {
  const fh = await openFile(input);
  let encoding: Encoding;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    encoding = encodingOf(magic.subarray(0, bytesRead));
  } catch (err) {
    throw new InputReadError(describeFsError(err));
  } finally {
    await fh.close();
  }
  return { head: await readStart(input, { encoding, size }, headBytes), encoding, size };
}

export function encodingOf(magic: Buffer): Encoding {
  if (magic.length < 2) return 'plain';
  if (magic[0] === 0x1f && magic[1] === 0x8b) return 'gzip';
  if (magic[0] === 0xff && magic[1] === 0xfe) return 'utf16le';
  if (magic[0] === 0xfe && magic[1] === 0xff) return 'utf16be';
  return 'plain';
}

/** A note for the report when the input was not read as it is on disk (gzip says so by its name). */
export function encodingNote(encoding: Encoding): string | undefined {
  if (encoding === 'utf16le') return 'read as UTF-16LE (it starts with a byte-order mark), transcoded to UTF-8';
  if (encoding === 'utf16be') return 'read as UTF-16BE (it starts with a byte-order mark), transcoded to UTF-8';
  return undefined;
}

/** Up to `bytes` decoded bytes from the start; undefined when there are none. */
async function readStart(input: Input, readAs: ReadAs, bytes: number): Promise<Buffer | undefined> {
  const source = await openSource(input, readAs);
  try {
    const head = Buffer.allocUnsafe(bytes);
    let n = 0;
    for (let r = -1; r !== 0 && n < bytes; n += r) r = await source.read(head, n, bytes - n);
    return n === 0 ? undefined : head.subarray(0, n);
  } finally {
    await source.close();
  }
}

/** The first `bytes` of an input (decoded), what routing looks at; undefined for an empty input. */
export async function readHead(input: Input, bytes: number): Promise<Buffer | undefined> {
  return (await probeInput(input, bytes)).head;
}

/**
 * Reads an input's text into the caller's buffer, decoding it by the
 * encoding decided at planning (./read.ts): a plain file is read straight
 * into the buffer from any byte; gzip and UTF-16 are decoded as a stream
 * from the start (they cannot be entered in the middle, so they are never
 * split). Memory per input is the caller's buffer plus a decoder's window.
 * Errors are InputReadErrors that say what went wrong in user terms.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { describeFsError, InputReadError } from './errors.js';
import type { Input } from './expand.js';
import { gunzipMembers } from './gunzip.js';
import type { ReadAs } from './read.js';


/** Reads into the caller's buffer, `length` bytes at most per call, 0 at the end. */
export interface Source {
  read(into: Buffer, at: number, length: number): Promise<number>;
  close(): Promise<void>;
  /** What the report should say about how the reading went (a file that shrank while read). */
  notes(): string[];
}

export async function openSource(input: Input, readAs: ReadAs, start = 0): Promise<Source> {
  const { encoding } = readAs;
  if (encoding !== 'plain' && start !== 0) throw new Error(`${input.name}: ${encoding} data cannot be read from byte ${start}`);
  if (input.kind === 'stdin') return stdinSource(encoding);
  const fh = await openFile(input);
  if (encoding === 'plain') return fileSource(fh, start, readAs.size);
  const raw = fh.createReadStream({ start: 0, highWaterMark: 1 << 20 });
  return streamSource(encoding === 'gzip' ? gunzip(raw) : transcode(raw, encoding), () => raw.destroy());
}

/** Read in place from `start`; at the end, a file now shorter than `planned` bytes gets a note (truncated meanwhile). */
function fileSource(fh: FileHandle, start: number, planned: number): Source {
  let position = start;
  const notes: string[] = [];
  return {
    async read(into, at, length) {
      try {
        const n = (await fh.read(into, at, length, position)).bytesRead;
        position += n;
        if (n === 0 && notes.length === 0) {
          const now = (await fh.stat()).size;
          if (now < planned) notes.push(`file shrank from ${planned} to ${now} bytes while being read`);
        }
        return n;
      } catch (err) {
        throw new InputReadError(describeFsError(err));
      }
    },
    close: () => fh.close(),
    notes: () => notes,
  };
}

/**
 * Fills the caller's buffer from decoded pieces. If decoding fails, the
 * bytes decoded before the failure are returned first, so a truncated .gz
 * keeps its readable records; the error comes with the next read.
 */
function streamSource(pieces: AsyncGenerator<Buffer>, destroy: () => void, live = false): Source {
  let piece: Buffer | undefined;
  let used = 0;
  let failure: unknown;
  return {
    async read(into, at, length) {
      let n = 0;
      while (n < length && failure === undefined) {
        if (!piece || used === piece.length) {
          // A live pipe (`tail -f | logmill parse`) may pause: hand on what came instead of waiting for more.
          if (live && n > 0) break;
          try {
            const next = await pieces.next();
            if (next.done) break;
            piece = next.value;
            used = 0;
          } catch (err) {
            failure = err;
            break;
          }
        }
        const k = piece.copy(into, at + n, used, Math.min(piece.length, used + length - n));
        used += k;
        n += k;
      }
      if (n === 0 && failure !== undefined) throw failure;
      return n;
    },
    async close() {
      await pieces.return(undefined);
      destroy();
    },
    notes: () => [],
  };
}

/**
 * Standard input, as a worker gets it: its own stdin is a pipe the main
 * process feeds (./stdin.ts), the head read for routing first. It is read
 * as it comes, a pause in the pipe handing on what arrived.
 */
function stdinSource(encoding: ReadAs['encoding']): Source {
  const raw = process.stdin;
  const pieces = encoding === 'gzip' ? gunzip(raw) : encoding === 'plain' ? passThrough(raw) : transcode(raw, encoding);
  return streamSource(pieces, () => raw.destroy(), true);
}

async function* passThrough(raw: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const piece of raw) yield piece as Buffer;
  } catch (err) {
    throw new InputReadError(describeFsError(err));
  }
}

/** Every gzip member in turn (./gunzip.ts); a read error of the file itself in user terms. */
async function* gunzip(raw: Readable): AsyncGenerator<Buffer> {
  try {
    yield* gunzipMembers(raw);
  } catch (err) {
    throw err instanceof InputReadError ? err : new InputReadError(describeFsError(err));
  } finally {
    raw.destroy();
  }
}

/** UTF-16 to UTF-8; the byte-order mark is dropped, a code unit split across reads is kept for the next. */
async function* transcode(raw: Readable, encoding: 'utf16le' | 'utf16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'utf-16be');
  try {
    for await (const piece of raw) {
      const text = decoder.decode(piece as Buffer, { stream: true });
      if (text) yield Buffer.from(text, 'utf8');
    }
  } catch (err) {
    throw new InputReadError(describeFsError(err));
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, 'utf8');
}

export async function openFile(input: Input): Promise<FileHandle> {
  if (input.kind !== 'file') throw new Error(`${input.name}: standard input has no file to open (the worker reads it from its stdin pipe)`);
  try {
    return await open(input.path, 'r');
  } catch (err) {
    throw new InputReadError(describeFsError(err));
  }
}

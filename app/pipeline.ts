/**
 * Runs one input (or one byte range of it) through a processor: read chunks,
 * feed the processor's stream, hand records and malformed input to the
 * caller. A failure ends this input only; what was read before it still
 * counts. Memory stays at a chunk or two, plus the largest record, capped by
 * `maxRecordBytes`. This runs in worker processes (app/workers), next to the
 * processor; routing happened before, in the main process.
 */
import type { LogRecord, Processor } from '../contract/processor.js';
import { ProcessorError } from '../contract/processor.js';
import type { Zone } from '../contract/timestamps.js';
import type { Input } from './inputs/expand.js';
import type { ReadAs } from './inputs/read.js';
import { InputReadError } from './inputs/errors.js';
import { openSource, type Source } from './inputs/source.js';

export interface PipelineSettings {
  zone: Zone;
  /** Options per processor name (`--opt csv.delimiter=;`). */
  options: Record<string, Record<string, string>>;
  chunkSize: number;
  maxRecordBytes: number;
}

export interface InputReport {
  name: string;
  format: string | null;
  reason: string;
  records: number;
  malformed: number;
  bytes: number;
  /** Byte ranges the input was cut into and read in parallel: 1 for one pass, 0 when it was not read. */
  ranges: number;
  firstTime: number | null;
  lastTime: number | null;
  /** Why the input failed (it may still have records from before the failure). */
  error?: string;
  notes: string[];
}

export function emptyReport(name: string): InputReport {
  return { name, format: null, reason: '', records: 0, malformed: 0, bytes: 0, ranges: 0, firstTime: null, lastTime: null, notes: [] };
}

/** Adds the report of a later byte range of the same input. */
export function mergeReports(into: InputReport, part: InputReport): void {
  into.records += part.records;
  into.malformed += part.malformed;
  into.bytes += part.bytes;
  if (part.firstTime !== null && (into.firstTime === null || part.firstTime < into.firstTime)) into.firstTime = part.firstTime;
  if (part.lastTime !== null && (into.lastTime === null || part.lastTime > into.lastTime)) into.lastTime = part.lastTime;
  for (const n of part.notes) if (!into.notes.includes(n)) into.notes.push(n);
  into.error ??= part.error;
}

export interface RecordHandler {
  record(r: LogRecord, input: InputReport): void;
  malformed(r: LogRecord, input: InputReport): void;
  /** Called between chunks: the place to wait for a slow consumer or report progress. */
  afterChunk?(input: InputReport): Promise<void> | void;
}

/**
 * A byte range of a file: the records that start in [start, end), where
 * both are moved to the first record boundary at or after them (the
 * processor's resync), so that each range ends where the next begins; the
 * range reads on past `end` to finish its last record.
 */
export interface ByteRange {
  start: number;
  end: number;
}

export interface RangeResult {
  /** Newlines in the bytes this range covered, to number the next range's lines. */
  newlines: number;
  /** File offset of the first record this range emitted (null: none). */
  first: number | null;
  /** File offset of the first record this range saw at or past its end (null: it read to the end of the file). */
  stop: number | null;
}

/**
 * Bytes of the file's start a range's processor parses first, records
 * discarded, before the range itself: what a format learns at the top (a
 * CSV header, its delimiter and column roles) then holds in every range.
 */
export const PRIME_BYTES = 64 << 10;

/** `readAs` was decided when planning (inputs/read.ts: probeInput); a range is only ever of a `plain` input. */
export async function runInput(input: Input, readAs: ReadAs, processor: Processor, settings: PipelineSettings, handler: RecordHandler,
  range?: ByteRange): Promise<{ report: InputReport; range?: RangeResult }> {
  const report = emptyReport(input.name);
  report.format = processor.name;
  let result: RangeResult = { newlines: 0, first: null, stop: null };
  try {
    let start = 0;
    let prime: ((bytes: number) => Promise<Buffer>) | undefined;
    if (range && range.start > 0) {
      const found = await findBoundary(input, readAs, processor, range, settings.chunkSize);
      if (found === null || found >= range.end) return { report, range: result };
      start = found;
      prime = (bytes) => fileStart(input, readAs, bytes);
    }
    // The range owns the records that start before the next range's first record, found by the same
    // resync: where a record starts may depend on the lines before it (a MySQL general log entry without
    // a stamp), which the next range's reader has not seen but this one has.
    const end = range ? await findBoundary(input, readAs, processor, { start: range.end, end: Infinity }, settings.chunkSize) ?? Infinity : undefined;
    result = await feed(input, readAs, processor, settings, handler, report, start, end, prime);
  } catch (err) {
    if (err instanceof ProcessorError) report.error = err.describe();
    else if (err instanceof InputReadError) report.error = err.message;
    else report.error = ProcessorError.tag(err, processor.name, input.name).describe();
  }
  return { report, range: range ? result : undefined };
}

async function fileStart(input: Input, readAs: ReadAs, bytes: number): Promise<Buffer> {
  const source = await openSource(input, readAs, 0);
  try {
    const buf = Buffer.allocUnsafe(bytes);
    let n = 0;
    for (let r = -1; r !== 0 && n < bytes; n += r) r = await source.read(buf, n, bytes - n);
    return buf.subarray(0, n);
  } finally {
    await source.close();
  }
}

/**
 * The first record boundary at or after `range.start`, by the processor's
 * resync; null when none starts before `range.end` (the range then holds no
 * record start, and the range before reads on to finish its record). A
 * record longer than a chunk is scanned through, chunk by chunk.
 */
async function findBoundary(input: Input, readAs: ReadAs, processor: Processor, range: ByteRange, chunkSize: number): Promise<number | null> {
  if (!processor.resync) throw new Error(`${processor.name} cannot resynchronize`);
  const source = await openSource(input, readAs, range.start - 1);
  try {
    const buf = Buffer.allocUnsafe(chunkSize + 1);
    let base = range.start - 1; // the file offset of buf[0]
    let kept = 0; // bytes carried over at buf's front
    while (base < range.end) {
      const n = await source.read(buf, kept, chunkSize);
      if (n === 0) return null;
      const data = buf.subarray(0, kept + n);
      const i = processor.resync(data);
      if (i >= 0) return base + i;
      // None yet: read on, keeping the last byte (a newline there counts only with the byte after it).
      base += data.length - 1;
      buf[0] = data[data.length - 1];
      kept = 1;
    }
    return null;
  } finally {
    await source.close();
  }
}

async function feed(input: Input, readAs: ReadAs, processor: Processor, settings: PipelineSettings, handler: RecordHandler,
  report: InputReport, start: number, end: number | undefined, prime?: (bytes: number) => Promise<Buffer>): Promise<RangeResult> {
  const stream = processor.open({ zone: settings.zone, options: settings.options[processor.name] ?? {}, source: report.name });
  // A range's processor first parses the file's start (PRIME_BYTES); the offsets and lines it
  // then reports count those primed bytes, which are taken off again.
  let primed = 0;
  let primedLines = 0;
  // Until a first record is complete: a larger start, as feed does below for a record that straddles chunks.
  for (let want = PRIME_BYTES; prime && primed === 0; want *= 2) {
    const head = await prime(want);
    primed = stream.parse(head, false, () => {});
    for (let i = head.indexOf(10); i >= 0 && i < primed; i = head.indexOf(10, i + 1)) primedLines++;
    if (primed === 0 && (head.length < want || want > settings.maxRecordBytes)) {
      throw new ProcessorError(`cannot split this file: its first record is not complete in its first ${head.length} bytes`, processor.name, report.name);
    }
  }
  // Relative offset (from `start`) of the first record at or past `end`: the range stops there.
  let stopAt = Infinity;
  let first: number | null = null;
  const emit = (r: LogRecord) => {
    if (primed) {
      r.offset -= primed;
      if (r.line) r.line -= primedLines;
    }
    if (r.offset + start >= (end ?? Infinity)) {
      if (r.offset < stopAt) stopAt = r.offset;
      return;
    }
    r.offset += start;
    if (first === null) first = r.offset;
    if (r.malformed) {
      report.malformed++;
      handler.malformed(r, report);
      return;
    }
    report.records++;
    if (r.time !== null) {
      if (report.firstTime === null || r.time < report.firstTime) report.firstTime = r.time;
      if (report.lastTime === null || r.time > report.lastTime) report.lastTime = r.time;
    }
    handler.record(r, report);
  };
  // One buffer for the whole stream, reused: the bytes not consumed yet (a
  // record straddling chunks) are moved to its front and the next chunk is
  // read in after them, so no buffer is allocated per chunk. When a parse call
  // consumes nothing, wait until the pending bytes have doubled before trying
  // again, so a huge record costs O(size) scanning, not O(size²).
  const chunkSize = settings.chunkSize;
  let buf = Buffer.allocUnsafe(chunkSize * 2);
  let pendingLength = 0;
  let retryAt = 0;
  let streamOffset = 0; // relative offset of buf[0]
  let newlines = 0;
  const countNewlines = (data: Buffer, upTo: number) => {
    if (end === undefined) return;
    for (let i = data.indexOf(10); i >= 0 && i < upTo; i = data.indexOf(10, i + 1)) newlines++;
  };
  let source: Source | undefined;
  // A read that fails ends the input like its end would: the bytes before it are parsed to the
  // last record (a .gz with garbage after its members: zcat prints every line too), then it is thrown.
  let failure: unknown;
  try {
    source = await openSource(input, readAs, start);
    for (;;) {
      if (buf.length - pendingLength < chunkSize) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pendingLength + chunkSize));
        buf.copy(bigger, 0, 0, pendingLength);
        buf = bigger;
      }
      const n = await source.read(buf, pendingLength, chunkSize).catch((err: unknown) => {
        failure = err;
        return 0;
      });
      if (n === 0) break;
      report.bytes += n;
      pendingLength += n;
      if (pendingLength >= retryAt) {
        const data = buf.subarray(0, pendingLength);
        const consumed = stream.parse(data, false, emit);
        if (stopAt !== Infinity) {
          countNewlines(data, stopAt - streamOffset);
          report.bytes = stopAt; // the bytes of this range's records, not what was read past its end
          return { newlines, first, stop: start + stopAt };
        }
        countNewlines(data, consumed);
        streamOffset += consumed;
        pendingLength -= consumed;
        if (pendingLength > 0 && consumed > 0) buf.copyWithin(0, consumed, consumed + pendingLength);
        // A huge record grew the buffer: give the memory back once it is parsed.
        if (buf.length > chunkSize * 4 && pendingLength < chunkSize) {
          const smaller = Buffer.allocUnsafe(chunkSize * 2);
          buf.copy(smaller, 0, 0, pendingLength);
          buf = smaller;
        }
        retryAt = consumed === 0 ? pendingLength * 2 : 0;
        await handler.afterChunk?.(report);
      }
      if (pendingLength > settings.maxRecordBytes) {
        throw new ProcessorError(`a record starting at byte ${start + streamOffset} is larger than ${mib(settings.maxRecordBytes)} (raise --max-record to read it)`, processor.name, report.name);
      }
    }
    const data = buf.subarray(0, pendingLength);
    stream.parse(data, true, emit);
    if (failure !== undefined) throw failure;
    countNewlines(data, Math.min(data.length, stopAt - streamOffset));
    if (stopAt !== Infinity) report.bytes = stopAt;
  } finally {
    // Also when the range stopped early: its notes are about the bytes it did read.
    report.notes.push(...(stream.notes?.() ?? []), ...(source?.notes() ?? []));
    await source?.close();
    stream.close();
  }
  return { newlines, first, stop: stopAt === Infinity ? null : start + stopAt };
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MiB`;
}

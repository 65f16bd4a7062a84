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
import { InputReadError, readChunks } from './inputs/read.js';

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
  firstTime: number | null;
  lastTime: number | null;
  /** Why the input failed (it may still have records from before the failure). */
  error?: string;
  notes: string[];
}

export function emptyReport(name: string): InputReport {
  return { name, format: null, reason: '', records: 0, malformed: 0, bytes: 0, firstTime: null, lastTime: null, notes: [] };
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
 * A byte range of a file: the records that start in [start, end). The
 * processor finds the first record boundary at or after `start` (its
 * resync); the range reads on past `end` to finish its last record.
 */
export interface ByteRange {
  start: number;
  end: number;
}

export interface RangeResult {
  /** Newlines in the bytes this range covered, to number the next range's lines. */
  newlines: number;
}

export async function runInput(input: Input, processor: Processor, settings: PipelineSettings, handler: RecordHandler,
  range?: ByteRange): Promise<{ report: InputReport; range?: RangeResult }> {
  const report = emptyReport(input.name);
  report.format = processor.name;
  let newlines = 0;
  try {
    let start = 0;
    if (range && range.start > 0) {
      const found = await findBoundary(input, processor, range.start, settings.chunkSize);
      if (found === null || found >= range.end) return { report, range: { newlines: 0 } };
      start = found;
    }
    newlines = await feed(input, processor, settings, handler, report, start, range?.end);
  } catch (err) {
    if (err instanceof ProcessorError) report.error = err.describe();
    else if (err instanceof InputReadError) report.error = err.message;
    else report.error = ProcessorError.tag(err, processor.name, input.name).describe();
  }
  return { report, range: range ? { newlines } : undefined };
}

/** The first record boundary at or after `start`, by the processor's resync. */
async function findBoundary(input: Input, processor: Processor, start: number, chunkSize: number): Promise<number | null> {
  if (!processor.resync) throw new Error(`${processor.name} cannot resynchronize`);
  const chunks = readChunks(input, chunkSize, start - 1);
  try {
    const first = await chunks.next();
    if (first.done) return null;
    const i = processor.resync(first.value);
    return i < 0 ? null : start - 1 + i;
  } finally {
    await chunks.return(undefined);
  }
}

async function feed(input: Input, processor: Processor, settings: PipelineSettings, handler: RecordHandler,
  report: InputReport, start: number, end: number | undefined): Promise<number> {
  const stream = processor.open({ zone: settings.zone, options: settings.options[processor.name] ?? {}, source: report.name });
  // Relative offset (from `start`) of the first record at or past `end`: the range stops there.
  let stopAt = Infinity;
  const emit = (r: LogRecord) => {
    if (r.offset + start >= (end ?? Infinity)) {
      if (r.offset < stopAt) stopAt = r.offset;
      return;
    }
    r.offset += start;
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
  // Bytes not consumed yet (a record straddling chunks). When a parse call
  // consumes nothing, wait until the pending bytes have doubled before trying
  // again, so a huge record costs O(size) scanning, not O(size²).
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let retryAt = 0;
  let streamOffset = 0; // relative offset of pending[0]
  let newlines = 0;
  const countNewlines = (buf: Buffer, upTo: number) => {
    if (end === undefined) return;
    for (let i = buf.indexOf(10); i >= 0 && i < upTo; i = buf.indexOf(10, i + 1)) newlines++;
  };
  const chunks = readChunks(input, settings.chunkSize, start);
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      const chunk = next.value;
      report.bytes += chunk.length;
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= retryAt) {
        const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
        const consumed = stream.parse(buf, false, emit);
        if (stopAt !== Infinity) {
          countNewlines(buf, stopAt - streamOffset);
          report.bytes = stopAt; // the bytes of this range's records, not what was read past its end
          return newlines;
        }
        countNewlines(buf, consumed);
        streamOffset += consumed;
        const left = buf.subarray(consumed);
        pending = left.length > 0 ? [left] : [];
        pendingLength = left.length;
        retryAt = consumed === 0 ? pendingLength * 2 : 0;
        await handler.afterChunk?.(report);
      }
      if (pendingLength > settings.maxRecordBytes) {
        throw new ProcessorError(`a record starting at byte ${start + streamOffset} is larger than ${mib(settings.maxRecordBytes)} (raise --max-record to read it)`, processor.name, report.name);
      }
    }
    const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
    stream.parse(buf, true, emit);
    countNewlines(buf, Math.min(buf.length, stopAt - streamOffset));
    if (stopAt !== Infinity) report.bytes = stopAt;
  } finally {
    await chunks.return(undefined);
    stream.close();
  }
  report.notes.push(...(stream.notes?.() ?? []));
  return newlines;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MiB`;
}

/**
 * Runs one input through its processor: read chunks, route on the first
 * 64 KiB, feed the processor's stream, hand records and malformed input to
 * the caller. A failure ends this input only; what was read before it still
 * counts. Memory stays at a chunk or two, plus the largest record, capped by
 * `maxRecordBytes`.
 */
import type { LogRecord, Processor } from '../contract/processor.js';
import { ProcessorError } from '../contract/processor.js';
import type { Zone } from '../contract/timestamps.js';
import type { Input } from './inputs/expand.js';
import { InputReadError, readChunks } from './inputs/read.js';
import type { Registry } from './processors/registry.js';
import { DETECT_BYTES, route } from './routing.js';

export interface PipelineSettings {
  format?: string;
  zone: Zone;
  /** Options per processor name (`--opt csv.delimiter=;`). */
  options: Map<string, Record<string, string>>;
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

export interface RecordHandler {
  record(r: LogRecord, input: InputReport): void;
  malformed(r: LogRecord, input: InputReport): void;
  /** Called between chunks: the place to wait for a slow consumer or draw progress. */
  afterChunk?(input: InputReport): Promise<void> | void;
}

export async function processInput(input: Input, registry: Registry, settings: PipelineSettings, handler: RecordHandler): Promise<InputReport> {
  const report: InputReport = { name: input.name, format: null, reason: '', records: 0, malformed: 0, bytes: 0, firstTime: null, lastTime: null, notes: [] };
  const chunks = readChunks(input, settings.chunkSize);
  let processor: Processor | undefined;
  try {
    const first = await chunks.next();
    if (first.done) {
      report.notes.push('empty file (0 bytes)');
      return report;
    }
    const routed = route(input.name, first.value.subarray(0, DETECT_BYTES), registry, settings.format);
    if ('error' in routed) {
      // Like ripgrep: binary files met while walking a directory are skipped, not failures.
      if (routed.binary && !input.explicit) report.notes.push('skipped: binary data (name the file, with --format, to read it anyway)');
      else report.error = routed.error;
      return report;
    }
    processor = routed.processor;
    report.format = processor.name;
    report.reason = routed.reason;
    await feed(processor, first.value, chunks, settings, handler, report);
  } catch (err) {
    if (err instanceof ProcessorError) report.error = err.describe();
    else if (err instanceof InputReadError) report.error = err.message;
    else if (processor) report.error = ProcessorError.tag(err, processor.name, input.name).describe();
    else throw err;
  } finally {
    await chunks.return(undefined);
  }
  return report;
}

async function feed(processor: Processor, first: Buffer, rest: AsyncGenerator<Buffer>, settings: PipelineSettings,
  handler: RecordHandler, report: InputReport): Promise<void> {
  const stream = processor.open({ zone: settings.zone, options: settings.options.get(processor.name) ?? {}, source: report.name });
  const emit = (r: LogRecord) => {
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
  let streamOffset = 0;
  try {
    for (let chunk: Buffer | undefined = first; chunk; ) {
      report.bytes += chunk.length;
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= retryAt) {
        const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
        const consumed = stream.parse(buf, false, emit);
        streamOffset += consumed;
        const left = buf.subarray(consumed);
        pending = left.length > 0 ? [left] : [];
        pendingLength = left.length;
        retryAt = consumed === 0 ? pendingLength * 2 : 0;
        await handler.afterChunk?.(report);
      }
      if (pendingLength > settings.maxRecordBytes) {
        throw new ProcessorError(`a record starting at byte ${streamOffset} is larger than ${mib(settings.maxRecordBytes)} (raise --max-record to read it)`, processor.name, report.name);
      }
      const next = await rest.next();
      chunk = next.done ? undefined : next.value;
    }
    const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
    stream.parse(buf, true, emit);
  } finally {
    stream.close();
  }
  report.notes.push(...(stream.notes?.() ?? []));
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MiB`;
}

/**
 * Decoder for the record batch a native plugin writes into the host's output
 * buffer (layout: BATCH.md). One pass over the bytes, no call into the plugin
 * per record, no JSON. Every length is checked against the batch's bounds, so
 * a buggy plugin produces an error naming it, never a wrong record.
 */
import { Severity } from './severity.js';
import type { LogRecord } from './processor.js';

export const BATCH_MAGIC = 0x31424d4c;
export const BATCH_HEADER = 16;
export const RECORD_HEADER = 32;
export const FLAG_HAS_TIME = 0x01;
export const FLAG_MALFORMED = 0x02;

export class BatchError extends Error {}

export interface BatchHeader {
  count: number;
  byteLength: number;
}

export function readBatchHeader(buf: Buffer): BatchHeader {
  if (buf.length < BATCH_HEADER) throw new BatchError(`record batch shorter than its ${BATCH_HEADER}-byte header`);
  const magic = buf.readUInt32LE(0);
  if (magic !== BATCH_MAGIC) {
    throw new BatchError(`record batch has magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${BATCH_MAGIC.toString(16)} ("LMB1")`);
  }
  return { count: buf.readUInt32LE(4), byteLength: buf.readUInt32LE(8) };
}

/**
 * Decodes every record of the batch in `buf` (which starts with the header).
 * `offsetBase` is added to each record's offset (the stream position of the
 * input the plugin was given); severity byte 0 leaves `severity` Unknown for
 * the caller to normalize from `severityText`.
 */
export function decodeBatch(buf: Buffer, offsetBase: number, emit: (r: LogRecord) => void): number {
  const { count, byteLength } = readBatchHeader(buf);
  if (byteLength > buf.length) throw new BatchError(`record batch claims ${byteLength} bytes but the buffer holds ${buf.length}`);
  let pos = BATCH_HEADER;
  for (let i = 0; i < count; i++) {
    if (pos + RECORD_HEADER > byteLength) throw new BatchError(`record ${i + 1} of ${count} starts past the end of the batch`);
    const length = buf.readUInt32LE(pos);
    const end = pos + length;
    if (length < RECORD_HEADER || end > byteLength) throw new BatchError(`record ${i + 1} has length ${length}, outside the batch`);
    const severity = buf[pos + 4];
    const flags = buf[pos + 5];
    const fieldCount = buf.readUInt16LE(pos + 6);
    const time = flags & FLAG_HAS_TIME ? buf.readUInt32LE(pos + 8) + buf.readInt32LE(pos + 12) * 4294967296 : null;
    const line = buf.readUInt32LE(pos + 16) + buf.readUInt32LE(pos + 20) * 4294967296;
    const offset = buf.readUInt32LE(pos + 24) + buf.readUInt32LE(pos + 28) * 4294967296;
    let p = pos + RECORD_HEADER;
    const str = (): string => {
      if (p + 4 > end) throw new BatchError(`record ${i + 1}: string runs past the record`);
      const n = buf.readUInt32LE(p);
      const s = p + 4;
      if (s + n > end) throw new BatchError(`record ${i + 1}: string of ${n} bytes runs past the record`);
      p = s + n;
      return n === 0 ? '' : buf.toString('utf8', s, s + n);
    };
    const severityText = str();
    const message = str();
    const fields: Record<string, string> = {};
    for (let f = 0; f < fieldCount; f++) {
      const key = str();
      fields[key] = str();
    }
    emit({
      time,
      severity: severity <= Severity.Fatal ? severity : Severity.Unknown,
      severityText,
      message,
      fields,
      line,
      offset: offsetBase + offset,
      malformed: (flags & FLAG_MALFORMED) !== 0,
    });
    pos = end;
  }
  return count;
}

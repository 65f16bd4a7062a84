/**
 * Decoder for the record batch a native plugin writes into the host's output
 * buffer (layout: BATCH.md). One pass over the bytes, no call into the plugin
 * per record, no JSON. Every length is checked against the batch's bounds, so
 * a buggy plugin produces an error naming it, never a wrong record.
 */
import { Severity } from './severity.js';
import { newFields, type LogRecord } from './processor.js';

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

export interface DecodeOptions {
  /**
   * Decode each record's fields only when `fields` is first read, during the
   * `emit` call of that record or a later record of the same batch (the
   * caller may reuse the buffer afterwards: reading `fields` of such a record
   * then throws). The bounds of every field are still checked up front. A
   * record is then a class instance whose `fields` is a getter: read it
   * (`r.fields`), do not spread or structured-clone the record. For `analyze`,
   * which reads fields only for `--field`.
   */
  lazyFields?: boolean;
  /**
   * The length of the input the plugin was given in this call. When set,
   * every record must start inside it (0 <= offset < inputLength) and
   * offsets must not go backwards within the batch: a plugin that writes
   * stream-relative offsets, or a header that claims records left over from
   * an earlier call, fails here instead of producing misplaced records.
   */
  inputLength?: number;
  /**
   * Emit one BatchRecord, overwritten for each record of the batch: nothing
   * is allocated per record, and the message is decoded only when read. A
   * record is valid only during its `emit` call: copy what is kept. Fields
   * are lazy as with `lazyFields`. For `analyze`, whose summary reads the
   * message's bytes for its pattern (BatchRecord.messageAt).
   */
  reuse?: boolean;
  /**
   * With `reuse`: the pattern key (app/analysis/patterns.ts) of each record's
   * message by record index, -1 where unknown, computed for the whole batch
   * at once; the record carries it as BatchRecord.patternKey.
   */
  patternKeys?: Float64Array;
}

/** Buffer's own decoder, without the argument checks of `toString` (which cost more than the decoding of a short string). */
type Utf8Slicer = { utf8Slice(start: number, end: number): string };

/** The part of a batch lazy records decode from; `live` is cleared when decodeBatch returns. */
interface BatchView {
  buf: Buffer;
  live: boolean;
}

class LazyRecord implements LogRecord {
  private decoded: Record<string, string> | undefined = undefined;
  constructor(
    public time: number | null,
    public severity: Severity,
    public severityText: string,
    public message: string,
    public line: number,
    public offset: number,
    public malformed: boolean,
    private readonly view: BatchView,
    /** Where the record's first field key starts, and how many key/value pairs follow (bounds already checked). */
    private readonly fieldsAt: number,
    private readonly fieldCount: number,
  ) {}

  get fields(): Record<string, string> {
    if (this.decoded !== undefined) return this.decoded;
    if (!this.view.live) throw new BatchError('fields of a lazily decoded record read after its batch was done (read them in the emit callback)');
    const fields = decodeFields(this.view.buf as Buffer & Utf8Slicer, this.fieldsAt, this.fieldCount);
    this.decoded = fields;
    return fields;
  }

  set fields(value: Record<string, string>) {
    this.decoded = value;
  }

  toJSON(): LogRecord {
    return { time: this.time, severity: this.severity, severityText: this.severityText, message: this.message, fields: this.fields, line: this.line, offset: this.offset, malformed: this.malformed };
  }
}

/**
 * The one record a `reuse` decode emits, set anew for each record. While its
 * batch is being decoded, `bytes[messageAt, messageAt + messageLength)` are
 * its message's UTF-8 bytes; `message` decodes them when first read.
 */
export class BatchRecord implements LogRecord {
  time: number | null = null;
  severity: Severity = Severity.Unknown;
  severityText = '';
  line = 0;
  offset = 0;
  malformed = false;
  messageAt = 0;
  messageLength = 0;
  /** patternKey of the message, computed with its batch (DecodeOptions.patternKeys); -1 if not. */
  patternKey = -1;
  private text: string | undefined = undefined;
  private decoded: Record<string, string> | undefined = undefined;
  private fieldsAt = 0;
  private fieldCount = 0;

  constructor(private readonly view: BatchView) {}

  /** The batch buffer, while the record is live (its emit call). */
  get bytes(): Buffer {
    return this.view.buf;
  }

  /** True during the record's emit call: its bytes are the batch's. */
  get live(): boolean {
    return this.view.live;
  }

  set(time: number | null, severity: Severity, severityText: string, line: number, offset: number, malformed: boolean,
    messageAt: number, messageLength: number, fieldsAt: number, fieldCount: number, patternKey: number): void {
    this.time = time;
    this.severity = severity;
    this.severityText = severityText;
    this.line = line;
    this.offset = offset;
    this.malformed = malformed;
    this.messageAt = messageAt;
    this.messageLength = messageLength;
    this.patternKey = patternKey;
    this.text = undefined;
    this.decoded = undefined;
    this.fieldsAt = fieldsAt;
    this.fieldCount = fieldCount;
  }

  get message(): string {
    if (this.text !== undefined) return this.text;
    if (!this.view.live) throw new BatchError('message of a reused batch record read after its batch was done (read it in the emit callback)');
    const n = this.messageLength;
    this.text = n === 0 ? '' : (this.view.buf as Buffer & Utf8Slicer).utf8Slice(this.messageAt, this.messageAt + n);
    return this.text;
  }

  set message(value: string) {
    this.text = value;
  }

  get fields(): Record<string, string> {
    if (this.decoded !== undefined) return this.decoded;
    if (!this.view.live) throw new BatchError('fields of a reused batch record read after its batch was done (read them in the emit callback)');
    this.decoded = decodeFields(this.view.buf as Buffer & Utf8Slicer, this.fieldsAt, this.fieldCount);
    return this.decoded;
  }

  set fields(value: Record<string, string>) {
    this.decoded = value;
  }

  toJSON(): LogRecord {
    return { time: this.time, severity: this.severity, severityText: this.severityText, message: this.message, fields: this.fields, line: this.line, offset: this.offset, malformed: this.malformed };
  }
}

/**
 * Short ASCII strings (severity texts: `INFO`, `SEVERE`, `E`) decoded once:
 * up to 7 bytes of 7 bits and the length pack exactly into a number key.
 */
const shortStrings = new Map<number, string>();
const SHORT_STRINGS_MAX = 1024;

function shortString(buf: Buffer & Utf8Slicer, s: number, n: number): string {
  let key = n;
  for (let i = 0; i < n; i++) {
    const c = buf[s + i];
    if (c >= 0x80) return buf.utf8Slice(s, s + n);
    key = key * 128 + c;
  }
  let text = shortStrings.get(key);
  if (text === undefined) {
    text = buf.utf8Slice(s, s + n);
    if (shortStrings.size >= SHORT_STRINGS_MAX) shortStrings.clear();
    shortStrings.set(key, text);
  }
  return text;
}

/**
 * Decodes every record of the batch in `buf` (which starts with the header).
 * `offsetBase` is added to each record's offset (the stream position of the
 * input the plugin was given); severity byte 0 leaves `severity` Unknown for
 * the caller to normalize from `severityText`.
 */
export function decodeBatch(buf: Buffer, offsetBase: number, emit: (r: LogRecord) => void, options?: DecodeOptions): number {
  const { count, byteLength } = readBatchHeader(buf);
  if (byteLength > buf.length) throw new BatchError(`record batch claims ${byteLength} bytes but the buffer holds ${buf.length}`);
  const b = buf as Buffer & Utf8Slicer;
  const view: BatchView | null = options?.lazyFields || options?.reuse ? { buf, live: true } : null;
  const reused = options?.reuse ? new BatchRecord(view!) : null;
  const inputLength = options?.inputLength;
  const keys = options?.patternKeys;
  const keyCount = keys === undefined ? 0 : keys.length;
  let previous = 0;
  try {
    let pos = BATCH_HEADER;
    for (let i = 0; i < count; i++) {
      if (pos + RECORD_HEADER > byteLength) throw new BatchError(`record ${i + 1} of ${count} starts past the end of the batch`);
      const length = u32(b, pos);
      const end = pos + length;
      if (length === 0) throw new BatchError(`record ${i + 1} of ${count} is empty (length 0): the header claims more records than the plugin wrote`);
      if (length < RECORD_HEADER || end > byteLength) throw new BatchError(`record ${i + 1} has length ${length}, outside the batch`);
      const sev = b[pos + 4];
      const severity = sev <= Severity.Fatal ? sev : Severity.Unknown;
      const flags = b[pos + 5];
      const fieldCount = b[pos + 6] | (b[pos + 7] << 8);
      const time = flags & FLAG_HAS_TIME ? u32(b, pos + 8) + i32(b, pos + 12) * 4294967296 : null;
      const line = u32(b, pos + 16) + u32(b, pos + 20) * 4294967296;
      const relative = u32(b, pos + 24) + u32(b, pos + 28) * 4294967296;
      if (inputLength !== undefined) previous = checkOffset(relative, previous, inputLength, i);
      const offset = offsetBase + relative;
      const malformed = (flags & FLAG_MALFORMED) !== 0;
      // Every string's bounds are checked first, so a bad batch fails here, never
      // later when a lazy record's fields are read; the decoding below is unchecked.
      let p = pos + RECORD_HEADER;
      const stringsEnd = checkStrings(b, p, 2 + fieldCount * 2, end, i);
      if (stringsEnd !== end) {
        emit(overfullRecord(end - stringsEnd, fieldCount, line, offset));
        pos = end;
        continue;
      }
      let n = u32(b, p);
      const severityText = n === 0 ? '' : n <= 7 ? shortString(b, p + 4, n) : b.utf8Slice(p + 4, p + 4 + n);
      p += 4 + n;
      n = u32(b, p);
      if (reused !== null) {
        reused.set(time, severity, severityText, line, offset, malformed, p + 4, n, p + 4 + n, fieldCount, i < keyCount ? keys![i] : -1);
        emit(reused);
        pos = end;
        continue;
      }
      const message = n === 0 ? '' : b.utf8Slice(p + 4, p + 4 + n);
      p += 4 + n;
      if (view !== null) emit(new LazyRecord(time, severity, severityText, message, line, offset, malformed, view, p, fieldCount));
      else emit({ time, severity, severityText, message, fields: decodeFields(b, p, fieldCount), line, offset, malformed });
      pos = end;
    }
  } finally {
    if (view !== null) view.live = false;
  }
  return count;
}

/**
 * The little-endian u32 / i32 at b[p]: what readUInt32LE / readInt32LE give,
 * without their argument checks (each read here lies inside bounds checked
 * before it; they were a tenth of decoding a batch).
 */
function u32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
}
function i32(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
}

/** Throws unless record `i` starts inside the input and not before the record `previous` (offsets relative to the call's input); returns its offset. */
function checkOffset(offset: number, previous: number, inputLength: number, i: number): number {
  if (offset >= inputLength) {
    throw new BatchError(`record ${i + 1}: record offset ${offset} is past the ${inputLength} bytes passed in (offsets must be relative to this call's input)`);
  }
  if (offset < previous) throw new BatchError(`record ${i + 1}: record offset ${offset} goes back before the previous record's ${previous}`);
  return offset;
}

/**
 * Zero-fills the batch in `buf` that was just decoded (its header's
 * byte_length, header included; the whole buffer if it claims more). The
 * host reuses its output buffer for the next call: a header that then claims
 * more records than that call wrote finds zeros (record length 0, which
 * fails decoding), never this batch's records decoded a second time.
 */
export function invalidateBatch(buf: Buffer): void {
  const claimed = buf.length >= BATCH_HEADER ? buf.readUInt32LE(8) : buf.length;
  buf.fill(0, 0, Math.min(claimed, buf.length));
}

/**
 * The malformed record that stands for one whose strings end before its
 * record_length: field_count says fewer fields than it holds, as when a C
 * plugin's 16-bit count wraps past 65,535 fields. The record costs only itself.
 */
function overfullRecord(extra: number, fieldCount: number, line: number, offset: number): LogRecord {
  const message = `record has ${extra} bytes after the last of the ${fieldCount} fields its field_count says (more than 65,535 fields?)`;
  return { time: null, severity: Severity.Unknown, severityText: '', message, fields: newFields(), line, offset, malformed: true };
}

/** Throws unless `strings` length-prefixed strings starting at `p` end within `end` (record `i`); returns where they end. */
function checkStrings(b: Buffer, p: number, strings: number, end: number, i: number): number {
  for (let s = 0; s < strings; s++) {
    if (p + 4 > end) throw new BatchError(`record ${i + 1}: string runs past the record`);
    const n = u32(b, p);
    p += 4;
    if (p + n > end) throw new BatchError(`record ${i + 1}: string of ${n} bytes runs past the record`);
    p += n;
  }
  return p;
}

/** `count` key/value pairs from `at`, whose bounds checkStrings has checked. */
function decodeFields(b: Buffer & Utf8Slicer, at: number, count: number): Record<string, string> {
  const fields = newFields<string>();
  let p = at;
  for (let f = 0; f < count; f++) {
    const kn = u32(b, p);
    const key = kn === 0 ? '' : b.utf8Slice(p + 4, p + 4 + kn);
    p += 4 + kn;
    const vn = u32(b, p);
    fields[key] = vn === 0 ? '' : b.utf8Slice(p + 4, p + 4 + vn);
    p += 4 + vn;
  }
  return fields;
}

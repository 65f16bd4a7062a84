/**
 * The built-in `json` processor: newline-delimited JSON (one object per line)
 * and, when the input starts with `[`, one top-level array of objects; also
 * pretty-printed objects one after another. Time, severity and message come
 * from the schema that wrote the object when its keys say which
 * (json-schemas.ts: journald, MongoDB, Docker, ...), else from the usual key
 * names; every other key becomes a field, nested objects flattened with dots
 * (`http.status`), numbers and booleans kept typed. An OTLP logs batch is one
 * record per log record (json-otlp.ts). In a Docker json-file log, a line
 * Docker cut into 16 KiB entries is joined back into one record (partials.ts).
 *
 * NDJSON is read line by line, so one bad line is one malformed record and
 * the next line is fine. A line is read from its bytes when json-fast.ts can
 * (the usual object whose fields nobody asked for yet costs no JSON.parse),
 * else parsed here. Arrays and pretty-printed objects go through a small
 * scanner that finds where each top-level value ends, so neither needs the
 * whole file in memory.
 */
import { Severity } from '../../contract/severity.js';
import { TimeRangeGuard, type Zone } from '../../contract/timestamps.js';
import type { FieldValue, LogRecord, ParseStream, Processor, RecordSink, StreamOptions } from '../../contract/processor.js';
import { fieldText, newFields, ProcessorError } from '../../contract/processor.js';
import { isOtlpBatch, otlpRecords } from './json-otlp.js';
import { isDockerEntry, LEVEL_KEYS, MESSAGE_KEYS, readBySchema, type ReadContext, scalarText, TIME_KEYS, timeOf } from './json-schemas.js';
import { levelSeverity } from './levels.js';
import { FastLineReader } from './json-fast.js';
import { forEachLineSpan, LineCursor, nextLineStart } from './lines.js';
import { type JoinedLine, PartialLines } from './partials.js';
/**
 * Objects and arrays nested deeper than this make a line malformed. JSON.parse
 * copes with any depth, but flattening and JSON.stringify recurse: a line
 * nested 10,000 deep would overflow the stack and end the whole file.
 */
export const MAX_JSON_DEPTH = 1000;

export const jsonProcessor: Processor = {
  name: 'json',
  extensions: ['json', 'ndjson', 'jsonl'],
  origin: { kind: 'builtin' },
  detect(head: Buffer): number {
    const text = head.toString('utf8', 0, Math.min(head.length, 4096)).replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('[')) return /^\[\s*(\{|\]|$)/.test(text) ? 90 : 0;
    if (!text.startsWith('{')) return 0;
    const firstLine = text.split('\n', 1)[0].trim();
    try {
      JSON.parse(firstLine);
      return 90;
    } catch {
      return /^\{\s*("|$)/.test(text) ? 60 : 0;
    }
  },
  /** Only used for NDJSON (see `splittable`): every line is a record. */
  resync: nextLineStart,
  open(options: StreamOptions): ParseStream {
    const unknown = Object.keys(options.options);
    if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (json takes no options)`, 'json', options.source);
    return new JsonStream(options.zone);
  },
};

type Mode = 'undecided' | 'lines' | 'values';

/**
 * A file can be split into line ranges only when it is NDJSON, not one array
 * or pretty-printed values, nor a Docker json-file log: a line Docker split
 * into parts may straddle a range boundary, and no boundary seen from after it
 * can tell (the parts of a stdout line may have stderr lines between them).
 */
export function jsonSplittable(head: Buffer): boolean {
  return decideMode(head, false) === 'lines' && !startsDocker(head);
}

/**
 * Whether the first non-blank line of `head` may be a Docker json-file entry
 * (the stream then joins Docker's partial lines): one, or a line cut by the
 * head's end that starts as Docker writes one (`{"log":`). When in doubt the
 * file is not split, which never changes an answer.
 */
function startsDocker(head: Buffer): boolean {
  const start = skipSpace(head, 0);
  const nl = head.indexOf(10, start);
  const line = head.toString('utf8', start, nl < 0 ? head.length : nl);
  return /^\{\s*"log"\s*:/.test(line) || isDockerLine(line);
}

function isDockerLine(text: string): boolean {
  if (!text.includes('"stream"')) return false;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) && isDockerEntry(v as Record<string, unknown>);
  } catch {
    return false;
  }
}

export class JsonStream implements ParseStream {
  private mode: Mode = 'undecided';
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  private readonly ctx: ReadContext;
  private readonly times = new TimeRangeGuard();
  /** Undefined: every line goes through JSON.parse (the reference the fast path is tested against). */
  private readonly fast: FastLineReader | undefined;
  // State of the value scanner (mode 'values'), kept across calls.
  private line = 1;
  private inArray = false;
  private arrayClosed = false;
  /**
   * Whether the input is a Docker json-file log (its first line is an entry):
   * then lines Docker split into parts are joined (partials.ts). Decided by
   * the first line, as jsonSplittable decides, so that a file's answer is the
   * same however it is read.
   */
  private docker: boolean | undefined;
  private readonly partials = new PartialLines<Record<string, unknown>>();

  constructor(zone: Zone, options: { fastLines?: boolean } = {}) {
    this.ctx = { zone, refMs: Date.now() };
    this.fast = options.fastLines === false ? undefined : new FastLineReader(this.ctx, this.times);
  }

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    if (this.mode === 'undecided') {
      const mode = decideMode(input, eof);
      if (mode === undefined) return 0; // the first line is not complete yet
      this.mode = mode;
    }
    const consumed = this.mode === 'lines' ? this.parseLines(input, eof, emit) : this.parseValues(input, eof, emit);
    this.consumedTotal += consumed;
    if (eof) for (const rest of this.partials.drain()) emit(this.joinedRecord(rest));
    return consumed;
  }

  notes(): string[] {
    return [...this.cursor.notes(), ...this.times.notes(), ...this.partials.notes()];
  }

  close(): void {}

  private parseLines(input: Buffer, eof: boolean, emit: RecordSink): number {
    const fast = this.fast;
    let bytes: LineBytes | undefined;
    let read = 0;
    try {
      return forEachLineSpan(this.cursor, input, eof, (start, end, number) => {
        const offset = this.consumedTotal + start;
        if (this.docker === undefined && !blank(input, start, end)) this.docker = isDockerLine(input.toString('utf8', start, end));
        if (fast?.read(input, start, end)) {
          bytes ??= new LineBytes(input);
          read = end;
          emit(new JsonRecord(fast.time, fast.severity, fast.severityText, fast.message, number, offset, bytes, fast.used, start, end));
          return;
        }
        const text = input.toString('utf8', start, end);
        if (text.trim() !== '') this.emitValue(text, number, offset, emit);
      });
    } finally {
      // The caller reuses `input` once this returns: the records read from it keep a copy of their bytes.
      bytes?.copy(read);
    }
  }

  /** Scans top-level values (or the elements of one top-level array). */
  private parseValues(input: Buffer, eof: boolean, emit: RecordSink): number {
    let pos = this.consumedTotal === 0 && hasBom(input) ? 3 : 0;
    let consumed = 0;
    for (;;) {
      // Skip whitespace, the array's brackets and separating commas, counting lines.
      while (pos < input.length) {
        const c = input[pos];
        if (c === 10) this.line++;
        else if (c === 0x5b && !this.inArray && !this.arrayClosed) this.inArray = true;
        else if (c === 0x5d && this.inArray) { this.inArray = false; this.arrayClosed = true; }
        else if (!(c === 32 || c === 9 || c === 13 || c === 0x2c)) break;
        pos++;
      }
      consumed = pos;
      if (pos >= input.length) return eof ? input.length : consumed;
      const end = valueEnd(input, pos);
      const startLine = this.line;
      if (end < 0) {
        if (!eof) return consumed;
        emit(malformed('unterminated JSON value at end of input', input.toString('utf8', pos, Math.min(input.length, pos + 200)), startLine, this.consumedTotal + pos));
        return input.length;
      }
      const text = input.toString('utf8', pos, end);
      for (let i = pos; i < end; i++) if (input[i] === 10) this.line++;
      this.emitValue(text, startLine, this.consumedTotal + pos, emit);
      pos = end;
    }
  }

  /** Emits the record(s) of one top-level JSON value: one, or one per log record of an OTLP batch. */
  private emitValue(text: string, line: number, offset: number, emit: RecordSink): void {
    if (nestedDeeperThan(text, MAX_JSON_DEPTH)) return emit(malformed(`nested deeper than ${MAX_JSON_DEPTH} levels`, text.slice(0, 200), line, offset));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return emit(malformed(`invalid JSON: ${(err as Error).message}`, text.slice(0, 200), line, offset));
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return emit(malformed(`expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, text.slice(0, 200), line, offset));
    }
    const obj = value as Record<string, unknown>;
    if (isOtlpBatch(obj)) return this.emitOtlp(obj, text, line, offset, emit);
    if (this.docker && isDockerEntry(obj)) return this.emitDocker(obj, line, offset, emit);
    emit(this.toRecord(obj, line, offset));
  }

  /**
   * A Docker json-file entry: a `log` without its `\n` is a part of a longer
   * line (Docker cut it at 16 KiB), kept until the part that ends the line
   * on the same stream; the whole line is one record with the first part's
   * entry (its time, line and offset).
   */
  private emitDocker(obj: Record<string, unknown>, line: number, offset: number, emit: RecordSink): void {
    const stream = obj.stream as string;
    const log = obj.log as string;
    if (!log.endsWith('\n')) {
      const cut = this.partials.partial(stream, log, { line, offset, head: obj });
      if (cut) emit(this.joinedRecord(cut));
      return;
    }
    const whole = this.partials.full(stream, log);
    emit(whole ? this.joinedRecord(whole) : this.toRecord(obj, line, offset));
  }

  private joinedRecord(j: JoinedLine<Record<string, unknown>>): LogRecord {
    return this.toRecord({ ...j.head, log: j.text }, j.line, j.offset);
  }

  private emitOtlp(batch: Record<string, unknown>, text: string, line: number, offset: number, emit: RecordSink): void {
    let records;
    try {
      records = otlpRecords(batch);
    } catch (err) {
      return emit(malformed(`OTLP logs batch: ${(err as Error).message}`, text.slice(0, 200), line, offset));
    }
    for (const r of records) emit({ ...r, time: this.times.check(r.time), line, offset, malformed: false });
  }

  /** The record of one object; also how cri.ts reads a CRI line (as the Docker entry it would be). */
  toRecord(obj: Record<string, unknown>, line: number, offset: number): LogRecord {
    const known = readBySchema(obj, this.ctx);
    if (known?.inner !== undefined && !nestedDeeperThan(known.message, MAX_JSON_DEPTH)) {
      const { obj: inner, wrapper } = known.inner;
      const record = this.toRecord(Object.assign(Object.create(null) as Record<string, unknown>, wrapper, inner), line, offset);
      if (record.time === null) record.time = this.times.check(known.time);
      return record;
    }
    if (known !== undefined) {
      const time = this.times.check(known.time);
      return new JsonRecord(time, known.severity, known.severityText, known.message, line, offset, obj, time !== null ? [known.timeKey, ...known.used] : known.used,
        0, 0, known.extra);
    }
    const timeKey = pickTop(obj, TIME_KEYS);
    const levelKey = pickTop(obj, LEVEL_KEYS);
    const messageKey = pickTop(obj, MESSAGE_KEYS);
    if (timeKey === null || levelKey === null || messageKey === null) return this.toRecordFlat(obj, line, offset);
    // Every key picked is a top-level key (the flattened name of a top-level scalar): no flattening needed
    // unless the record's fields are read (--field, parse), and then only once.
    const time = timeKey ? this.times.check(timeOf(obj[timeKey], this.ctx)) : null;
    const severityText = levelKey ? scalarText(obj[levelKey]) : '';
    const message = messageKey ? scalarText(obj[messageKey]) : '';
    return new JsonRecord(time, levelKey ? levelSeverity(levelKey, obj[levelKey]) : Severity.Unknown, severityText, message, line, offset,
      obj, used(time !== null ? timeKey : undefined, levelKey, messageKey));
  }

  /** The general case: flatten first, then pick from the flattened names (`log.level`). */
  private toRecordFlat(obj: Record<string, unknown>, line: number, offset: number): LogRecord {
    const fields = newFields();
    flatten(obj, '', fields);
    const timeKey = pick(fields, TIME_KEYS);
    const levelKey = pick(fields, LEVEL_KEYS);
    const messageKey = pick(fields, MESSAGE_KEYS);
    const time = timeKey ? this.times.check(timeOf(fields[timeKey], this.ctx)) : null;
    const severityText = levelKey ? fieldText(fields[levelKey]) : '';
    const message = messageKey ? fieldText(fields[messageKey]) : '';
    return new JsonRecord(time, levelKey ? levelSeverity(levelKey, fields[levelKey]) : Severity.Unknown, severityText, message, line, offset,
      obj, used(time !== null ? timeKey : undefined, levelKey, messageKey));
  }
}

function used(...keys: (string | undefined)[]): string[] {
  return keys.filter((k): k is string => k !== undefined);
}

/**
 * The bytes of the lines one parse call read by the fast path, for their
 * records' fields: the caller's input while the call runs, a copy of it
 * after (the caller reuses its buffer).
 */
class LineBytes {
  constructor(public buf: Buffer) {}

  /** Keeps buf[0..end) past the parse call. */
  copy(end: number): void {
    const copy = Buffer.allocUnsafeSlow(end);
    this.buf.copy(copy, 0, 0, end);
    this.buf = copy;
  }
}

/**
 * A record whose fields (every key but the time, level and message, nested
 * objects flattened) are built from the parsed object when first read:
 * `analyze` reads them only for `--field` and the like. The object is the
 * one JSON.parse gave, or, for a line read by the fast path, parsed from
 * its bytes then. The three keys are flattened names, so both ways of
 * finding them (top-level keys, flattened names) end here.
 */
class JsonRecord implements LogRecord {
  readonly malformed = false;
  // Private (#): records read from the same line compare equal (toEqual) whichever way they were read.
  #built: Record<string, FieldValue> | undefined = undefined;
  readonly #source: Record<string, unknown> | LineBytes;
  /** Flattened names the time, severity and message came from. */
  readonly #used: readonly string[];
  /** With LineBytes: where the line's bytes are in it. */
  readonly #start: number;
  readonly #end: number;
  /** Fields read from the message (json-schemas.ts: Reading.extra), after the object's own. */
  readonly #extra: (() => Record<string, FieldValue>) | undefined;

  constructor(
    public time: number | null,
    public severity: Severity,
    public severityText: string,
    public message: string,
    public line: number,
    public offset: number,
    source: Record<string, unknown> | LineBytes,
    used: readonly string[],
    start = 0,
    end = 0,
    extra?: () => Record<string, FieldValue>,
  ) {
    this.#source = source;
    this.#used = used;
    this.#start = start;
    this.#end = end;
    this.#extra = extra;
  }

  get fields(): Record<string, FieldValue> {
    if (this.#built === undefined) {
      const fields = newFields();
      const source = this.#source;
      flatten(source instanceof LineBytes ? JSON.parse(source.buf.toString('utf8', this.#start, this.#end)) as Record<string, unknown> : source, '', fields);
      for (const key of this.#used) delete fields[key];
      if (this.#extra) Object.assign(fields, this.#extra());
      this.#built = fields;
    }
    return this.#built;
  }

  set fields(value: Record<string, FieldValue>) {
    this.#built = value;
  }

  toJSON(): LogRecord {
    return { time: this.time, severity: this.severity, severityText: this.severityText, message: this.message, fields: this.fields, line: this.line, offset: this.offset, malformed: false };
  }
}

/** Whether flatten gives `v` a field of its own (it skips null and recurses into objects). */
function isScalar(v: unknown): boolean {
  return v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v));
}

/**
 * `pick` over the flattened names of `obj` without flattening it: a name
 * without a dot can only come from a top-level key. Null when the answer
 * needs the flattened names (a dotted key such as `log.level` is reached).
 */
function pickTop(obj: Record<string, unknown>, keys: readonly string[]): string | undefined | null {
  for (const k of keys) {
    if (k.includes('.')) return null;
    if (isScalar(obj[k])) return k;
  }
  // Case-insensitive second pass, as in pick: the last name with that lower case wins.
  let lower: Map<string, string> | undefined;
  for (const k of keys) {
    if (lower === undefined) {
      lower = new Map();
      for (const key of Object.keys(obj)) if (!key.includes('.') && isScalar(obj[key])) lower.set(key.toLowerCase(), key);
    }
    const hit = lower.get(k.toLowerCase());
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function pick(fields: Record<string, FieldValue>, keys: string[]): string | undefined {
  for (const k of keys) if (fields[k] !== undefined) return k;
  // Case-insensitive second pass (`Level`, `MESSAGE`), rarely needed.
  const lower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  for (const k of keys) {
    const hit = lower.get(k.toLowerCase());
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Nested objects become dotted names; strings, numbers and booleans keep
 * their JSON type; arrays become their JSON text; null is left out.
 */
function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, FieldValue>): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const name = prefix + key;
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, name + '.', out);
    else out[name] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
}

function malformed(reason: string, raw: string, line: number, offset: number): LogRecord {
  const fields = newFields();
  fields.raw = raw;
  return { time: null, severity: Severity.Unknown, severityText: '', message: reason, fields, line, offset, malformed: true };
}

/**
 * Whether the JSON text nests objects or arrays more than `limit` deep
 * (brackets inside strings do not count). Lines too short to nest that deep
 * are not scanned.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  if (text.length <= 2 * limit) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * NDJSON ('lines') when the first line holds a whole JSON value or is not an
 * object start (each bad line is then malformed on its own); the value
 * scanner for arrays and pretty-printed objects. Undefined: need more input.
 */
function decideMode(input: Buffer, eof: boolean): Mode | undefined {
  const start = skipSpace(input, 0);
  if (start === input.length) return eof ? 'lines' : undefined;
  if (input[start] === 0x5b /* [ */) return 'values';
  const nl = input.indexOf(10, start);
  if (nl < 0 && !eof) return input.length - start < FIRST_LINE_LIMIT ? undefined : 'values';
  try {
    JSON.parse(input.toString('utf8', start, nl < 0 ? input.length : nl));
    return 'lines';
  } catch {
    return input[start] === 0x7b /* { */ ? 'values' : 'lines';
  }
}

/** A first line longer than this is not waited for: the value scanner copes with any length. */
const FIRST_LINE_LIMIT = 1 << 20;

function skipSpace(buf: Buffer, pos: number): number {
  if (hasBom(buf)) pos = 3;
  while (pos < buf.length && (buf[pos] === 32 || buf[pos] === 9 || buf[pos] === 10 || buf[pos] === 13)) pos++;
  return pos;
}

function blank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!(buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) return false;
  return true;
}

function hasBom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/**
 * Index just past the JSON value starting at `pos`, or -1 if the input ends
 * first. Only tracks strings and nesting; JSON.parse judges validity after.
 * A scalar at top level ends at the next separator.
 */
function valueEnd(buf: Buffer, pos: number): number {
  const first = buf[pos];
  if (first !== 0x7b && first !== 0x5b) {
    if (first === 0x22) return stringEnd(buf, pos);
    let i = pos;
    while (i < buf.length && ![10, 13, 32, 9, 0x2c, 0x5d].includes(buf[i])) i++;
    return i < buf.length ? i : -1;
  }
  let depth = 0;
  for (let i = pos; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22) {
      const e = stringEnd(buf, i);
      if (e < 0) return -1;
      i = e - 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

function stringEnd(buf: Buffer, quote: number): number {
  for (let i = quote + 1; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

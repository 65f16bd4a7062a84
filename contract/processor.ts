/**
 * The Processor interface: what the host routes log files to. Built-in
 * processors (json, text) implement it directly; native plugins are adapted to
 * it by app/plugins, so nothing downstream knows or cares where a processor
 * came from. The native ABI itself is logmill.h; this is its TypeScript face.
 */
import type { Severity } from './severity.js';
import type { Zone } from './timestamps.js';

/**
 * A field's value, typed where the format says so: JSON numbers and booleans
 * stay numbers and booleans (`parse` writes them as such, so jq and DuckDB
 * need no casts); text formats and native plugins give strings.
 */
export type FieldValue = string | number | boolean;

/** One log event, normalized. */
export interface LogRecord {
  /** Microseconds since the Unix epoch (UTC), or null when the record has no time. */
  time: number | null;
  severity: Severity;
  /** The severity as written in the log; '' if none. */
  severityText: string;
  message: string;
  /** Other key/value pairs, in the order the processor emitted them. */
  fields: Record<string, FieldValue>;
  /** 1-based line of the record's first byte; 0 when the format has no lines. */
  line: number;
  /** Byte offset of the record's first byte in the (decompressed) stream. */
  offset: number;
  /** True for input that could not be parsed: `message` is the reason. */
  malformed: boolean;
}

export type RecordSink = (record: LogRecord) => void;

/**
 * An empty `fields` object without a prototype: a field named `__proto__`,
 * `constructor` or `toString` is then an ordinary own key, kept when set and
 * absent when not (on `{}`, setting `__proto__` is lost and reading
 * `constructor` finds a function). Processors build fields with it.
 */
export function newFields<V extends FieldValue = FieldValue>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * The value of field `name` as text, or undefined: only the record's own
 * keys count, whatever object the processor built its fields with. The one
 * way to look a field up by a name the user typed (`--field constructor`).
 * A number or boolean reads as JSON writes it (`200`, `1.5`, `true`), the
 * text every field had before fields were typed.
 */
export function fieldValue(r: LogRecord, name: string): string | undefined {
  const v = typedFieldValue(r, name);
  return v === undefined ? undefined : fieldText(v);
}

/** Like fieldValue, with the field's own type (a number stays a number). */
export function typedFieldValue(r: LogRecord, name: string): FieldValue | undefined {
  const fields = r.fields;
  if (!Object.prototype.hasOwnProperty.call(fields, name)) return undefined;
  const v = fields[name];
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : undefined;
}

/** A field value as text: strings as they are, numbers and booleans as JSON writes them. */
export function fieldText(v: FieldValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Where a processor came from, for `logmill plugins` and reports. */
export type ProcessorOrigin =
  | { kind: 'builtin' }
  | { kind: 'plugin'; file: string; version?: string; language?: string; description?: string; about: Record<string, string> }
  /** A format file (app/formats): data run by the built-in worker path. */
  | { kind: 'format'; file: string; description?: string };

export interface StreamOptions {
  /** Zone for stamps without one (`--tz`). */
  zone: Zone;
  /** User options for this processor (`--opt NAME.key=value`, prefix removed). */
  options: Record<string, string>;
  /** Display name of the input, for messages. */
  source: string;
}

/** A processor: one log format. */
export interface Processor {
  /** Format name, `[a-z0-9_-]{1,32}`: what `--format` takes. */
  readonly name: string;
  /** Lower-case extensions without dots this format claims. */
  readonly extensions: readonly string[];
  readonly origin: ProcessorOrigin;
  /**
   * Scores the first bytes of a file (at most 64 KiB, maybe cut mid-record):
   * 0 = certainly not this format, 100 = certainly. Synchronous, no side effects.
   */
  detect?(head: Buffer): number;
  /**
   * Starts parsing one input stream. Throws ProcessorError for options the
   * processor rejects. The stream is used by one caller, in order, then closed.
   */
  open(options: StreamOptions): ParseStream;
  /**
   * Optional: lets logmill split a large file into byte ranges parsed in
   * parallel. `data` starts one byte before the range start; returns the
   * index (>= 1) in `data` of the first record that starts after data[0], or
   * -1 if none starts in `data`. A processor with resync must parse correctly
   * when its stream starts at any such boundary (no file header needed).
   */
  resync?(data: Buffer): number;
}

/** The streaming half of a processor: the contract of ProcessorParse in logmill.h. */
export interface ParseStream {
  /**
   * Parses `input` (the unconsumed bytes of the stream, starting where the
   * last call's consumed count ended) and emits every complete record.
   * Returns the number of bytes consumed. With `eof`, everything must be
   * consumed. Records carry absolute offsets: the stream counts what it has
   * consumed. Throws ProcessorError when the stream cannot continue at all.
   */
  parse(input: Buffer, eof: boolean, emit: RecordSink): number;
  /**
   * Optional, for followed files (`logmill watch`): no input has arrived for
   * a while. Emit the records held back only because more lines might
   * continue them (text's open record with a stack trace to come) and
   * return the bytes consumed; the stream goes on afterwards.
   */
  flushIdle?(input: Buffer, emit: RecordSink): number;
  /** Optional remarks on the stream as a whole, shown with the file (e.g. invalid UTF-8). */
  notes?(): string[];
  close(): void;
}

/**
 * An error raised by or about a processor. It carries the processor's name
 * and, when known, the file and line, so that every message reads
 * `[plugin csv] app.csv:1042: unterminated quote`. Wrapping an error that is
 * already a ProcessorError keeps its tags.
 */
export class ProcessorError extends Error {
  constructor(
    message: string,
    readonly processor: string,
    readonly source?: string,
    readonly line?: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ProcessorError';
  }

  /** `[csv] app.csv:1042: unterminated quote` */
  describe(): string {
    const where = this.source ? `${this.source}${this.line ? `:${this.line}` : ''}: ` : '';
    return `[${this.processor}] ${where}${this.message}`;
  }

  static tag(err: unknown, processor: string, source?: string, line?: number): ProcessorError {
    if (err instanceof ProcessorError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new ProcessorError(message, processor, source, line);
  }
}

export const PROCESSOR_NAME = /^[a-z0-9_-]{1,32}$/;

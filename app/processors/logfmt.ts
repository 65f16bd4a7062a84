/**
 * The built-in `logfmt` processor: one record per line of `key=value` pairs,
 * as Go's slog TextHandler, logrus's TextFormatter, go-kit/log, Grafana,
 * Heroku's router and structlog write them:
 *
 *   time=2026-11-25T10:00:00.123Z level=INFO msg="cache \"warm\"" hits=3
 *
 * Time from `time`, `ts`, `t` or `timestamp`; level from `level`, `lvl`,
 * `severity` or Heroku's `at`; message from `msg`, `message` or `event`.
 * Every other pair is a field (text: logfmt has no types); a bare key is a
 * field with an empty value. Quoted values take Go's escapes (`\"`, `\\`,
 * `\n`, `\t`, `\u00e9`, ...), as strconv.Quote writes them.
 *
 * A line that is not logfmt (a Go panic's stack, a banner) is a record of
 * its own with the line as the message; a line whose quote never closes is
 * a malformed record, so nothing is lost or silently merged.
 *
 * Detection is by content only (logfmt files carry no extension of their
 * own): most lines must be key=value sequences from their first byte, with
 * a time, level or message key. A text line that merely ends in a few
 * pairs (`2026-... INFO user=bob`) starts with bare words and is not logfmt.
 */
import { Severity } from '../../contract/severity.js';
import { parseTimeField, TimeRangeGuard, type Zone } from '../../contract/timestamps.js';
import type { FieldValue, LogRecord, ParseStream, Processor, RecordSink, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { levelSeverity } from './levels.js';
import { forEachRecordLine, LineCursor, nextLineStart } from './lines.js';

const TIME_KEYS = ['time', 'ts', 't', 'timestamp'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'at'];
const MESSAGE_KEYS = ['msg', 'message', 'event'];
const KNOWN_KEYS = new Set([...TIME_KEYS, ...LEVEL_KEYS, ...MESSAGE_KEYS]);

export const logfmtProcessor: Processor = {
  name: 'logfmt',
  extensions: ['logfmt'],
  origin: { kind: 'builtin' },
  detect: detectLogfmt,
  resync: nextLineStart,
  open(options: StreamOptions): ParseStream {
    const unknown = Object.keys(options.options);
    if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (logfmt takes no options)`, 'logfmt', options.source);
    return new LogfmtStream(options.zone);
  },
};

/** One pair of a line: `value` is null for a bare key. */
export interface Pair {
  key: string;
  value: string | null;
}

/** The pairs of a line, or an error naming the 1-based column where it stops being logfmt. */
export type Parsed = { pairs: Pair[] } | { error: string; column: number };

/**
 * Splits a logfmt line: pairs separated by spaces; a key is any run of
 * characters but space, `=` and `"`; a value is quoted (with escapes) or
 * runs to the next space.
 */
export function parseLogfmt(line: string): Parsed {
  const pairs: Pair[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return { pairs };
    const keyStart = i;
    while (i < n && !isSpace(line.charCodeAt(i)) && line[i] !== '=' && line[i] !== '"') i++;
    if (i === keyStart) return { error: line[i] === '"' ? 'a quoted string where a key should be' : 'a value without a key', column: i + 1 };
    const key = line.slice(keyStart, i);
    if (i >= n || isSpace(line.charCodeAt(i))) { pairs.push({ key, value: null }); continue; }
    if (line[i] === '"') return { error: 'a quote inside a key', column: i + 1 };
    i++; // '='
    if (line[i] === '"') {
      const end = quotedEnd(line, i);
      if (end < 0) return { error: 'a quoted value that never ends', column: i + 1 };
      pairs.push({ key, value: unquote(line.slice(i + 1, end - 1)) });
      i = end;
      if (i < n && !isSpace(line.charCodeAt(i))) return { error: 'no space after a quoted value', column: i + 1 };
    } else {
      const start = i;
      while (i < n && !isSpace(line.charCodeAt(i))) i++;
      pairs.push({ key, value: line.slice(start, i) });
    }
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** Index just past the closing quote of the string opening at `open`, or -1. */
function quotedEnd(line: string, open: number): number {
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', a: '\x07', b: '\b', f: '\f', v: '\v', "'": "'" };

/** Go's strconv escapes; an escape Go does not have is kept as written. */
function unquote(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (all, e: string) => {
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e.length === 1) return all;
    const code = e[0] === 'x' || e[0] === 'u' || e[0] === 'U' ? parseInt(e.slice(1), 16) : parseInt(e, 8);
    return code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/**
 * Whether a line reads as logfmt to a detector: it starts with a key=value
 * pair, has at least two pairs with values, more pairs than bare words, and
 * a key logfmt loggers always write (time, level or message).
 */
function isLogfmtLine(line: string): boolean {
  const parsed = parseLogfmt(line);
  return !('error' in parsed) && areLogfmtPairs(parsed.pairs);
}

/** isLogfmtLine's test on a line's pairs, for a caller that parsed the line already. */
export function areLogfmtPairs(pairs: readonly Pair[]): boolean {
  if (pairs.length === 0 || pairs[0].value === null) return false;
  let valued = 0;
  let known = false;
  for (const p of pairs) {
    if (p.value !== null) valued++;
    if (KNOWN_KEYS.has(p.key.toLowerCase())) known = true;
  }
  return known && valued >= 2 && valued > pairs.length - valued;
}

/** 85 when at least 80% of the complete lines of the head (and at least one) are logfmt lines. */
export function detectLogfmt(head: Buffer): number {
  const text = head.toString('utf8', 0, Math.min(head.length, 16384)).replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  if (lines.length > 1 && head.length > 16384) lines.pop(); // maybe cut mid-line
  let total = 0;
  let logfmt = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    total++;
    if (isLogfmtLine(line)) logfmt++;
    if (total === 50) break;
  }
  return logfmt > 0 && logfmt >= 0.8 * total ? 85 : 0;
}

export class LogfmtStream implements ParseStream {
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  private readonly refMs = Date.now();
  private readonly times = new TimeRangeGuard();

  constructor(private readonly zone: Zone) {}

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    const consumed = forEachRecordLine(this.cursor, input, eof, (text, number, start) => emit(this.toRecord(text.replace(/\r$/, ''), number, this.consumedTotal + start)));
    this.consumedTotal += consumed;
    return consumed;
  }

  notes(): string[] {
    return [...this.cursor.notes(), ...this.times.notes()];
  }

  close(): void {}

  private toRecord(text: string, line: number, offset: number): LogRecord {
    const parsed = parseLogfmt(text);
    if ('error' in parsed) {
      if (!text.includes('=')) return plain(text, line, offset);
      const fields = newFields();
      fields.raw = text.slice(0, 200);
      return { time: null, severity: Severity.Unknown, severityText: '', message: `not logfmt at column ${parsed.column}: ${parsed.error}`, fields, line, offset, malformed: true };
    }
    // A line that starts with bare words (`2026-11-25 10:00:00 INFO user=bob`) is text that ends in pairs.
    if (parsed.pairs.length === 0 || parsed.pairs[0].value === null) return plain(text, line, offset);
    const fields = newFields<FieldValue>();
    for (const p of parsed.pairs) fields[p.key] = p.value ?? '';
    const timeKey = pick(fields, TIME_KEYS);
    const levelKey = pick(fields, LEVEL_KEYS);
    const messageKey = pick(fields, MESSAGE_KEYS);
    const time = timeKey ? this.times.check(parseTimeField(fields[timeKey] as string, this.zone, this.refMs)) : null;
    const severityText = levelKey ? (fields[levelKey] as string) : '';
    const message = messageKey ? (fields[messageKey] as string) : '';
    if (timeKey && time !== null) delete fields[timeKey];
    if (levelKey) delete fields[levelKey];
    if (messageKey) delete fields[messageKey];
    const severity = levelKey ? logfmtSeverity(levelKey, severityText) : Severity.Unknown;
    return { time, severity, severityText, message, fields, line, offset, malformed: false };
  }
}

/** log15 (Grafana before 7) writes four-letter levels. */
const LOG15: Record<string, Severity> = { dbug: Severity.Debug, eror: Severity.Error, crit: Severity.Fatal };

function logfmtSeverity(key: string, text: string): Severity {
  const log15 = LOG15[text.toLowerCase()];
  if (log15 !== undefined) return log15;
  // slog writes levels between the named ones as `INFO+2`, `DEBUG-4`: the named level it is relative to.
  return levelSeverity(key, text.replace(/^([A-Za-z]+)[+-]\d+$/, '$1'));
}

/** The first of `keys` present (exact case first, then any case). */
function pick(fields: Record<string, FieldValue>, keys: readonly string[]): string | undefined {
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(fields, k)) return k;
  const lower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  for (const k of keys) {
    const hit = lower.get(k);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** A line that is not logfmt (a panic's stack, a banner): a record with the line as its message. */
function plain(text: string, line: number, offset: number): LogRecord {
  return { time: null, severity: Severity.Unknown, severityText: '', message: text, fields: newFields(), line, offset, malformed: false };
}

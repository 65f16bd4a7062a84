/**
 * The built-in `text` processor: plain log lines. A line with a timestamp
 * where loggers put one (text-time.ts: at the start, after a short prefix,
 * or a few columns in) starts a record; in a file whose records have
 * timestamps, a line without one (a stack trace, a Python traceback,
 * PostgreSQL's DETAIL without a prefix) continues the previous record, as
 * lnav does. A file without timestamps is one record per line, except that
 * Python's `LEVEL:logger:message` lines keep their tracebacks. The level
 * comes from the stamp's shape (glog's letter, `<PRI>`) or from the line
 * (text-level.ts), never from prose; `key=value` pairs become fields
 * (text-fields.ts).
 */
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import { UTC, type Zone } from '../../contract/timestamps.js';
import type { LogRecord, ParseStream, Processor, RecordSink, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { afterHole, LineCursor } from './lines.js';
import { accessLogLevel, findSeverity } from './text-level.js';
import { StampFinder, untimedLead, type LineStamp, type UntimedLead } from './text-time.js';
import { addKeyValues } from './text-fields.js';

export { findSeverity } from './text-level.js';

/** A runaway "record" (a timestamped line followed by endless unstamped ones) is cut here. */
const MAX_CONTINUATION_LINES = 2000;
const LEADING_SEPARATORS = /^[\s:\-|\]]+/;
/** Python logging's basicConfig default, `%(levelname)s:%(name)s:%(message)s`: `INFO:app.db:started`. */
const PYTHON_BASIC = /^([A-Z]{4,8}):[\w.\-]{1,128}:/;

/** java.util.logging's second line: `SEVERE: parse failed`. */
const JUL_LEVEL = /^([A-Z]{4,7}): /;

/**
 * Reads java.util.logging's second line into `record` (its first line,
 * `class method`, becomes the `source` field); false if it is not one.
 */
function takeNextLineLevel(record: LogRecord, text: string): boolean {
  const m = JUL_LEVEL.exec(text);
  const severity = m ? normalizeSeverity(m[1]) : Severity.Unknown;
  if (!m || severity === Severity.Unknown) return false;
  record.fields.source = record.message;
  record.severity = severity;
  record.severityText = m[1];
  record.message = text.slice(m[0].length);
  addKeyValues(record.message, record.fields);
  return true;
}

/** Whether LEADING_SEPARATORS may match at the start of `text`: white space (or any non-ASCII), `:`, `-`, `|`, `]`. */
function startsWithSeparator(text: string): boolean {
  const c = text.charCodeAt(0);
  return c <= 32 || c >= 127 || c === 58 || c === 45 || c === 124 || c === 93;
}

/** Whether `text` starts with a visible ASCII character: then it is not blank (no trim needed to say so). */
function startsVisibly(text: string): boolean {
  const c = text.charCodeAt(0);
  return c > 32 && c < 127;
}

function startsWithLevel(text: string): boolean {
  const m = PYTHON_BASIC.exec(text);
  return m !== null && normalizeSeverity(m[1]) !== Severity.Unknown;
}

export const textProcessor: Processor = {
  name: 'text',
  extensions: ['txt', 'text'],
  origin: { kind: 'builtin' },
  detect: () => 1,
  /**
   * A record starts at a line with a leading timestamp; where no line of
   * `data` has one, every line is a record (a file without timestamps).
   */
  resync(data: Buffer): number {
    const hole = afterHole(data);
    if (hole >= 0) return hole;
    let first = -1;
    const finder = new StampFinder(UTC, Date.now());
    for (let nl = data.indexOf(10); nl >= 0 && nl + 1 < data.length; nl = data.indexOf(10, nl + 1)) {
      if (first < 0) first = nl + 1;
      const head = data.toString('utf8', nl + 1, Math.min(data.length, nl + 160));
      if (finder.peek(head, false)) return nl + 1;
    }
    return first;
  },
  open(options: StreamOptions): ParseStream {
    const unknown = Object.keys(options.options);
    if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (text takes no options)`, 'text', options.source);
    return new TextStream(options.zone);
  },
};

interface OpenRecord {
  record: LogRecord;
  start: number;
  lines: number;
  firstLine: number;
  /** An untimed record in Python logging's default `LEVEL:logger:message` shape: takes the traceback that follows. */
  levelLed: boolean;
  /** java.util.logging: the second line carries `LEVEL: message`. */
  levelOnNextLine: boolean;
  /** MySQL's slow log `# Time:` line: the next line is part of the record, stamped or not. */
  headsNext: boolean;
}

export class TextStream implements ParseStream {
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  private readonly stamps: StampFinder;

  constructor(zone: Zone) {
    this.stamps = new StampFinder(zone, Date.now());
  }

  /** The open record is complete enough once the writer has paused: emit it (complete lines only). */
  flushIdle(input: Buffer, emit: RecordSink): number {
    const lastNewline = input.lastIndexOf(10);
    if (lastNewline < 0) return 0;
    return this.parse(input.subarray(0, lastNewline + 1), true, emit);
  }

  notes(): string[] {
    return this.cursor.notes();
  }

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    let open: OpenRecord | null = null;
    let consumed = 0;
    let nextLine = -1;
    let lastLine = -1;
    const flush = () => {
      if (!open) return;
      emit(open.record);
      open = null;
    };
    for (const line of this.cursor.lines(input, eof)) {
      if (nextLine < 0) nextLine = line.number;
      lastLine = line.number;
      const text = line.text;
      if (line.truncated || line.skip) {
        // An over-long line is a record of its own, emitted at once (its rest streams past).
        flush();
        if (line.truncated) {
          emit(this.record(text, this.stamps.find(text), line.number, line.start));
        }
        consumed = line.next;
        this.stamps.commit();
        nextLine = line.hole ? line.number : line.number + 1;
        continue;
      }
      if (!startsVisibly(text) && text.trim() === '') {
        // Blank lines never make records; inside a record they are kept only if more follows.
        if (!open) {
          consumed = line.next;
          nextLine = line.number + 1;
          this.stamps.commit();
        }
        continue;
      }
      const found = this.stamps.find(text);
      const o = open as OpenRecord | null;
      const lead = found ? null : untimedLead(text);
      const levelLed = !found && (lead !== null || startsWithLevel(text));
      if (o && o.headsNext && o.lines === 1) {
        o.record.message += '\n' + text;
        o.lines++;
        continue;
      }
      if (o && !found && !lead && (o.record.time !== null || (o.levelLed && !levelLed)) && o.lines < MAX_CONTINUATION_LINES) {
        if (o.levelOnNextLine && o.lines === 1 && takeNextLineLevel(o.record, text)) {
          o.lines++;
          continue;
        }
        o.record.message += '\n' + text;
        o.lines++;
        continue;
      }
      flush();
      // Everything before this line belongs to emitted records: consumed.
      consumed = line.start;
      nextLine = line.number;
      this.stamps.commitBeforeLast();
      open = { record: this.record(text, found, line.number, line.start, lead), start: line.start, lines: 1, firstLine: line.number, levelLed, levelOnNextLine: found?.levelOnNextLine === true, headsNext: found?.headsNext === true };
      if (!found && !levelLed) {
        // A record without a time (or a level that leads it) never takes continuation lines: emit it now.
        flush();
        consumed = line.next;
        nextLine = line.number + 1;
        this.stamps.commit();
      }
    }
    if (open && eof) {
      flush();
      consumed = input.length;
    } else if (eof) {
      consumed = input.length;
    }
    if (eof) this.stamps.commit();
    this.stamps.rollback();
    // An open record stays unconsumed: the next call sees it again with more lines.
    if (eof && lastLine >= 0) nextLine = lastLine + 1; // everything consumed (flushIdle goes on after this)
    if (nextLine >= 0) this.cursor.resumeAt(nextLine, consumed);
    this.consumedTotal += consumed;
    return consumed;
  }

  /** A record's first line: timed by `stamp`, or led by its level without a time (`lead`), or neither. */
  private record(text: string, stamp: LineStamp | null, line: number, start: number, lead: UntimedLead | null = null): LogRecord {
    const fields = newFields();
    const shape = stamp ?? lead;
    for (const [k, v] of shape?.fields ?? []) fields[k] = v;
    let rest = shape && !stamp?.inside ? text.slice(shape.end) : text;
    let severityText = '';
    let severity = Severity.Unknown;
    if (shape?.level) {
      severityText = shape.level.text;
      severity = shape.level.severity;
    } else {
      const sev = findSeverity(rest, stamp !== null && !stamp.inside) ?? (stamp ? accessLogLevel(text) : null);
      if (sev) {
        severityText = sev.text;
        severity = sev.severity;
        if (sev.leading) rest = rest.slice(sev.end);
      }
    }
    const message = startsWithSeparator(rest) ? rest.replace(LEADING_SEPARATORS, '') : rest;
    addKeyValues(message, fields);
    return {
      time: stamp?.us ?? null, severity, severityText, message, fields,
      line, offset: this.consumedTotal + start, malformed: false,
    };
  }

  close(): void {}
}

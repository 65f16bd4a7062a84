/**
 * The built-in `text` processor: plain log lines. A line with a timestamp
 * where loggers put one (text-time.ts: at the start, after a short prefix,
 * or a few columns in) starts a record; in a file whose records have
 * timestamps, a line without one (a stack trace, a Python traceback,
 * PostgreSQL's DETAIL without a prefix) continues the previous record, as
 * lnav does. A file without timestamps is one record per line, except that
 * Python's `LEVEL:logger:message` lines keep their tracebacks and PostgreSQL's
 * unprefixed `ERROR:  message` lines their continued statements. The level
 * comes from the stamp's shape (glog's letter, `<PRI>`) or from the line
 * (text-level.ts), never from prose; `key=value` pairs become fields
 * (text-fields.ts).
 */
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import { UTC, type Zone } from '../../contract/timestamps.js';
import type { LogRecord, ParseStream, Processor, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { afterHole, MAX_CONTINUATION_LINES, RecordLineStream, type OpenLines } from './lines.js';
import { accessLogLevel, findSeverity } from './text-level.js';
import { StampFinder, untimedLead, type LineStamp, type UntimedLead } from './text-time.js';
import { addKeyValues } from './text-fields.js';

export { findSeverity } from './text-level.js';

const LEADING_SEPARATORS = /^[\s:\-|\]]+/;
/** Python logging's basicConfig default, `%(levelname)s:%(name)s:%(message)s`: `INFO:app.db:started`. */
const PYTHON_BASIC = /^([A-Z]{4,8}):[\w.\-]{1,128}:/;
/** PostgreSQL's stderr log with an empty log_line_prefix (the default before 10): `ERROR:  message`. */
const POSTGRES_BARE = /^([A-Z]{3,9}[1-5]?):  (?=\S)/;

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

/** An untimed line that its level leads (Python's basicConfig default, PostgreSQL without a prefix): it takes the lines under it. */
function startsWithLevel(text: string): boolean {
  const m = PYTHON_BASIC.exec(text) ?? POSTGRES_BARE.exec(text);
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
      // The line alone, as the stream reads it (without its newline and a CR before it): a stamp
      // that ends the line (`# Time: 261126  5:21:57`) is read the same here.
      let end = data.indexOf(10, nl + 1);
      if (end < 0) end = data.length;
      if (end > nl + 1 && data[end - 1] === 13) end--;
      const head = data.toString('utf8', nl + 1, Math.min(end, nl + 160));
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

interface OpenRecord extends OpenLines {
  lines: number;
  /** An untimed record in Python logging's default `LEVEL:logger:message` shape: takes the traceback that follows. */
  levelLed: boolean;
  /** java.util.logging: the second line carries `LEVEL: message`. */
  levelOnNextLine: boolean;
  /** MySQL's slow log `# Time:` line: the next line is part of the record, stamped or not. */
  headsNext: boolean;
}

export class TextStream extends RecordLineStream<OpenRecord> {
  private readonly stamps: StampFinder;

  constructor(zone: Zone) {
    super();
    this.stamps = new StampFinder(zone, Date.now());
  }

  protected parsed(eof: boolean): void {
    if (eof) this.stamps.commit();
    // What was not consumed (an open record) is read again with the next input: so are its stamps.
    this.stamps.rollback();
  }

  /** walkRecordLines: whether `text` continues `o`, else the record it starts. */
  line(text: string, number: number, start: number, o: OpenRecord | null): OpenRecord | null {
    const found = this.stamps.find(text);
    if (o && o.headsNext && o.lines === 1) {
      o.record.message += '\n' + text;
      o.lines++;
      return null;
    }
    const lead = found ? null : untimedLead(text);
    const levelLed = !found && (lead !== null || startsWithLevel(text));
    if (o && !found && !lead && (o.record.time !== null || (o.levelLed && !levelLed)) && o.lines < MAX_CONTINUATION_LINES) {
      if (o.levelOnNextLine && o.lines === 1 && takeNextLineLevel(o.record, text)) {
        o.lines++;
        return null;
      }
      o.record.message += '\n' + text;
      o.lines++;
      return null;
    }
    return {
      record: this.record(text, found, number, start, lead),
      // A record without a time (or a level that leads it) never takes continuation lines.
      takesMore: found !== null || levelLed,
      lines: 1, levelLed, levelOnNextLine: found?.levelOnNextLine === true, headsNext: found?.headsNext === true,
    };
  }

  /** walkRecordLines: an over-long line, a record of its own. */
  long(text: string, number: number, start: number): LogRecord {
    return this.record(text, this.stamps.find(text), number, start);
  }

  /** walkRecordLines: the stamps seen so far (or before the line just read) are final. */
  consumed(before: boolean): void {
    if (before) this.stamps.commitBeforeLast();
    else this.stamps.commit();
  }

  /** A record's first line: timed by `stamp`, or led by its level without a time (`lead`), or neither. */
  private record(text: string, stamp: LineStamp | null, line: number, start: number, lead: UntimedLead | null = null): LogRecord {
    const { severity, severityText, message, fields } = readTextLine(text, stamp, true, lead);
    return {
      time: stamp?.us ?? null, severity, severityText, message, fields,
      line, offset: this.consumedTotal + start, malformed: false,
    };
  }
}

/**
 * What the text processor reads from a record's first line besides its time:
 * the level (the stamp's or the untimed lead's own, `lead` for a line that
 * starts a record without a time, else the level slot or word: text-level.ts),
 * the message (after the stamp and a leading level word), and the prefix
 * fields and `key=value` pairs (`pairs`: false leaves them out, for a caller
 * that reads them only when asked). Also how a container's text line is read
 * (container-line.ts).
 */
export function readTextLine(text: string, stamp: LineStamp | null, pairs = true, lead: UntimedLead | null = null): Pick<LogRecord, 'severity' | 'severityText' | 'message' | 'fields'> {
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
  if (pairs) addKeyValues(message, fields);
  return { severity, severityText, message, fields };
}

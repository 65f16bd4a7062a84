/**
 * The built-in `text` processor: plain log lines. A line that starts with a
 * timestamp (any shape of TIMESTAMPS.md) starts a record; in a file whose
 * records have timestamps, a line without one (a stack trace, a Python
 * traceback, PostgreSQL's DETAIL without a prefix) continues the previous
 * record, as lnav does. A file without timestamps is one record per line.
 * Severity is the first severity word near the start of the line, when it is
 * written like one: `ERROR`, `[error]`, `<warn>`, `Error:`, `level=info`.
 */
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import { findLeadingTime, UTC, type Zone } from '../../contract/timestamps.js';
import type { LogRecord, ParseStream, Processor, RecordSink, StreamOptions } from '../../contract/processor.js';
import { ProcessorError } from '../../contract/processor.js';
import { afterHole, LineCursor } from './lines.js';

/** A runaway "record" (a timestamped line followed by endless unstamped ones) is cut here. */
const MAX_CONTINUATION_LINES = 2000;

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
    for (let nl = data.indexOf(10); nl >= 0 && nl + 1 < data.length; nl = data.indexOf(10, nl + 1)) {
      if (first < 0) first = nl + 1;
      const head = data.toString('utf8', nl + 1, Math.min(data.length, nl + 64));
      if (findLeadingTime(head, UTC, Date.now())) return nl + 1;
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
}

export class TextStream implements ParseStream {
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  private readonly refMs = Date.now();

  constructor(private readonly zone: Zone) {}

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
          const stamp = findLeadingTime(text, this.zone, this.refMs);
          emit(this.record(text, stamp?.us ?? null, stamp?.length ?? 0, line.number, line.start));
        }
        consumed = line.next;
        nextLine = line.hole ? line.number : line.number + 1;
        continue;
      }
      if (text.trim() === '') {
        // Blank lines never make records; inside a record they are kept only if more follows.
        if (!open) {
          consumed = line.next;
          nextLine = line.number + 1;
        }
        continue;
      }
      const found = findLeadingTime(text, this.zone, this.refMs);
      const o = open as OpenRecord | null;
      if (o && !found && o.record.time !== null && o.lines < MAX_CONTINUATION_LINES) {
        o.record.message += '\n' + text;
        o.lines++;
        continue;
      }
      flush();
      // Everything before this line belongs to emitted records: consumed.
      consumed = line.start;
      nextLine = line.number;
      open = { record: this.record(text, found?.us ?? null, found?.length ?? 0, line.number, line.start), start: line.start, lines: 1, firstLine: line.number };
      if (!found) {
        // A record without a time never takes continuation lines: emit it now.
        flush();
        consumed = line.next;
        nextLine = line.number + 1;
      }
    }
    if (open && eof) {
      flush();
      consumed = input.length;
    } else if (eof) {
      consumed = input.length;
    }
    // An open record stays unconsumed: the next call sees it again with more lines.
    if (eof && lastLine >= 0) nextLine = lastLine + 1; // everything consumed (flushIdle goes on after this)
    if (nextLine >= 0) this.cursor.resumeAt(nextLine, consumed);
    this.consumedTotal += consumed;
    return consumed;
  }

  private record(text: string, time: number | null, stampLength: number, line: number, start: number): LogRecord {
    let rest = stampLength > 0 ? text.slice(stampLength) : text;
    let severityText = '';
    let severity = Severity.Unknown;
    const sev = findSeverity(rest);
    if (sev) {
      severityText = sev.text;
      severity = sev.severity;
      if (sev.leading) rest = rest.slice(sev.end);
    }
    return {
      time, severity, severityText, message: rest.replace(/^[\s:\-|\]]+/, ''), fields: {},
      line, offset: this.consumedTotal + start, malformed: false,
    };
  }

  close(): void {}
}

// A severity word as loggers write it. Lower-case bare words ("an error
// occurred") are prose, not a level, so they need brackets, a colon or `level=`.
// Apache httpd 2.4 writes `[module:level]` (`[proxy:error]`, `[mpm_event:notice]`):
// the level is the word after the colon (group 1); otherwise groups 2-5.
const SEVERITY_TOKEN = /(?:^|[\s|(])(?:\[[A-Za-z][\w.-]{0,40}:([A-Za-z]{3,13}[1-8]?)\](?=$|[\s|),])|(level=|lvl=|severity=)?([[<]?)([A-Za-z]{3,13}[1-5]?)([\]>:]?)(?=$|[\s|),]))/g;

interface FoundSeverity {
  text: string;
  severity: Severity;
  /** True when the word is the first thing on the line: it is then cut from the message. */
  leading: boolean;
  end: number;
}

export function findSeverity(rest: string): FoundSeverity | null {
  const head = rest.length > 160 ? rest.slice(0, 160) : rest;
  SEVERITY_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  let tokens = 0;
  while ((m = SEVERITY_TOKEN.exec(head)) !== null && tokens++ < 8) {
    const module = m[1] !== undefined;
    const word = module ? m[1] : m[4];
    const marked = module || m[2] !== undefined || m[3] !== '' || m[5] !== '';
    if (!marked && word !== word.toUpperCase()) continue;
    // Apache's trace1..trace8 are trace (SEVERITY.md's table has no numbered traces).
    const severity = normalizeSeverity(module && /^trace[1-8]$/i.test(word) ? 'trace' : word);
    if (severity === Severity.Unknown) continue;
    // `level=info` stays in the message: it is part of a key=value line; so
    // does `[proxy:error]`, whose module would otherwise be lost.
    const leading = !module && m[2] === undefined && head.slice(0, m.index).trim() === '';
    return { text: word, severity, leading, end: m.index + m[0].length };
  }
  return null;
}

/**
 * A format file as a Processor: runs in the built-in worker path (a format
 * is data, not native code). A line that one of the format's patterns
 * matches starts a record; with `multiline` (lnav's default) a line that
 * matches none continues the open record, as lnav does; otherwise it is
 * malformed input, named with its line. A line before the first record
 * (a banner, a header) is a record of its own, untimed. A record whose
 * stamp was captured but does not parse is malformed, with the stamp and
 * the format it missed: never silently untimed.
 */
import type { LogRecord, ParseStream, Processor, RecordSink, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import type { Zone } from '../../contract/timestamps.js';
import { afterHole, LineCursor } from '../processors/lines.js';
import { compileFormat, matchLine, parseLine, type CompiledFormat } from './compile.js';
import type { FormatDefinition } from './definition.js';

/** A runaway record (a first line followed by endless unmatched ones) is cut here, as text does. */
const MAX_CONTINUATION_LINES = 2000;
const NO_MATCH_LONG = 'line longer than 8 MiB matches no pattern of the format (only its first 64 KiB are read)';

export function formatProcessor(cf: CompiledFormat): Processor {
  const def = cf.def;
  return {
    name: def.name,
    extensions: [],
    origin: { kind: 'format', file: def.file, description: def.description || def.title || undefined },
    resync(data: Buffer): number {
      const hole = afterHole(data);
      if (hole >= 0) return hole;
      let first = -1;
      for (let nl = data.indexOf(10); nl >= 0 && nl + 1 < data.length; nl = data.indexOf(10, nl + 1)) {
        if (first < 0) first = nl + 1;
        const end = data.indexOf(10, nl + 1);
        if (end < 0) break; // the line is cut: the range reads on to finish it
        if (matchLine(cf, data.toString('utf8', nl + 1, end).replace(/\r$/, ''))) return nl + 1;
      }
      return def.multiline ? -1 : first;
    },
    open(options: StreamOptions): ParseStream {
      const unknown = Object.keys(options.options);
      if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (format files take no options)`, def.name, options.source);
      return new FormatStream(cf, options.zone);
    },
  };
}

/** Compiled formats of this process, by definition: a worker compiles each format once. */
const compiledCache = new Map<string, Processor>();

/** The processor for a definition that crossed from the main process (checked there already). */
export function processorFromDefinition(def: FormatDefinition): Processor {
  const key = JSON.stringify(def);
  let p = compiledCache.get(key);
  if (!p) {
    p = formatProcessor(compileFormat(def));
    compiledCache.set(key, p);
  }
  return p;
}

interface OpenRecord {
  record: LogRecord;
  lines: number;
}

class FormatStream implements ParseStream {
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  private readonly refMs = Date.now();

  constructor(private readonly cf: CompiledFormat, private readonly zone: Zone) {}

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
      if (open) emit(open.record);
      open = null;
    };
    for (const line of this.cursor.lines(input, eof)) {
      if (nextLine < 0) nextLine = line.number;
      lastLine = line.number;
      const text = line.text;
      if (line.truncated || line.skip) {
        // An over-long line is a record of its own, emitted at once (its rest streams past).
        flush();
        if (line.truncated) emit(this.startRecord(text, line.number, this.consumedTotal + line.start) ?? this.malformed(NO_MATCH_LONG, line.number, this.consumedTotal + line.start));
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
      const offset = this.consumedTotal + line.start;
      const record = this.startRecord(text, line.number, offset);
      const o = open as OpenRecord | null;
      if (!record && o && this.cf.def.multiline && o.lines < MAX_CONTINUATION_LINES) {
        o.record.message += '\n' + text;
        o.lines++;
        continue;
      }
      flush();
      // Everything before this line belongs to emitted records: consumed.
      consumed = line.start;
      nextLine = line.number;
      if (record && !record.malformed) {
        open = { record, lines: 1 };
        continue;
      }
      emit(record ?? (this.cf.def.multiline ? this.loose(text, line.number, offset)
        : this.malformed(`line matches no pattern of format "${this.cf.def.name}" (and the format is not multiline)`, line.number, offset)));
      consumed = line.next;
      nextLine = line.number + 1;
    }
    if (eof) {
      flush();
      consumed = input.length;
      if (lastLine >= 0) nextLine = lastLine + 1;
    }
    if (nextLine >= 0) this.cursor.resumeAt(nextLine, consumed);
    this.consumedTotal += consumed;
    return consumed;
  }

  /** The record a line starts: null when no pattern matches; malformed when its stamp does not parse. */
  private startRecord(text: string, line: number, offset: number): LogRecord | null {
    const parsed = parseLine(this.cf, text, this.zone, this.refMs);
    if (!parsed) return null;
    if (parsed.timeError) return this.malformed(parsed.timeError, line, offset);
    const { timeError: _, ...read } = parsed;
    return { ...read, line, offset, malformed: false };
  }

  /** A line before any record (a banner): kept as an untimed record. */
  private loose(text: string, line: number, offset: number): LogRecord {
    return { time: null, severity: Severity.Unknown, severityText: '', message: text, fields: newFields(), line, offset, malformed: false };
  }

  private malformed(reason: string, line: number, offset: number): LogRecord {
    return { time: null, severity: Severity.Unknown, severityText: '', message: reason, fields: newFields(), line, offset, malformed: true };
  }

  close(): void {}
}

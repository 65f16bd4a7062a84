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
import type { LogRecord, ParseStream, Processor, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import type { Zone } from '../../contract/timestamps.js';
import { afterHole, MAX_CONTINUATION_LINES, RecordLineStream, type OpenLines } from '../processors/lines.js';
import { compileFormat, matchLine, parseLine, type CompiledFormat } from './compile.js';
import type { FormatDefinition } from './definition.js';

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

interface OpenRecord extends OpenLines {
  lines: number;
}

class FormatStream extends RecordLineStream<OpenRecord> {
  private readonly refMs = Date.now();

  constructor(private readonly cf: CompiledFormat, private readonly zone: Zone) {
    super();
  }

  /** walkRecordLines: a line that no pattern matches continues the open record (multiline), else the record it starts. */
  line(text: string, number: number, start: number, o: OpenRecord | null): OpenRecord | null {
    const offset = this.consumedTotal + start;
    const record = this.startRecord(text, number, offset);
    if (!record && o && this.cf.def.multiline && o.lines < MAX_CONTINUATION_LINES) {
      o.record.message += '\n' + text;
      o.lines++;
      return null;
    }
    if (record && !record.malformed) return { record, takesMore: true, lines: 1 };
    return {
      record: record ?? (this.cf.def.multiline ? this.loose(text, number, offset)
        : this.malformed(`line matches no pattern of format "${this.cf.def.name}" (and the format is not multiline)`, number, offset)),
      takesMore: false,
      lines: 1,
    };
  }

  /** walkRecordLines: an over-long line, a record of its own. */
  long(text: string, number: number, start: number): LogRecord {
    const offset = this.consumedTotal + start;
    return this.startRecord(text, number, offset) ?? this.malformed(NO_MATCH_LONG, number, offset);
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
}

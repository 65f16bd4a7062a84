/**
 * The built-in `cri` processor: container logs in kubelet's CRI log format,
 * as containerd and CRI-O write them under /var/log/pods and
 * /var/log/containers:
 *
 *   2016-10-06T00:17:09.669794202Z stdout F message
 *
 * A line is the runtime's time (RFC 3339 with nanoseconds, `Z` or an offset:
 * CRI-O writes the node's offset), the stream (`stdout`/`stderr`), the tags
 * (`F` full or `P` partial; a `:`-separated list whose first tag counts, as
 * kubelet reads it) and the container's line. A runtime cuts a line longer
 * than its buffer (containerd 16 KiB, CRI-O 8 KiB) into `P` parts and an `F`
 * last part: they are joined per stream into one record (partials.ts).
 *
 * The container's line is read as Docker's json-file entry with the same
 * `log`, `stream` and `time` is (json-schemas.ts, container-line.ts): a JSON
 * or logfmt line as its object, a text line with the level and fields the
 * `text` processor finds; `stream` is a field. A line not in this shape is a
 * malformed record, with the line.
 *
 * No resync: a line's parts may straddle any boundary a range could start
 * at, so a file is never split into byte ranges (as w3c and zeek files).
 */
import { isUtf8 } from 'node:buffer';
import { UTC } from '../../contract/timestamps.js';
import type { LogRecord, ParseStream, Processor, RecordSink, StreamOptions } from '../../contract/processor.js';
import { ProcessorError } from '../../contract/processor.js';
import { malformedRecord } from './columnar.js';
import { JsonStream } from './json.js';
import { forEachLineSpan, LineCursor } from './lines.js';
import { type JoinedLine, PartialLines } from './partials.js';

/** Time, stream, tags, message: kubelet's parseCRILog, with the time's RFC 3339 shape checked here. */
const CRI_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([^ ]*) /;

/** Enough bytes for the longest prefix (a 35-character time, `stderr`, a few tags). */
const PREFIX_MAX = 128;

export const criProcessor: Processor = {
  name: 'cri',
  extensions: [],
  origin: { kind: 'builtin' },
  /** 95 when the first line and at least 80% of the head's complete lines are CRI lines. */
  detect(head: Buffer): number {
    // The whole head: a first line cut into parts is 16 KiB long. Only each line's start is looked at.
    const lines = head.toString('latin1').split('\n');
    const last = lines.pop()!; // unterminated: maybe cut, and counted only if its prefix is whole
    if (last.length >= PREFIX_MAX) lines.push(last);
    let total = 0;
    let cri = 0;
    for (const line of lines) {
      if (line.trim() === '') continue;
      const ok = CRI_LINE.test(line);
      if (total === 0 && !ok) return 0;
      total++;
      if (ok) cri++;
      if (total === 50) break;
    }
    return cri > 0 && cri >= 0.8 * total ? 95 : 0;
  },
  open(options: StreamOptions): ParseStream {
    const unknown = Object.keys(options.options);
    if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (cri takes no options)`, 'cri', options.source);
    return new CriStream(options.zone);
  },
};

export class CriStream implements ParseStream {
  private readonly cursor = new LineCursor();
  private consumedTotal = 0;
  /** Reads each whole line as a Docker json-file entry (time guard included). */
  private readonly reader: JsonStream;
  /** The time text of a line's first part. */
  private readonly partials = new PartialLines<string, Buffer>();
  private invalidUtf8 = 0;
  private firstInvalidUtf8 = 0;

  constructor(zone = UTC) {
    this.reader = new JsonStream(zone);
  }

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    const consumed = forEachLineSpan(this.cursor, input, eof, (start, end, number) => {
      const offset = this.consumedTotal + start;
      // The prefix is ASCII: decoding a short head finds it; the message is decoded once whole
      // (a part may end inside a UTF-8 character, so parts are joined as bytes).
      const head = input.toString('latin1', start, Math.min(end, start + PREFIX_MAX));
      const m = CRI_LINE.exec(head);
      if (!m) {
        const text = input.toString('utf8', start, end);
        if (text.trim() === '') return;
        if (!isUtf8(input.subarray(start, end))) this.countInvalid(number);
        emit(malformedRecord('cri: not a CRI log line (TIME STREAM TAG MESSAGE)', text, number, offset));
        return;
      }
      const [prefix, time, stream, tags] = m;
      const from = start + prefix.length;
      if (tags.split(':', 1)[0] === 'P') {
        const cut = this.partials.partial(stream, Buffer.from(input.subarray(from, end)), { line: number, offset, head: time });
        if (cut) emit(this.joinedRecord(cut));
        return;
      }
      const whole = this.partials.full(stream, input.subarray(from, end));
      if (!whole && !isUtf8(input.subarray(from, end))) this.countInvalid(number);
      emit(whole ? this.joinedRecord(whole) : this.record(time, stream, input.toString('utf8', from, end), number, offset));
    });
    this.consumedTotal += consumed;
    if (eof) for (const rest of this.partials.drain()) emit(this.joinedRecord(rest));
    return consumed;
  }

  notes(): string[] {
    // The cursor judges UTF-8 line by line, but a part may end inside a character: whole lines are judged here instead.
    this.cursor.invalidUtf8Lines = this.invalidUtf8;
    this.cursor.firstInvalidUtf8Line = this.firstInvalidUtf8;
    return [...this.cursor.notes(), ...this.reader.notes(), ...this.partials.notes()];
  }

  private countInvalid(line: number): void {
    if (this.invalidUtf8++ === 0) this.firstInvalidUtf8 = line;
  }

  close(): void {}

  private joinedRecord(j: JoinedLine<string>): LogRecord {
    if (j.invalidUtf8) this.countInvalid(j.line);
    return this.record(j.head, j.stream, j.text, j.line, j.offset);
  }

  private record(time: string, stream: string, message: string, line: number, offset: number): LogRecord {
    return this.reader.toRecord({ log: message, stream, time }, line, offset);
  }
}

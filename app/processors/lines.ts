/**
 * Line splitting shared by the built-in line-oriented processors: walks the
 * complete lines of a chunk, tracking absolute line numbers, and counts lines
 * that are not valid UTF-8 (they are decoded with U+FFFD replacement).
 *
 * A run of NUL bytes where a line starts is a hole, not text: copytruncate
 * with a writer that does not use O_APPEND leaves the file's old length as
 * NULs, and the writer's next line after them. The run is skipped (the line
 * starts after it), counted, and reported in a note; a hole of any length
 * streams past without being held in memory.
 *
 * The multi-line processors (text, format files) share one record loop,
 * walkRecordLines (and RecordLineStream around it): which lines start a
 * record is theirs to say, what is emitted and consumed when is decided here.
 */
import { isUtf8 } from 'node:buffer';
import type { LogRecord, ParseStream, RecordSink } from '../../contract/processor.js';

/**
 * A line longer than this is not held in memory whole: its first
 * KEEP_BYTES become the line (`truncated`), the rest is skipped as it
 * streams by. So a 100 MB line costs megabytes, not its size.
 */
export const MAX_LINE_BYTES = 8 << 20;
export const KEEP_BYTES = 64 << 10;

export interface Line {
  text: string;
  /** The start of an over-long line: only its first KEEP_BYTES are in `text`. */
  truncated?: boolean;
  /** The skipped rest of an over-long line: consume it, it is not a line of its own. */
  skip?: boolean;
  /** With `skip`: NULs of a hole that goes on past this input; the line they precede keeps `number`. */
  hole?: boolean;
  /** Byte offset of the line start within the input (after a hole of NULs before it). */
  start: number;
  /** Byte offset where `text` ends within the input (before the newline and a CR before it; KEEP_BYTES in when truncated). */
  end: number;
  /** Byte offset just past the line's newline (or the input end at eof). */
  next: number;
  /** Absolute 1-based line number. */
  number: number;
}

const enum Phase { Start, AfterSkip, Bom, Lines, Done }

/** A walk over the lines of one input (LineCursor.walk, step): the line it is at, and where it goes on. */
export class LineWalk {
  start = 0;
  end = 0;
  next = 0;
  number = 0;
  skip = false;
  hole = false;
  truncated = false;
  /** @internal The walk's own state. */
  phase = Phase.Start;
  pos = 0;
  checkUtf8 = false;

  constructor(readonly input: Buffer, readonly eof: boolean, public lineNumber: number) {}

  set(start: number, end: number, next: number, number: number): void {
    this.start = start;
    this.end = end;
    this.next = next;
    this.number = number;
  }
}

export class LineCursor {
  /** Line number of the first line of the next input. */
  private lineBase = 1;
  private checkedThrough = 0;
  private atStreamStart = true;
  /** Inside an over-long line whose start was yielded: its line number. */
  private skippingLine = 0;
  invalidUtf8Lines = 0;
  firstInvalidUtf8Line = 0;
  truncatedLines = 0;
  firstTruncatedLine = 0;
  /** NUL bytes skipped as holes; counted once even when a processor re-reads an input. */
  holeBytes = 0;
  private holeCountedTo = 0;
  /** Offset of the next input in the stream (the bytes consumed so far). */
  private base = 0;

  /**
   * Yields every complete line of `input` (a final unterminated one only at
   * eof). A processor may leave lines unconsumed (an open multi-line record);
   * it says where the next input starts with `resumeAt`. A processor that
   * reads the bytes itself walks them with `walk` and `step` instead (no
   * string or object per line).
   */
  *lines(input: Buffer, eof: boolean): Generator<Line> {
    const walk = new LineWalk(input, eof, this.lineBase);
    while (this.step(walk)) {
      const line: Line = { text: '', start: walk.start, end: walk.end, next: walk.next, number: walk.number };
      if (walk.skip) line.skip = true;
      if (walk.hole) line.hole = true;
      if (walk.truncated) line.truncated = true;
      if (!walk.skip) line.text = input.toString('utf8', walk.start, walk.end);
      yield line;
    }
  }

  /** Starts a walk over the lines of `input`: `step` moves it from line to line, as `lines` does. */
  walk(input: Buffer, eof: boolean): LineWalk {
    return new LineWalk(input, eof, this.lineBase);
  }

  /** Moves `w` to the next line of its input (its fields describe it, as a Line would); false at the end. */
  step(w: LineWalk): boolean {
    const input = w.input;
    w.skip = w.hole = w.truncated = false;
    if (w.phase === Phase.Start) {
      w.checkUtf8 = !isUtf8(input);
      w.phase = Phase.Bom;
      if (this.skippingLine) {
        const nl = input.indexOf(10);
        const ends = nl >= 0 || w.eof;
        const line = this.skippingLine;
        if (ends) this.skippingLine = 0;
        w.set(0, 0, nl >= 0 ? nl + 1 : input.length, line);
        w.skip = true;
        w.phase = ends ? Phase.AfterSkip : Phase.Done;
        return true;
      }
    }
    if (w.phase === Phase.AfterSkip) {
      // What follows the over-long line's end, once the caller asks for more.
      w.pos = w.next;
      w.lineNumber = w.number + 1;
      this.lineBase = w.lineNumber;
      w.phase = Phase.Bom;
    }
    if (w.phase === Phase.Bom) {
      if (this.atStreamStart && input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) w.pos = 3;
      w.phase = Phase.Lines;
    }
    if (w.phase !== Phase.Lines) return false;
    let pos = w.pos;
    const number = w.lineNumber;
    while (pos < input.length) {
      if (input[pos] === 0) {
        const end = nulRunEnd(input, pos);
        this.countHole(pos, end);
        if (end === input.length && !w.eof) {
          w.set(pos, pos, end, number);
          w.skip = w.hole = true;
          w.phase = Phase.Done;
          return true;
        }
        pos = end;
        if (pos === input.length) break;
      }
      let nl = input.indexOf(10, pos);
      if (nl < 0 && !w.eof && input.length - pos > MAX_LINE_BYTES) {
        // Over-long: its start now, the rest skipped as it arrives.
        if (this.truncatedLines++ === 0) this.firstTruncatedLine = number;
        this.skippingLine = number;
        w.set(pos, pos + KEEP_BYTES, input.length, number);
        w.truncated = true;
        w.phase = Phase.Done;
        return true;
      }
      if (nl < 0) {
        if (!w.eof) break;
        nl = input.length;
      }
      const next = Math.min(nl + 1, input.length);
      w.pos = nl + 1;
      w.lineNumber = number + 1;
      if (nl - pos > MAX_LINE_BYTES) {
        if (this.truncatedLines++ === 0) this.firstTruncatedLine = number;
        w.set(pos, pos + KEEP_BYTES, next, number);
        w.truncated = true;
        return true;
      }
      let end = nl;
      if (end > pos && input[end - 1] === 13) end--;
      if (w.checkUtf8 && number > this.checkedThrough && !isUtf8(input.subarray(pos, end))) {
        if (this.invalidUtf8Lines++ === 0) this.firstInvalidUtf8Line = number;
      }
      if (number > this.checkedThrough) this.checkedThrough = number;
      w.set(pos, end, next, number);
      return true;
    }
    w.phase = Phase.Done;
    return false;
  }

  private countHole(from: number, to: number): void {
    const start = Math.max(this.base + from, this.holeCountedTo);
    if (this.base + to <= start) return;
    this.holeBytes += this.base + to - start;
    this.holeCountedTo = this.base + to;
  }

  notes(): string[] {
    const notes: string[] = [];
    if (this.holeBytes > 0) notes.push(`${this.holeBytes} NUL bytes skipped (a sparse hole, as copytruncate leaves)`);
    const n = this.invalidUtf8Lines;
    if (n > 0) notes.push(`${n} line${n > 1 ? 's are' : ' is'} not valid UTF-8 (first: line ${this.firstInvalidUtf8Line}); invalid bytes read as U+FFFD`);
    const t = this.truncatedLines;
    if (t > 0) notes.push(`${t} line${t > 1 ? 's are' : ' is'} longer than ${MAX_LINE_BYTES >> 20} MiB (first: line ${this.firstTruncatedLine}); only the first ${KEEP_BYTES >> 10} KiB of each is kept`);
    return notes;
  }

  /** The next input starts `consumed` bytes into this one, at line `number` (the first line not consumed). */
  resumeAt(number: number, consumed: number): void {
    this.base += consumed;
    if (this.skippingLine) return; // numbering resumes after the over-long line ends
    this.lineBase = number;
    if (consumed > 0) this.atStreamStart = false;
  }
}

function nulRunEnd(data: Buffer, from: number): number {
  let i = from;
  while (i < data.length && data[i] === 0) i++;
  return i;
}

/**
 * For a processor's resync: where data that starts inside a hole of NULs
 * (a byte range cut through one) has its first line, the byte after the
 * hole; -1 when data does not start with a NUL or is all NULs.
 */
export function afterHole(data: Buffer): number {
  if (data.length === 0 || data[0] !== 0) return -1;
  const end = nulRunEnd(data, 0);
  return end < data.length ? end : -1;
}

/**
 * For a processor whose every line is a record (NDJSON, logfmt): walks the
 * lines of `input` and calls `record` for each line that is not blank, with
 * its text, line number and offset within the input; returns the bytes
 * consumed and tells the cursor where the next input starts.
 */
export function forEachRecordLine(cursor: LineCursor, input: Buffer, eof: boolean, record: (text: string, number: number, start: number) => void): number {
  return walkLines(cursor, input, eof, (w) => {
    const text = input.toString('utf8', w.start, w.end);
    if (text.trim() !== '') record(text, w.number, w.start);
  });
}

/**
 * Like forEachRecordLine, for a processor that reads a line's bytes itself
 * (input[start..end)) and decodes only what it keeps: every line is passed,
 * blank or not (the processor decides, as `text.trim() === ''` would).
 */
export function forEachLineSpan(cursor: LineCursor, input: Buffer, eof: boolean, record: (start: number, end: number, number: number) => void): number {
  return walkLines(cursor, input, eof, (w) => record(w.start, w.end, w.number));
}

/** Visits every line that is not skipped bytes; returns the bytes consumed and tells the cursor where the next input starts. */
function walkLines(cursor: LineCursor, input: Buffer, eof: boolean, visit: (w: LineWalk) => void): number {
  let consumed = 0;
  let next = -1;
  const walk = cursor.walk(input, eof);
  while (cursor.step(walk)) {
    consumed = walk.next;
    next = walk.hole ? walk.number : walk.number + 1;
    if (!walk.skip) visit(walk);
  }
  if (eof) consumed = input.length;
  if (next > 0) cursor.resumeAt(next, consumed);
  return consumed;
}

/** resync for a processor whose every line is a record: the start of the next line (after a hole of NULs). */
export function nextLineStart(data: Buffer): number {
  const hole = afterHole(data);
  if (hole >= 0) return hole;
  const nl = data.indexOf(10);
  return nl >= 0 && nl + 1 < data.length ? nl + 1 : -1;
}

/** A runaway record (a first line followed by endless continuation lines) is cut here. */
export const MAX_CONTINUATION_LINES = 2000;

/** A record being read by walkRecordLines: it may take the lines that follow it. */
export interface OpenLines {
  record: LogRecord;
  /** False: the record is complete with its first line (emitted at once, consumed). */
  takesMore: boolean;
}

/** What a multi-line processor says about each line (walkRecordLines). */
export interface RecordLineReader<O extends OpenLines> {
  /**
   * A non-blank line: null when it belongs to `open` (the reader has added
   * it), else the record it starts.
   */
  line(text: string, number: number, start: number, open: O | null): O | null;
  /** The first KEEP_BYTES of an over-long line: the record it makes on its own. */
  long(text: string, number: number, start: number): LogRecord;
  /** Everything before the line just read (`before`) or through it is consumed: what it saw is final. */
  consumed?(before: boolean): void;
}

/**
 * The record loop of a multi-line processor (text, format files): walks the
 * lines of `input`, lets `reader` say which lines start records and which
 * continue the open one, emits each record once complete, and returns the
 * bytes consumed. The open record at the end of a non-final input is not
 * consumed: the next call reads its lines again with what follows. Blank
 * lines never make records. An over-long line is a record of its own,
 * emitted at once (its rest streams past).
 */
export function walkRecordLines<O extends OpenLines>(cursor: LineCursor, input: Buffer, eof: boolean, reader: RecordLineReader<O>, emit: (r: LogRecord) => void): number {
  let open: O | null = null;
  let consumed = 0;
  let nextLine = -1;
  let lastLine = -1;
  const walk = cursor.walk(input, eof);
  while (cursor.step(walk)) {
    if (nextLine < 0) nextLine = walk.number;
    lastLine = walk.number;
    if (walk.truncated || walk.skip) {
      if (open) emit(open.record);
      open = null;
      if (walk.truncated) emit(reader.long(input.toString('utf8', walk.start, walk.end), walk.number, walk.start));
      consumed = walk.next;
      reader.consumed?.(false);
      nextLine = walk.hole ? walk.number : walk.number + 1;
      continue;
    }
    const text = input.toString('utf8', walk.start, walk.end);
    if (isBlank(text)) {
      // Inside a record a blank line waits for what follows; before one it is consumed.
      if (!open) {
        consumed = walk.next;
        nextLine = walk.number + 1;
        reader.consumed?.(false);
      }
      continue;
    }
    const started = reader.line(text, walk.number, walk.start, open);
    if (!started) continue;
    if (open) emit(open.record);
    // Everything before this line belongs to emitted records: consumed.
    consumed = walk.start;
    nextLine = walk.number;
    reader.consumed?.(true);
    open = started;
    if (!started.takesMore) {
      emit(started.record);
      open = null;
      consumed = walk.next;
      nextLine = walk.number + 1;
      reader.consumed?.(false);
    }
  }
  if (eof) {
    if (open) emit(open.record);
    consumed = input.length;
    // Everything consumed (flushIdle goes on after this).
    if (lastLine >= 0) nextLine = lastLine + 1;
  }
  if (nextLine >= 0) cursor.resumeAt(nextLine, consumed);
  return consumed;
}

/**
 * A multi-line processor's stream (text, format files): parse, flushIdle,
 * notes and close around walkRecordLines; a subclass says what each line
 * is (`line`, `long`).
 */
export abstract class RecordLineStream<O extends OpenLines> implements ParseStream, RecordLineReader<O> {
  protected readonly cursor = new LineCursor();
  /** Bytes consumed by earlier parse calls: a record's offset is this plus its start in the input. */
  protected consumedTotal = 0;

  abstract line(text: string, number: number, start: number, open: O | null): O | null;
  abstract long(text: string, number: number, start: number): LogRecord;

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    const consumed = walkRecordLines(this.cursor, input, eof, this, emit);
    this.parsed(eof);
    this.consumedTotal += consumed;
    return consumed;
  }

  /** After each parse call, before the next: what was not consumed is read again. */
  protected parsed(_eof: boolean): void {}

  /** The open record is complete enough once the writer has paused: emit it (complete lines only). */
  flushIdle(input: Buffer, emit: RecordSink): number {
    const lastNewline = input.lastIndexOf(10);
    if (lastNewline < 0) return 0;
    return this.parse(input.subarray(0, lastNewline + 1), true, emit);
  }

  notes(): string[] {
    return this.cursor.notes();
  }

  close(): void {}
}

/** Whether a line is blank; a line that starts with a visible ASCII character is not (no trim needed to say so). */
function isBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  return !(c > 32 && c < 127) && text.trim() === '';
}

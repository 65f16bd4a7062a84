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
 */
import { isUtf8 } from 'node:buffer';

/**
 * A line longer than this is not held in memory whole: its first
 * KEEP_BYTES become the line (`truncated`), the rest is skipped as it
 * streams by. So a 100 MB line costs megabytes, not its size.
 */
export const MAX_LINE_BYTES = 8 << 20;
export const KEEP_BYTES = 64 << 10;

export interface Line {
  /** The line's text; '' when the walk was asked not to decode (`lines(input, eof, false)`): then read bytes start..end. */
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
   * it says where the next input starts with `resumeAt`. With `decode`
   * false, a line's `text` is left '' (its bytes are start..end): for a
   * processor that reads the bytes itself.
   */
  *lines(input: Buffer, eof: boolean, decode = true): Generator<Line> {
    const checkUtf8 = !isUtf8(input);
    let pos = 0;
    let number = this.lineBase;
    if (this.skippingLine) {
      const nl = input.indexOf(10);
      const ends = nl >= 0 || eof;
      const next = nl >= 0 ? nl + 1 : input.length;
      const line = this.skippingLine;
      if (ends) this.skippingLine = 0;
      yield { text: '', skip: true, start: 0, end: 0, next, number: line };
      if (!ends) return;
      pos = next;
      number = line + 1;
      this.lineBase = number;
    }
    if (this.atStreamStart && input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) pos = 3; // BOM
    while (pos < input.length) {
      if (input[pos] === 0) {
        const end = nulRunEnd(input, pos);
        this.countHole(pos, end);
        if (end === input.length && !eof) {
          yield { text: '', skip: true, hole: true, start: pos, end: pos, next: end, number };
          return;
        }
        pos = end;
        if (pos === input.length) break;
      }
      let nl = input.indexOf(10, pos);
      if (nl < 0 && !eof && input.length - pos > MAX_LINE_BYTES) {
        // Over-long: yield its start now, skip the rest as it arrives.
        if (this.truncatedLines++ === 0) this.firstTruncatedLine = number;
        this.skippingLine = number;
        yield { text: decode ? input.toString('utf8', pos, pos + KEEP_BYTES) : '', truncated: true, start: pos, end: pos + KEEP_BYTES, next: input.length, number };
        return;
      }
      if (nl < 0) {
        if (!eof) return;
        nl = input.length;
      }
      if (nl - pos > MAX_LINE_BYTES) {
        if (this.truncatedLines++ === 0) this.firstTruncatedLine = number;
        yield { text: decode ? input.toString('utf8', pos, pos + KEEP_BYTES) : '', truncated: true, start: pos, end: pos + KEEP_BYTES, next: Math.min(nl + 1, input.length), number };
        pos = nl + 1;
        number++;
        continue;
      }
      let end = nl;
      if (end > pos && input[end - 1] === 13) end--;
      if (checkUtf8 && number > this.checkedThrough && !isUtf8(input.subarray(pos, end))) {
        if (this.invalidUtf8Lines++ === 0) this.firstInvalidUtf8Line = number;
      }
      if (number > this.checkedThrough) this.checkedThrough = number;
      yield { text: decode ? input.toString('utf8', pos, end) : '', start: pos, end, next: Math.min(nl + 1, input.length), number };
      pos = nl + 1;
      number++;
    }
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
  return walkLines(cursor, input, eof, true, (line) => {
    if (line.text.trim() !== '') record(line.text, line.number, line.start);
  });
}

/**
 * Like forEachRecordLine, for a processor that reads a line's bytes itself
 * (input[start..end)) and decodes only what it keeps: every line is passed,
 * blank or not (the processor decides, as `text.trim() === ''` would).
 */
export function forEachLineSpan(cursor: LineCursor, input: Buffer, eof: boolean, record: (start: number, end: number, number: number) => void): number {
  return walkLines(cursor, input, eof, false, (line) => record(line.start, line.end, line.number));
}

function walkLines(cursor: LineCursor, input: Buffer, eof: boolean, decode: boolean, visit: (line: Line) => void): number {
  let consumed = 0;
  let next = -1;
  for (const line of cursor.lines(input, eof, decode)) {
    consumed = line.next;
    next = line.hole ? line.number : line.number + 1;
    if (!line.skip) visit(line);
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

/**
 * Line splitting shared by the built-in line-oriented processors: walks the
 * complete lines of a chunk, tracking absolute line numbers, and counts lines
 * that are not valid UTF-8 (they are decoded with U+FFFD replacement).
 */
import { isUtf8 } from 'node:buffer';

export interface Line {
  text: string;
  /** Byte offset of the line start within the input. */
  start: number;
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
  invalidUtf8Lines = 0;
  firstInvalidUtf8Line = 0;

  /**
   * Yields every complete line of `input` (a final unterminated one only at
   * eof). A processor may leave lines unconsumed (an open multi-line record);
   * it says where the next input starts with `resumeAt`.
   */
  *lines(input: Buffer, eof: boolean): Generator<Line> {
    const checkUtf8 = !isUtf8(input);
    let pos = 0;
    let number = this.lineBase;
    if (this.atStreamStart && input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) pos = 3; // BOM
    while (pos < input.length) {
      let nl = input.indexOf(10, pos);
      if (nl < 0) {
        if (!eof) return;
        nl = input.length;
      }
      let end = nl;
      if (end > pos && input[end - 1] === 13) end--;
      if (checkUtf8 && number > this.checkedThrough && !isUtf8(input.subarray(pos, end))) {
        if (this.invalidUtf8Lines++ === 0) this.firstInvalidUtf8Line = number;
      }
      if (number > this.checkedThrough) this.checkedThrough = number;
      yield { text: input.toString('utf8', pos, end), start: pos, next: Math.min(nl + 1, input.length), number };
      pos = nl + 1;
      number++;
    }
  }

  notes(): string[] {
    const n = this.invalidUtf8Lines;
    if (n === 0) return [];
    return [`${n} line${n > 1 ? 's are' : ' is'} not valid UTF-8 (first: line ${this.firstInvalidUtf8Line}); invalid bytes read as U+FFFD`];
  }

  /** The next input starts at line `number` (the first line not consumed). */
  resumeAt(number: number, consumedAny: boolean): void {
    this.lineBase = number;
    if (consumedAny) this.atStreamStart = false;
  }
}

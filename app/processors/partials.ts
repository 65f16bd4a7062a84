/**
 * Lines a container runtime cut into parts, joined back into the one line the
 * program wrote. Docker's json-file driver (daemon/logger/copier.go) and the
 * CRI runtimes (containerd, CRI-O: kubelet's CRI log format) read a
 * container's stdout and stderr in buffers of 16 KiB (CRI-O 8 KiB) and write a
 * longer line as several entries: every part but the last marked partial
 * (Docker: `log` without its `\n`; CRI: the tag `P`), the last one full
 * (Docker: ends in `\n`; CRI: `F`). Each stream is copied by its own
 * goroutine, so a stderr line can sit between the parts of a stdout line:
 * parts are joined per stream.
 *
 * The joined line is one record with the time, line number and offset of its
 * first part (Docker gives every part the first part's time). It is emitted
 * when its last part is read, so records of the other stream read meanwhile
 * come first. Nothing is dropped: a line whose last part never comes (the
 * container stopped mid-line, the file was cut) is a record at the end of the
 * input, as written, and the file gets a note.
 */
import { isUtf8 } from 'node:buffer';

/** Where a joined line's first part was, and what the processor keeps of it (its time). */
export interface FirstPart<T> {
  line: number;
  offset: number;
  head: T;
}

/** A part as the processor has it: text, or bytes when a part may end inside a UTF-8 character (CRI). */
type Part = string | Buffer;

export interface JoinedLine<T> extends FirstPart<T> {
  stream: string;
  text: string;
  /** Parts given as bytes that, joined, are not valid UTF-8 (read with U+FFFD). */
  invalidUtf8?: true;
}

/** A joined line longer than this (characters or bytes) is given out as it stands and the rest starts a new one: memory stays bounded. */
export const MAX_JOINED_CHARS = 64 << 20;

interface Open<T> extends FirstPart<T> {
  parts: Part[];
  length: number;
}

export class PartialLines<T, P extends Part = string> {
  private readonly open = new Map<string, Open<T>>();
  private unfinished = 0;
  private firstUnfinished = 0;
  private cut = 0;

  /** @param maxLength MAX_JOINED_CHARS; smaller in tests. */
  constructor(private readonly maxLength = MAX_JOINED_CHARS) {}

  /**
   * A partial part of `stream`'s current line. Returns a joined line only
   * when the line grew past MAX_JOINED_CHARS (it is then given out as it stands).
   */
  partial(stream: string, text: P, first: FirstPart<T>): JoinedLine<T> | undefined {
    const o = this.open.get(stream);
    if (o === undefined) {
      this.open.set(stream, { ...first, parts: [text], length: text.length });
      return undefined;
    }
    o.parts.push(text);
    o.length += text.length;
    if (o.length <= this.maxLength) return undefined;
    this.cut++;
    this.open.delete(stream);
    return joined(stream, o);
  }

  /**
   * The last part of `stream`'s line: the whole line with its first part's
   * place, or undefined when no part came before it (a line written whole).
   */
  full(stream: string, text: P): JoinedLine<T> | undefined {
    const o = this.open.get(stream);
    if (o === undefined) return undefined;
    this.open.delete(stream);
    o.parts.push(text);
    return joined(stream, o);
  }

  /** At the end of the input: the lines whose last part never came, as written, in file order. */
  drain(): JoinedLine<T>[] {
    const rest = [...this.open.entries()].map(([stream, o]) => joined(stream, o)).sort((a, b) => a.offset - b.offset);
    this.open.clear();
    if (rest.length > 0 && this.unfinished === 0) this.firstUnfinished = rest[0].line;
    this.unfinished += rest.length;
    return rest;
  }

  notes(): string[] {
    const notes: string[] = [];
    const n = this.unfinished;
    if (n > 0) notes.push(`${n} partial line${n > 1 ? 's' : ''} at the end with no final part (first: line ${this.firstUnfinished}), kept as written`);
    if (this.cut > 0) notes.push(`${this.cut} partial line${this.cut > 1 ? 's' : ''} joined past ${this.maxLength} characters (or bytes), given out in several records`);
    return notes;
  }
}

function joined<T>(stream: string, o: Open<T>): JoinedLine<T> {
  const at = { stream, line: o.line, offset: o.offset, head: o.head };
  if (typeof o.parts[0] === 'string') return { ...at, text: o.parts.join('') };
  const bytes = Buffer.concat(o.parts as Buffer[]);
  return isUtf8(bytes) ? { ...at, text: bytes.toString('utf8') } : { ...at, text: bytes.toString('utf8'), invalidUtf8: true };
}

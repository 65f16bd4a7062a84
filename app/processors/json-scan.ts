/**
 * A byte-level reader of one NDJSON line for the `json` processor's fast
 * path: checks that the line is one JSON object (the grammar JSON.parse
 * accepts, RFC 8259) and lists its top-level members, each key interned
 * (looked up by its bytes, decoded once per distinct key) and each value as
 * a kind and a byte span. No string or object is made per line: the caller
 * decodes only the values it keeps.
 *
 * It accepts a subset of what JSON.parse accepts, never more: a line it
 * declines (`scan` returns false) is either invalid JSON or merely unusual
 * (a key with an escape, nesting deeper than MAX_DEPTH, more than
 * MAX_MEMBERS members, a line not starting with `{`), and the caller reads
 * it with JSON.parse, which decides between the two.
 */

export const enum Kind { String = 1, EscapedString, Number, True, False, Null, Object, Array }

/** Top-level members kept per line; a line with more is declined. */
export const MAX_MEMBERS = 512;
/** Nesting below the top-level object that is followed; deeper is declined. */
export const MAX_DEPTH = 64;

/** The top-level members of the last line scanned, in order (duplicate keys included, as written). */
export class Members<K> {
  count = 0;
  readonly keys: K[] = [];
  readonly kinds = new Uint8Array(MAX_MEMBERS);
  /** Value spans: a string's bytes between its quotes; a number's, literal's or container's whole text. */
  readonly starts = new Int32Array(MAX_MEMBERS);
  readonly ends = new Int32Array(MAX_MEMBERS);
}

const TABLE_SIZE = 2048;
/** Distinct byte strings interned; past this, a key is decoded each time it is met. */
const TABLE_LIMIT = TABLE_SIZE / 2;
/** The bytes kept for comparison: the arena starts small (a stream per file) and doubles up to this. */
const ARENA_BYTES = 256 << 10;

/**
 * Byte strings (keys, short values) mapped to what the caller derives from
 * their text, computed once per distinct byte string: open addressing on a
 * FNV-1a hash, bytes kept in one arena for the comparison.
 */
export class Interned<V> {
  private readonly hashes = new Int32Array(TABLE_SIZE);
  private readonly offsets = new Int32Array(TABLE_SIZE).fill(-1);
  private readonly lengths = new Int32Array(TABLE_SIZE);
  private readonly values: V[] = new Array<V>(TABLE_SIZE);
  private arena = new Uint8Array(1024);
  private used = 0;
  private arenaUsed = 0;

  constructor(private readonly derive: (text: string) => V) {}

  /** The slot `get` last found or filled, -1 when it did not keep the bytes (the table is full). */
  lastSlot = -1;

  /** The value for buf[start..end), whose FNV-1a hash (hashBytes) is `hash`. */
  get(buf: Uint8Array, start: number, end: number, hash: number): V {
    const length = end - start;
    for (let slot = hash & (TABLE_SIZE - 1); ; slot = (slot + 1) & (TABLE_SIZE - 1)) {
      const at = this.offsets[slot];
      if (at < 0) return this.add(slot, buf, start, end, hash);
      if (this.hashes[slot] !== hash || this.lengths[slot] !== length) continue;
      let i = 0;
      while (i < length && this.arena[at + i] === buf[start + i]) i++;
      if (i === length) {
        this.lastSlot = slot;
        return this.values[slot];
      }
    }
  }

  /** Whether the bytes kept in `slot` are at buf[start..] followed by `after`: then buf[start + length] is `after`. */
  bytesAt(slot: number, buf: Uint8Array, start: number, end: number, after: number): number {
    if (slot < 0) return -1;
    const length = this.lengths[slot];
    const stop = start + length;
    if (stop >= end || buf[stop] !== after) return -1;
    const at = this.offsets[slot];
    for (let i = 0; i < length; i++) if (this.arena[at + i] !== buf[start + i]) return -1;
    return stop;
  }

  /** The value in `slot` (one bytesAt matched). */
  valueAt(slot: number): V {
    return this.values[slot];
  }

  private add(slot: number, buf: Uint8Array, start: number, end: number, hash: number): V {
    const value = this.derive(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8'));
    const length = end - start;
    this.lastSlot = -1;
    if (this.used >= TABLE_LIMIT || this.arenaUsed + length > ARENA_BYTES) return value;
    if (this.arenaUsed + length > this.arena.length) {
      const bigger = new Uint8Array(Math.min(ARENA_BYTES, Math.max(this.arena.length * 2, this.arenaUsed + length)));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.offsets[slot] = this.arenaUsed;
    this.hashes[slot] = hash;
    this.lengths[slot] = length;
    this.values[slot] = value;
    this.arenaUsed += length;
    this.used++;
    this.lastSlot = slot;
    return value;
  }
}

/** FNV-1a over buf[start..end), as Interned expects it. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}

/** Reads lines into `members`; keys are interned by `keys`. */
export class LineScanner<K> {
  /** Set by stringEnd: whether the string just scanned has a backslash escape. */
  private escaped = false;
  /**
   * The interned slot of the key last seen at each member position: lines
   * of one log mostly repeat their keys in order, so a key is first
   * compared with the one at its place in the line before, then hashed.
   */
  private readonly keySlots = new Int32Array(MAX_MEMBERS).fill(-1);

  constructor(private readonly keys: Interned<K>, readonly members: Members<K>) {}

  /**
   * Whether buf[start..end) is one JSON object with optional JSON
   * whitespace around it, read into `members`; false also for valid lines
   * this reader declines (see the file comment).
   */
  scan(buf: Uint8Array, start: number, end: number): boolean {
    let i = skipSpace(buf, start, end);
    if (i >= end || buf[i] !== 0x7b) return false;
    i = this.topObject(buf, i + 1, end);
    return i >= 0 && skipSpace(buf, i, end) === end;
  }

  private topObject(buf: Uint8Array, i: number, end: number): number {
    const m = this.members;
    m.count = 0;
    i = skipSpace(buf, i, end);
    if (i < end && buf[i] === 0x7d) return i + 1;
    for (;;) {
      if (i >= end || buf[i] !== 0x22 || m.count === MAX_MEMBERS) return -1;
      const n = m.count;
      // The key: the one at this place in the line before, or hashed as it is scanned and looked up
      // (one with an escape or a control character is declined; interned keys have neither).
      const keyStart = i + 1;
      let j = this.keys.bytesAt(this.keySlots[n], buf, keyStart, end, 0x22);
      if (j >= 0) m.keys[n] = this.keys.valueAt(this.keySlots[n]);
      else {
        let h = 0x811c9dc5 | 0;
        for (j = keyStart; j < end; j++) {
          const c = buf[j];
          if (STRING_STOP[c] !== 0) {
            if (c === 0x22) break;
            return -1;
          }
          h = Math.imul(h ^ c, 0x01000193);
        }
        if (j >= end) return -1;
        m.keys[n] = this.keys.get(buf, keyStart, j, h);
        this.keySlots[n] = this.keys.lastSlot;
      }
      i = skipSpace(buf, j + 1, end);
      if (i >= end || buf[i] !== 0x3a) return -1;
      i = skipSpace(buf, i + 1, end);
      if (i >= end) return -1;
      const c = buf[i];
      if (c === 0x22) {
        const e = this.stringEnd(buf, i + 1, end);
        if (e < 0) return -1;
        m.kinds[n] = this.escaped ? Kind.EscapedString : Kind.String;
        m.starts[n] = i + 1;
        m.ends[n] = e;
        i = e + 1;
      } else {
        const e = this.valueEnd(buf, i, end, 1);
        if (e < 0) return -1;
        m.kinds[n] = c === 0x7b ? Kind.Object : c === 0x5b ? Kind.Array : c === 0x74 ? Kind.True : c === 0x66 ? Kind.False : c === 0x6e ? Kind.Null : Kind.Number;
        m.starts[n] = i;
        m.ends[n] = e;
        i = e;
      }
      m.count = n + 1;
      i = skipSpace(buf, i, end);
      if (i >= end) return -1;
      const sep = buf[i];
      if (sep === 0x7d) return i + 1;
      if (sep !== 0x2c) return -1;
      i = skipSpace(buf, i + 1, end);
    }
  }

  /** Index just past the value at buf[i] (not a string: stringEnd reads those), or -1. */
  private valueEnd(buf: Uint8Array, i: number, end: number, depth: number): number {
    const c = buf[i];
    if (c === 0x22) {
      const e = this.stringEnd(buf, i + 1, end);
      return e < 0 ? -1 : e + 1;
    }
    if (c === 0x7b || c === 0x5b) return depth > MAX_DEPTH ? -1 : this.containerEnd(buf, i, end, depth);
    if (c === 0x74) return literal(buf, i, end, TRUE);
    if (c === 0x66) return literal(buf, i, end, FALSE);
    if (c === 0x6e) return literal(buf, i, end, NULL);
    return numberEnd(buf, i, end);
  }

  /** A nested object or array, validated, not recorded. */
  private containerEnd(buf: Uint8Array, i: number, end: number, depth: number): number {
    const isObject = buf[i] === 0x7b;
    const close = isObject ? 0x7d : 0x5d;
    i = skipSpace(buf, i + 1, end);
    if (i < end && buf[i] === close) return i + 1;
    for (;;) {
      if (i >= end) return -1;
      if (isObject) {
        if (buf[i] !== 0x22) return -1;
        const k = this.stringEnd(buf, i + 1, end);
        if (k < 0) return -1;
        i = skipSpace(buf, k + 1, end);
        if (i >= end || buf[i] !== 0x3a) return -1;
        i = skipSpace(buf, i + 1, end);
        if (i >= end) return -1;
      }
      i = this.valueEnd(buf, i, end, depth + 1);
      if (i < 0) return -1;
      i = skipSpace(buf, i, end);
      if (i >= end) return -1;
      const sep = buf[i];
      if (sep === close) return i + 1;
      if (sep !== 0x2c) return -1;
      i = skipSpace(buf, i + 1, end);
    }
  }

  /**
   * The index of the closing quote of the string whose contents start at
   * `i`, or -1 when it is not a valid JSON string (a raw control character,
   * an unknown escape, `\u` without four hex digits, no closing quote).
   * Bytes of 0x80 and up are text: invalid UTF-8 decodes to U+FFFD, which a
   * JSON string may hold.
   */
  private stringEnd(buf: Uint8Array, i: number, end: number): number {
    let escaped = false;
    for (; i < end; i++) {
      const c = buf[i];
      if (STRING_STOP[c] === 0) continue;
      if (c === 0x22) {
        this.escaped = escaped;
        return i;
      }
      if (c === 0x5c) {
        escaped = true;
        if (++i >= end) return -1;
        const e = buf[i];
        if (e === 0x75) {
          if (i + 4 >= end || !isHex(buf[i + 1]) || !isHex(buf[i + 2]) || !isHex(buf[i + 3]) || !isHex(buf[i + 4])) return -1;
          i += 4;
        } else if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) return -1;
      } else if (c < 0x20) return -1;
    }
    return -1;
  }
}

/** Bytes that end a run of plain string content: the quote, the backslash, control characters. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[0x22] = 1;
STRING_STOP[0x5c] = 1;

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function literal(buf: Uint8Array, i: number, end: number, word: readonly number[]): number {
  if (i + word.length > end) return -1;
  for (let k = 1; k < word.length; k++) if (buf[i + k] !== word[k]) return -1;
  return i + word.length;
}

/** JSON's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; what follows is the caller's to check. */
function numberEnd(buf: Uint8Array, i: number, end: number): number {
  if (buf[i] === 0x2d) i++;
  if (i >= end) return -1;
  const first = buf[i];
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) i = digitsEnd(buf, i + 1, end);
  else return -1;
  if (i < end && buf[i] === 0x2e) {
    const from = i + 1;
    i = digitsEnd(buf, from, end);
    if (i === from) return -1;
  }
  if (i < end && (buf[i] | 0x20) === 0x65) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    const from = i;
    i = digitsEnd(buf, from, end);
    if (i === from) return -1;
  }
  return i;
}

function digitsEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  return i;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** JSON whitespace only (JSON.parse accepts no other). */
function skipSpace(buf: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    i++;
  }
  return i;
}

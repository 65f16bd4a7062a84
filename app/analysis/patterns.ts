/**
 * Message patterns: a message with its variable parts masked, so that
 * "user 42 logged in from 10.0.0.7" and "user 7 logged in from 10.0.0.9"
 * count as one pattern, "user <num> logged in from <ip>". Only the first line
 * of a message is used (a stack trace's frames are not its pattern).
 *
 * One regular expression, one pass. Where two masks could start at the same
 * place the first alternative wins, so dates and times come first: a clock
 * (`14:36:25`, `0:00:00.176`) is a `<time>`, not an IPv6 address or a number.
 * IPv6 needs to look like one: `::` (and a digit), or at least 4 groups with a
 * hex letter, or 8 groups.
 */
const H = '[0-9a-fA-F]{1,4}';
const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
// Every alternative below starts with a digit, a hex letter, a colon or a
// quote; saying so up front lets the engine skip the other positions quickly
// (measured 1.1-1.6x faster on the bench's messages, same output).
const MASK = new RegExp(
  `(?=[0-9a-fA-F:"'])(?:${[
    // 2025-06-24, 2025/06/24 (also before the T of an ISO 8601 stamp)
    String.raw`(\b\d{4}-\d{2}-\d{2}(?!\d)|\b\d{4}/\d{2}/\d{2}(?!\d))`,
    // 14:36:25, 0:00:00.176, 05:54:40,123 (not a piece of a longer colon chain)
    String.raw`((?<![\d:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?![\d:]))`,
    String.raw`(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)`,
    // IPv4 with an optional port; IPv6 compressed (with a digit), or ≥4 groups with a hex letter, or 8 groups
    String.raw`(\b${IPV4}(?::\d+)?\b` +
      String.raw`|(?<![\w:])(?:(?=[\w:.]*\d)(?:${H}(?::${H})*)?::(?:(?:${H}:)*(?:${IPV4}|${H}))?` +
      String.raw`|(?=[0-9a-fA-F:]*[a-fA-F])${H}(?::${H}){3,7}|${H}(?::${H}){7})(?![\w:]))`,
    String.raw`(\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b)`,
    String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`,
    // 42, 123.4, 1,000; also with a unit glued on (123.4ms, 5s, 10KiB): the unit stays
    String.raw`\b\d+(?:[.,:]\d+)*(?=[A-Za-z]*\b)`,
  ].join('|')})`,
  'g',
);

const MAX_PATTERN_INPUT = 300;

function mask(_match: string, date?: string, time?: string, uuid?: string, ip?: string, hex?: string, str?: string): string {
  if (date !== undefined) return '<date>';
  if (time !== undefined) return '<time>';
  if (uuid !== undefined) return '<uuid>';
  if (ip !== undefined) return '<ip>';
  if (hex !== undefined) return '<hex>';
  if (str !== undefined) return str[0] + '…' + str[0];
  return '<num>';
}

export function patternOf(message: string): string {
  let line = message;
  const nl = line.indexOf('\n');
  if (nl >= 0) line = line.slice(0, nl);
  if (line.length > MAX_PATTERN_INPUT) line = line.slice(0, MAX_PATTERN_INPUT);
  return line.replace(MASK, mask).trim();
}

/*
 * The same masks by a scanner over the message's UTF-16 code units (or, for
 * a plugin's record, its UTF-8 bytes when they are all ASCII: then bytes and
 * code units are the same), for counting: patternKey hashes the masked first
 * line without building it, so a record whose pattern is already known costs
 * no string. Each alternative of MASK is decided here as the regular
 * expression decides it (the first alternative that matches at the leftmost
 * position wins, greedy with its backtracking); the rare IPv6 candidate (a
 * run of hex digits and colons after a non-word character, holding `::` or
 * three colons) is handed to IPV6_AT, the same expression, at that position.
 * test/unit/pattern-scan.test.ts checks scanPattern against patternOf on
 * generated and real messages.
 *
 * How it runs: the first line (at most MAX_PATTERN_INPUT units) is copied
 * into U, an Int32Array, trimmed, with -1 on both sides of the trimmed text
 * (-1 is "no character": it fails every class test, as the end of the input
 * fails every lookaround), so no read needs a bounds check. The scan writes
 * the masks it finds into SPANS (kind, from, to); the key hashes the text
 * between them and each mask's text; the pattern text is built the same way,
 * only for a key seen for the first time.
 */
const enum Mask { Date, Time, Uuid, Ip, Hex, Str, Num }
const MASK_TEXT = ['<date>', '<time>', '<uuid>', '<ip>', '<hex>', '', '<num>'];
const MASK_CODES = MASK_TEXT.map((t) => Array.from(t, (ch) => ch.charCodeAt(0)));

/** What a scan reports, in order: literal text [from, to), or a mask over [from, to). */
export interface PatternSink {
  literal(s: string, from: number, to: number): void;
  mask(kind: number, s: string, from: number, to: number): void;
}

const IPV6_AT = new RegExp(
  String.raw`(?:(?=[\w:.]*\d)(?:${H}(?::${H})*)?::(?:(?:${H}:)*(?:${IPV4}|${H}))?` +
    String.raw`|(?=[0-9a-fA-F:]*[a-fA-F])${H}(?::${H}){3,7}|${H}(?::${H}){7})(?![\w:])`,
  'y',
);

// Character classes of a code unit c, as CLASS[c & 0xffff] (-1, "no character", reads as U+FFFF: no class).
const HEX = 2;
const WORD = 4;
const LETTER = 8;
/** May start a mask: a hex digit, `:`, `"`, `'`. */
const CAND = 16;
const CLASS = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) CLASS[c] = HEX | WORD | CAND;
for (let c = 65; c <= 90; c++) {
  const hex = c <= 70 ? HEX | CAND : 0;
  CLASS[c] = hex | WORD | LETTER;
  CLASS[c + 32] = hex | WORD | LETTER;
}
CLASS[95] = WORD;
CLASS[58] = CAND;
CLASS[34] = CAND;
CLASS[39] = CAND;

const isDigit = (c: number) => c - 48 >>> 0 < 10;
const isHex = (c: number) => (CLASS[c & 0xffff] & HEX) !== 0;
const isWord = (c: number) => (CLASS[c & 0xffff] & WORD) !== 0;
const isLetter = (c: number) => (CLASS[c & 0xffff] & LETTER) !== 0;

/** String.prototype.trim's white space and line terminators. */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The text being scanned: U[FROM, TO), with U[FROM - 1] and U[TO] (and one more) -1. Module state: nothing allocated per message. */
const U = new Int32Array(MAX_PATTERN_INPUT + 4);
let FROM = 1;
let TO = 1;
/** The masks found, three numbers each: kind, from, to (indices into U). */
const SPANS = new Int32Array(3 * MAX_PATTERN_INPUT);
let SPAN_COUNT = 0;

/** Loads the pattern input of `message` (first line, MAX_PATTERN_INPUT units, trimmed) into U at index 1. */
function loadString(message: string): void {
  let n = message.indexOf('\n');
  if (n < 0) n = message.length;
  if (n > MAX_PATTERN_INPUT) n = MAX_PATTERN_INPUT;
  const u = U;
  for (let j = 0; j < n; j++) u[j + 1] = message.charCodeAt(j);
  let from = 1;
  let to = n + 1;
  while (from < to && isTrimmed(u[from])) from++;
  while (to > from && isTrimmed(u[to - 1])) to--;
  bound(from, to);
}

/**
 * Loads the pattern input of a UTF-8 message at buf[at, at + length) into U;
 * false (nothing loaded) when a byte of that input is not ASCII: only then do
 * bytes and UTF-16 code units differ, and the caller scans the decoded string.
 */
function loadAscii(buf: Uint8Array, at: number, length: number): boolean {
  let n = length < MAX_PATTERN_INPUT ? length : MAX_PATTERN_INPUT;
  const u = U;
  for (let j = 0; j < n; j++) {
    const b = buf[at + j];
    if (b === 10) {
      n = j;
      break;
    }
    if (b >= 0x80) return false;
    u[j + 1] = b;
  }
  let from = 1;
  let to = n + 1;
  while (from < to && (u[from] === 32 || (u[from] >= 9 && u[from] <= 13))) from++;
  while (to > from && (u[to - 1] === 32 || (u[to - 1] >= 9 && u[to - 1] <= 13))) to--;
  bound(from, to);
  return true;
}

function bound(from: number, to: number): void {
  U[from - 1] = -1;
  U[to] = -1;
  U[to + 1] = -1;
  FROM = from;
  TO = to;
}

/** Finds the masks of U[FROM, TO) into SPANS. */
function scan(): void {
  const u = U;
  const end = TO;
  let spans = 0;
  let i = FROM;
  while (i < end) {
    const c = u[i];
    const k = CLASS[c & 0xffff];
    if ((k & CAND) === 0) {
      i++;
      continue;
    }
    const prev = u[i - 1];
    const kp = CLASS[prev & 0xffff];
    const digit = isDigit(c);
    // Inside a word only a <time> may start, at a digit after a non-digit (`T14:36:25`).
    if ((kp & WORD) !== 0 && (k & WORD) !== 0 && (!digit || isDigit(prev))) {
      i++;
      continue;
    }
    const wordStart = (kp & WORD) === 0 && (k & WORD) !== 0; // \b before c
    let kind = -1;
    let to = -1;
    // <date>: \b\d{4}-\d{2}-\d{2}(?!\d) or with /
    if (wordStart && digit && isDigit(u[i + 1]) && isDigit(u[i + 2]) && isDigit(u[i + 3])) {
      const sep = u[i + 4];
      if ((sep === 45 || sep === 47) && isDigit(u[i + 5]) && isDigit(u[i + 6]) && u[i + 7] === sep
        && isDigit(u[i + 8]) && isDigit(u[i + 9]) && !isDigit(u[i + 10])) {
        kind = Mask.Date;
        to = i + 10;
      }
    }
    // <time>: (?<![\d:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?![\d:])
    if (kind < 0 && digit && !isDigit(prev) && prev !== 58 && prev !== 46) {
      to = timeEnd(i);
      if (to >= 0) kind = Mask.Time;
    }
    if (kind < 0 && wordStart) {
      to = uuidEnd(i);
      if (to >= 0) kind = Mask.Uuid;
    }
    if (kind < 0 && wordStart && digit) {
      to = ipv4End(i);
      if (to >= 0) kind = Mask.Ip;
    }
    if (kind < 0 && (kp & WORD) === 0 && prev !== 58 && c !== 34 && c !== 39 && ipv6Candidate(i)) {
      to = ipv6End(i);
      if (to >= 0) kind = Mask.Ip;
    }
    if (kind < 0 && wordStart) {
      to = hexEnd(i);
      if (to >= 0) kind = Mask.Hex;
    }
    if (kind < 0 && (c === 34 || c === 39)) {
      to = quotedEnd(i, c);
      if (to >= 0) kind = Mask.Str;
    }
    if (kind < 0 && wordStart && digit) {
      to = numberEnd(i);
      if (to >= 0) kind = Mask.Num;
    }
    if (kind < 0) {
      i++;
      continue;
    }
    SPANS[spans] = kind;
    SPANS[spans + 1] = i;
    SPANS[spans + 2] = to;
    spans += 3;
    i = to;
  }
  SPAN_COUNT = spans;
}

function timeEnd(i: number): number {
  const u = U;
  let j = i + 1;
  if (isDigit(u[j])) j++;
  if (u[j] !== 58 || !isDigit(u[j + 1]) || !isDigit(u[j + 2]) || u[j + 3] !== 58 || !isDigit(u[j + 4]) || !isDigit(u[j + 5])) return -1;
  j += 6;
  const sep = u[j];
  if ((sep === 46 || sep === 44) && isDigit(u[j + 1])) {
    let k = j + 1;
    while (isDigit(u[k])) k++;
    // 1 to 9 digits not followed by a digit or a colon; else the fraction is left out
    if (k - j - 1 <= 9 && u[k] !== 58) return k;
    return j; // [.,] is neither a digit nor a colon
  }
  return isDigit(sep) || sep === 58 ? -1 : j;
}

function hexRun(i: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (!isHex(U[i + k])) return false;
  return true;
}

function uuidEnd(i: number): number {
  const u = U;
  if (!hexRun(i, 8) || u[i + 8] !== 45 || !hexRun(i + 9, 4) || u[i + 13] !== 45 || !hexRun(i + 14, 4)
    || u[i + 18] !== 45 || !hexRun(i + 19, 4) || u[i + 23] !== 45 || !hexRun(i + 24, 12)) return -1;
  return isWord(u[i + 36]) ? -1 : i + 36;
}

/** \b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b: every octet a whole run of 1-3 digits. */
function ipv4End(i: number): number {
  const u = U;
  let j = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (u[j] !== 46) return -1;
      j++;
    }
    const from = j;
    while (isDigit(u[j])) j++;
    if (j === from || j - from > 3) return -1;
  }
  if (u[j] === 58 && isDigit(u[j + 1])) {
    let k = j + 1;
    while (isDigit(u[k])) k++;
    if (!isWord(u[k])) return k;
  }
  return isWord(u[j]) ? -1 : j;
}

/**
 * Whether IPV6_AT could match at i: every alternative lies in the run of hex
 * digits and colons from i and holds `::` or at least three colons.
 */
function ipv6Candidate(i: number): boolean {
  let colons = 0;
  let double = false;
  for (let j = i; ; j++) {
    const c = U[j];
    if (c === 58) {
      colons++;
      if (U[j + 1] === 58) double = true;
    } else if (!isHex(c)) return double || colons >= 3;
  }
}

/** IPV6_AT at i, on the text from i to the end (its lookaheads read no further back); -1 if no match. */
function ipv6End(i: number): number {
  const text = String.fromCharCode.apply(null, Array.from(U.subarray(i, TO)));
  IPV6_AT.lastIndex = 0;
  const m = IPV6_AT.exec(text);
  return m ? i + m[0].length : -1;
}

/** \b0x[0-9a-fA-F]+\b, or \b a run of 8+ hex digits holding a digit and a letter \b. */
function hexEnd(i: number): number {
  const u = U;
  if (u[i] === 48 && u[i + 1] === 120 && isHex(u[i + 2])) {
    let j = i + 2;
    while (isHex(u[j])) j++;
    if (!isWord(u[j])) return j;
  }
  let j = i;
  let digit = false;
  let letter = false;
  for (let c = u[j]; isHex(c); c = u[++j]) {
    if (isDigit(c)) digit = true;
    else letter = true;
  }
  return j - i >= 8 && digit && letter && !isWord(u[j]) ? j : -1;
}

/** "(?:[^"\\]|\\.)*" (or with '): `.` takes anything but a line terminator. */
function quotedEnd(i: number, q: number): number {
  const u = U;
  for (let j = i + 1; ;) {
    const c = u[j];
    if (c < 0) return -1;
    if (c === q) return j + 1;
    if (c === 92) {
      const n = u[j + 1];
      if (n < 0 || n === 10 || n === 13 || n === 0x2028 || n === 0x2029) return -1;
      j += 2;
    } else j++;
  }
}

/** \b\d+(?:[.,:]\d+)*(?=[A-Za-z]*\b), backtracking as the expression does. */
function numberEnd(i: number): number {
  const u = U;
  let j = i;
  while (isDigit(u[j])) j++;
  let lastSep = -1;
  while ((u[j] === 46 || u[j] === 44 || u[j] === 58) && isDigit(u[j + 1])) {
    lastSep = j;
    j += 2;
    while (isDigit(u[j])) j++;
  }
  let q = j;
  while (isLetter(u[q])) q++;
  if (!isWord(u[q])) return j;
  return lastSep; // without the last group the lookahead sees its separator, not a word character; -1 if none
}

/** A 53-bit hash of the pattern text of the scan in U and SPANS (equal texts, equal keys). */
function hashScan(): number {
  const u = U;
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9747b28c | 0;
  let lit = FROM;
  for (let s = 0; s <= SPAN_COUNT; s += 3) {
    const last = s === SPAN_COUNT;
    const from = last ? TO : SPANS[s + 1];
    for (let j = lit; j < from; j++) {
      const c = u[j];
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    if (last) break;
    const kind = SPANS[s];
    if (kind === Mask.Str) {
      const q = u[from];
      h1 = Math.imul(h1 ^ q, 0x01000193);
      h2 = Math.imul(h2 ^ q, 0x5bd1e995) ^ (h2 >>> 15);
      h1 = Math.imul(h1 ^ 0x2026, 0x01000193);
      h2 = Math.imul(h2 ^ 0x2026, 0x5bd1e995) ^ (h2 >>> 15);
      h1 = Math.imul(h1 ^ q, 0x01000193);
      h2 = Math.imul(h2 ^ q, 0x5bd1e995) ^ (h2 >>> 15);
    } else {
      const codes = MASK_CODES[kind];
      for (let j = 0; j < codes.length; j++) {
        const c = codes[j];
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
      }
    }
    lit = SPANS[s + 2];
  }
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
}

/** Replays the scan of `message` (loaded by loadString: U index = message index + 1) into `sink`. */
function replay(message: string, sink: PatternSink): void {
  let lit = FROM;
  for (let s = 0; s < SPAN_COUNT; s += 3) {
    const from = SPANS[s + 1];
    if (lit < from) sink.literal(message, lit - 1, from - 1);
    sink.mask(SPANS[s], message, from - 1, SPANS[s + 2] - 1);
    lit = SPANS[s + 2];
  }
  if (lit < TO) sink.literal(message, lit - 1, TO - 1);
}

/** Scans the pattern of `message` (as patternOf reads it) into `sink`. */
export function scanPattern(message: string, sink: PatternSink): void {
  loadString(message);
  scan();
  replay(message, sink);
}

/**
 * A number standing for patternOf(message): equal patterns give equal keys,
 * different ones different keys but for a 2^-53 chance. No string is built.
 */
export function patternKey(message: string): number {
  loadString(message);
  scan();
  return hashScan();
}

/**
 * patternKey of the UTF-8 message at buf[at, at + length), read from the
 * bytes (no string): the same key as patternKey of the decoded message.
 * -1 when the pattern input is not all ASCII: then call patternKey on the string.
 */
export function patternKeyOfBytes(buf: Uint8Array, at: number, length: number): number {
  if (!loadAscii(buf, at, length)) return -1;
  scan();
  return hashScan();
}

/** Builds the pattern text of a replayed scan. */
class TextSink implements PatternSink {
  out = '';

  literal(s: string, from: number, to: number): void {
    this.out += s.slice(from, to);
  }

  mask(kind: number, s: string, from: number): void {
    this.out += kind === Mask.Str ? s[from] + '…' + s[from] : MASK_TEXT[kind];
  }
}

/** patternOf(message), by the scanner: for a key seen for the first time. */
export function patternText(message: string): string {
  loadString(message);
  scan();
  return lastPatternText(message);
}

/**
 * patternText(message) when the last scan (patternKey, or patternKeyOfBytes
 * that did not return -1) was of `message`: the text of the key just
 * computed, without scanning again.
 */
export function lastPatternText(message: string): string {
  const sink = new TextSink();
  replay(message, sink);
  return sink.out;
}

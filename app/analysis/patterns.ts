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
 * The same masks by a scanner over the message's characters, for counting:
 * patternKey hashes the masked first line without building it, so a record
 * whose pattern is already known costs no string. Each alternative of MASK is
 * decided here as the regular expression decides it (the first alternative
 * that matches at the leftmost position wins, greedy with its backtracking);
 * the rare IPv6 candidate (a run of hex digits and colons after a non-word
 * character) is handed to IPV6_AT, the same expression, at that position.
 * test/unit/pattern-scan.test.ts checks scanPattern against patternOf on
 * generated and real messages.
 */
const enum Mask { Date, Time, Uuid, Ip, Hex, Str, Num }
const MASK_TEXT = ['<date>', '<time>', '<uuid>', '<ip>', '<hex>', '', '<num>'];

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

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}
function isLetter(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}
/** String.prototype.trim's white space and line terminators. */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Scans the pattern of `message` (as patternOf reads it) into `sink`. */
export function scanPattern(message: string, sink: PatternSink): void {
  let end = message.indexOf('\n');
  if (end < 0) end = message.length;
  if (end > MAX_PATTERN_INPUT) end = MAX_PATTERN_INPUT;
  let start = 0;
  while (start < end && isTrimmed(message.charCodeAt(start))) start++;
  while (end > start && isTrimmed(message.charCodeAt(end - 1))) end--;
  const s = message;
  S = s;
  FROM = start;
  TO = end;
  let lit = start;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (!(isHex(c) || c === 58 || c === 34 || c === 39)) {
      i++;
      continue;
    }
    const prev = at(i - 1);
    const wordStart = !isWord(prev) && isWord(c); // \b before c
    let kind = -1;
    let to = -1;
    // <date>: \b\d{4}-\d{2}-\d{2}(?!\d) or with /
    if (wordStart && isDigit(c) && isDigit(at(i + 1)) && isDigit(at(i + 2)) && isDigit(at(i + 3))) {
      const sep = at(i + 4);
      if ((sep === 45 || sep === 47) && isDigit(at(i + 5)) && isDigit(at(i + 6)) && at(i + 7) === sep
        && isDigit(at(i + 8)) && isDigit(at(i + 9)) && !isDigit(at(i + 10))) {
        kind = Mask.Date;
        to = i + 10;
      }
    }
    // <time>: (?<![\d:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?![\d:])
    if (kind < 0 && isDigit(c) && !isDigit(prev) && prev !== 58 && prev !== 46) to = timeEnd(i);
    if (to >= 0 && kind < 0) kind = Mask.Time;
    if (kind < 0 && wordStart) {
      to = uuidEnd(i);
      if (to >= 0) kind = Mask.Uuid;
    }
    if (kind < 0 && wordStart && isDigit(c)) {
      to = ipv4End(i);
      if (to >= 0) kind = Mask.Ip;
    }
    if (kind < 0 && !isWord(prev) && prev !== 58 && c !== 34 && c !== 39 && hexColonRunHasColon(i)) {
      IPV6_AT.lastIndex = i;
      const m = IPV6_AT.exec(s.slice(0, end));
      if (m) {
        kind = Mask.Ip;
        to = i + m[0].length;
      }
    }
    if (kind < 0 && wordStart) {
      to = hexEnd(i);
      if (to >= 0) kind = Mask.Hex;
    }
    if (kind < 0 && (c === 34 || c === 39)) {
      to = quotedEnd(i, c);
      if (to >= 0) kind = Mask.Str;
    }
    if (kind < 0 && wordStart && isDigit(c)) {
      to = numberEnd(i);
      if (to >= 0) kind = Mask.Num;
    }
    if (kind < 0) {
      i++;
      continue;
    }
    if (lit < i) sink.literal(s, lit, i);
    sink.mask(kind, s, i, to);
    i = lit = to;
  }
  if (lit < end) sink.literal(s, lit, end);
}

// The text being scanned and its bounds, for `at` (module state: no closure per message).
let S = '';
let FROM = 0;
let TO = 0;

/** The character at i; outside the scanned [FROM, TO) "no character" (-1), the same to every lookaround as trimmed white space. */
function at(i: number): number {
  return i >= FROM && i < TO ? S.charCodeAt(i) : -1;
}

function timeEnd(i: number): number {
  let j = i + 1;
  if (isDigit(at(j))) j++;
  if (at(j) !== 58 || !isDigit(at(j + 1)) || !isDigit(at(j + 2)) || at(j + 3) !== 58 || !isDigit(at(j + 4)) || !isDigit(at(j + 5))) return -1;
  j += 6;
  const sep = at(j);
  if ((sep === 46 || sep === 44) && isDigit(at(j + 1))) {
    let k = j + 1;
    while (isDigit(at(k))) k++;
    // 1 to 9 digits not followed by a digit or a colon; else the fraction is left out
    if (k - j - 1 <= 9 && at(k) !== 58) return k;
    return j; // [.,] is neither a digit nor a colon
  }
  return isDigit(sep) || sep === 58 ? -1 : j;
}

function hexRun(i: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (!isHex(at(i + k))) return false;
  return true;
}

function uuidEnd(i: number): number {
  if (!hexRun(i, 8) || at(i + 8) !== 45 || !hexRun(i + 9, 4) || at(i + 13) !== 45 || !hexRun(i + 14, 4)
    || at(i + 18) !== 45 || !hexRun(i + 19, 4) || at(i + 23) !== 45 || !hexRun(i + 24, 12)) return -1;
  return isWord(at(i + 36)) ? -1 : i + 36;
}

/** \b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b: every octet a whole run of 1-3 digits. */
function ipv4End(i: number): number {
  let j = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (at(j) !== 46) return -1;
      j++;
    }
    const from = j;
    while (isDigit(at(j))) j++;
    if (j === from || j - from > 3) return -1;
  }
  if (at(j) === 58 && isDigit(at(j + 1))) {
    let k = j + 1;
    while (isDigit(at(k))) k++;
    if (!isWord(at(k))) return k;
  }
  return isWord(at(j)) ? -1 : j;
}

function hexColonRunHasColon(i: number): boolean {
  for (let j = i; ; j++) {
    const c = at(j);
    if (c === 58) return true;
    if (!isHex(c)) return false;
  }
}

/** \b0x[0-9a-fA-F]+\b, or \b a run of 8+ hex digits holding a digit and a letter \b. */
function hexEnd(i: number): number {
  if (at(i) === 48 && at(i + 1) === 120 && isHex(at(i + 2))) {
    let j = i + 2;
    while (isHex(at(j))) j++;
    if (!isWord(at(j))) return j;
  }
  let j = i;
  let digit = false;
  let letter = false;
  for (let c = at(j); isHex(c); c = at(++j)) {
    if (isDigit(c)) digit = true;
    else letter = true;
  }
  return j - i >= 8 && digit && letter && !isWord(at(j)) ? j : -1;
}

/** "(?:[^"\\]|\\.)*" (or with '): `.` takes anything but a line terminator. */
function quotedEnd(i: number, q: number): number {
  for (let j = i + 1; ;) {
    const c = at(j);
    if (c < 0) return -1;
    if (c === q) return j + 1;
    if (c === 92) {
      const n = at(j + 1);
      if (n < 0 || n === 10 || n === 13 || n === 0x2028 || n === 0x2029) return -1;
      j += 2;
    } else j++;
  }
}

/** \b\d+(?:[.,:]\d+)*(?=[A-Za-z]*\b), backtracking as the expression does. */
function numberEnd(i: number): number {
  let j = i;
  while (isDigit(at(j))) j++;
  let lastSep = -1;
  while ((at(j) === 46 || at(j) === 44 || at(j) === 58) && isDigit(at(j + 1))) {
    lastSep = j;
    j += 2;
    while (isDigit(at(j))) j++;
  }
  let q = j;
  while (isLetter(at(q))) q++;
  if (!isWord(at(q))) return j;
  return lastSep; // without the last group the lookahead sees its separator, not a word character; -1 if none
}

/** A 53-bit hash of the pattern text, computed as scanPattern goes (equal texts, equal keys). */
class KeySink implements PatternSink {
  h1 = 0x811c9dc5;
  h2 = 0x9747b28c;

  reset(): void {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x9747b28c;
  }

  private char(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ c, 0x5bd1e995) ^ (this.h2 >>> 15);
  }

  literal(s: string, from: number, to: number): void {
    for (let i = from; i < to; i++) this.char(s.charCodeAt(i));
  }

  mask(kind: number, s: string, from: number): void {
    if (kind === Mask.Str) {
      const q = s.charCodeAt(from);
      this.char(q);
      this.char(0x2026);
      this.char(q);
      return;
    }
    const text = MASK_TEXT[kind];
    for (let i = 0; i < text.length; i++) this.char(text.charCodeAt(i));
  }

  key(): number {
    return (this.h1 >>> 0) * 0x200000 + (this.h2 >>> 11);
  }
}

const keySink = new KeySink();

/**
 * A number standing for patternOf(message): equal patterns give equal keys,
 * different ones different keys but for a 2^-53 chance. No string is built.
 */
export function patternKey(message: string): number {
  keySink.reset();
  scanPattern(message, keySink);
  return keySink.key();
}

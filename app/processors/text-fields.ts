/**
 * The obvious `key=value` pairs of a plain-text log line, as record fields:
 * `user=alice status=200 path="/a b"` in a message, `[Originator@6876
 * sub=vpxLro opID=7e1280cf]`. A key is a word (`[A-Za-z_][\w.-]*`, at most
 * 64 characters) at the start of the message or after a space or `[`/`(`;
 * a value is a double-quoted string (with `\"` escapes, unquoted in the
 * field) or runs to the next space, without the `,;)]}` that close the
 * phrase it sits in. Only the record's first line is read, and only its
 * first MAX_PAIRS pairs: a query string (`?a=1&b=2`) or `a == b` in prose is
 * not a pair. The first of two equal keys wins.
 *
 * A hand scan from each `=` (not a regex tried at every position): a line
 * without `=` costs one indexOf.
 */
import type { FieldValue } from '../../contract/processor.js';
const MAX_PAIRS = 64;
const MAX_KEY = 64;

const isKeyStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isKeyChar = (c: number) => isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
/** Space, tab, `[`, `(`: what may stand before a key. */
const isKeyBoundary = (c: number) => c === 32 || c === 9 || c === 91 || c === 40;
/** `,;)]}`: closing punctuation cut from the end of an unquoted value. */
const isTrailing = (c: number) => c === 44 || c === 59 || c === 41 || c === 93 || c === 125;

export function addKeyValues(message: string, fields: Record<string, FieldValue>): void {
  let eq = message.indexOf('=');
  if (eq < 0) return;
  const nl = message.indexOf('\n');
  const end = nl < 0 ? message.length : nl;
  let pairs = 0;
  while (eq >= 0 && eq < end && pairs < MAX_PAIRS) {
    let k = eq;
    while (k > 0 && eq - k < MAX_KEY && isKeyChar(message.charCodeAt(k - 1))) k--;
    let next = eq + 1;
    if (k < eq && isKeyStart(message.charCodeAt(k)) && (k === 0 || isKeyBoundary(message.charCodeAt(k - 1))) && message.charCodeAt(eq + 1) !== 61 /* a==b */) {
      const key = message.slice(k, eq);
      let value: string;
      if (message.charCodeAt(eq + 1) === 34 /* " */) {
        const close = closingQuote(message, eq + 2, end);
        if (close < 0) {
          eq = message.indexOf('=', next);
          continue;
        }
        value = message.slice(eq + 2, close);
        if (value.includes('\\')) value = value.replace(/\\(.)/g, '$1');
        next = close + 1;
      } else {
        let v = eq + 1;
        while (v < end && message.charCodeAt(v) !== 32 && message.charCodeAt(v) !== 9 && message.charCodeAt(v) !== 34) v++;
        next = v;
        while (v > eq + 1 && isTrailing(message.charCodeAt(v - 1))) v--;
        value = message.slice(eq + 1, v);
      }
      pairs++;
      if (!Object.prototype.hasOwnProperty.call(fields, key)) fields[key] = value;
    }
    eq = message.indexOf('=', next);
  }
}

/** The index of the `"` closing a quoted value that starts at `from`, or -1. */
function closingQuote(s: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

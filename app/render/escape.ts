/**
 * Text from a log, a file name or a plugin, made safe to print on a
 * terminal: the one place that decides how a control character looks. C0
 * controls and DEL are shown in caret notation as `less` does (ESC → `^[`,
 * CR → `^M`, BS → `^H`), C1 controls and bidirectional overrides as
 * `<U+009B>`, so escape sequences (CSI, OSC title changes, OSC 8 links),
 * carriage-return and backspace overwrites, and reordered text cannot
 * reach the terminal. Tab is kept; newline is kept only where the caller
 * prints several lines (`keepNewlines`). JSON, NDJSON and CSV output do not
 * use this: their own escaping keeps values exact.
 */

// C0 except TAB and LF, DEL, C1, the bidi embeddings/overrides/isolates, and lone surrogates.
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSAFE_TEST = new RegExp(UNSAFE.source);

function show(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x20) return `^${String.fromCharCode(c + 0x40)}`;
  if (c === 0x7f) return '^?';
  return `<U+${c.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** `s` with every control character shown visibly; unchanged (and not copied) when it has none. */
export function printable(s: string, opts: { keepNewlines?: boolean } = {}): string {
  if (!UNSAFE_TEST.test(s)) return s;
  return s.replace(UNSAFE, (ch) => (ch === '\n' && opts.keepNewlines ? ch : show(ch)));
}

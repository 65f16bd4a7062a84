/**
 * The obvious `key=value` pairs of a plain-text log line, as record fields:
 * `user=alice status=200 path="/a b"` in a message, `[Originator@6876
 * sub=vpxLro opID=7e1280cf]`. A key is a word at the start of the message or
 * after a space or `[`/`(`; a value is a double-quoted string (with `\"`
 * escapes, unquoted in the field) or runs to the next space, without the
 * `,;)]}` that close the phrase it sits in. Only the record's first line is
 * read, and only its first MAX_PAIRS pairs: a query string (`?a=1&b=2`) or
 * `a == b` in prose is not a pair. The first of two equal keys wins.
 */
const PAIR = /(?:^|[\s[(])([A-Za-z_][\w.\-]{0,63})=("(?:[^"\\\n]|\\.)*"|[^\s"]*)/g;
const MAX_PAIRS = 64;
const TRAILING = /[,;)\]}]+$/;

export function addKeyValues(message: string, fields: Record<string, string>): void {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  if (line.indexOf('=') < 0) return;
  PAIR.lastIndex = 0;
  let m: RegExpExecArray | null;
  let pairs = 0;
  while ((m = PAIR.exec(line)) !== null && pairs++ < MAX_PAIRS) {
    const key = m[1];
    const raw = m[2];
    if (raw.startsWith('=')) continue; // a==b
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.replace(TRAILING, '');
    if (!Object.prototype.hasOwnProperty.call(fields, key)) fields[key] = value;
  }
}

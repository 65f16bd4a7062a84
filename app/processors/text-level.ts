/**
 * Finding the level of a plain-text log line where loggers write it, and
 * never in prose ("an error occurred in the warning system" has none).
 *
 * In the order tried:
 * 1. The slot right after the stamp, in any case: `…Z info vpxd[1]`,
 *    `…Z\terror\t`, `,672:DEBUG:x`, `- INFO -`, and ESXi's `In(14)`,
 *    `Wa(180)`, `Er(3)`. Only the main level words count there in lower
 *    case (not `log`, `query`, `context`, which start sentences).
 * 2. RFC 5424 structured data: `[x@6876 … level="INFO"]`.
 * 3. The first word of the line head (160 chars) written as a level: upper
 *    case (`ERROR`), in brackets (`[warn]`, `][info][`, `<error>`), before a
 *    colon and a space (`Error: `), after `level=`, Apache's
 *    `[module:level]`, glued to punctuation (`]INFO:`, `:ERROR:`) or
 *    Monolog's `channel.LEVEL:` (upper case only when glued).
 * The words and their meaning are contract/severity.ts's table.
 */
import { normalizeSeverity, Severity } from '../../contract/severity.js';

export interface FoundSeverity {
  text: string;
  severity: Severity;
  /** True when the word is the first thing on the line: it is then cut from the message. */
  leading: boolean;
  end: number;
}

const HEAD = 160;
const MAX_WORDS = 12;
/** Lower-case words the slot after a stamp takes (the table's other words start sentences). */
const SLOT_WORDS = new Set([
  'trace', 'verbose', 'debug', 'info', 'information', 'informational', 'notice', 'warn', 'warning',
  'error', 'err', 'severe', 'fatal', 'crit', 'critical', 'alert', 'emerg', 'emergency', 'panic',
]);
/** ESXi/vmkernel `In(14)`: two letters and a number. */
const VMWARE_LEVELS: Record<string, Severity> = {
  Vb: Severity.Trace, Db: Severity.Debug, In: Severity.Info, No: Severity.Notice, Wa: Severity.Warn,
  Er: Severity.Error, Cr: Severity.Fatal, Al: Severity.Fatal, Em: Severity.Fatal,
};
const VMWARE = /([A-Z][a-z])\(\d{1,3}\)/y;
const SD_START = /\[[\w.\-]{1,64}@\d{1,10} /;
const SD_LEVEL = / (?:level|severity|lvl)="([A-Za-z]{1,13})"/;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** What may stand before a level word. */
const BEFORE = new Set([-1, 32, 9, 124 /* | */, 40 /* ( */, 91 /* [ */, 60 /* < */, 93 /* ] */, 58 /* : */, 46 /* . */, 61 /* = */]);
/** What may follow a level word. */
const AFTER = new Set([-1, 32, 9, 124, 41 /* ) */, 44 /* , */, 93, 62 /* > */, 58, 91]);

function code(s: string, i: number): number {
  return i < 0 || i >= s.length ? -1 : s.charCodeAt(i);
}

/**
 * The level of a line; `rest` is the line after its stamp. `slot`: a stamp
 * preceded `rest`, so its first word is the level slot.
 */
export function findSeverity(rest: string, slot = false): FoundSeverity | null {
  const head = rest.length > HEAD ? rest.slice(0, HEAD) : rest;
  if (slot) {
    const found = slotLevel(head);
    if (found) return found;
    const sd = structuredDataLevel(rest);
    if (sd) return sd;
  }
  let words = 0;
  for (let i = 0; i < head.length && words < MAX_WORDS; i++) {
    if (!isLetter(head.charCodeAt(i))) continue;
    let j = i + 1;
    while (j < head.length && isLetter(head.charCodeAt(j))) j++;
    // debug1..5, trace1..8 (Apache), sev1: one digit may end the word.
    const end = isDigit(code(head, j)) && !isDigit(code(head, j + 1)) && !isLetter(code(head, j + 1)) ? j + 1 : j;
    const found = asLevel(head, i, end);
    words++;
    if (found) return found;
    i = end;
  }
  return null;
}

/** The word at head[i, end) if it is written as a level there. */
function asLevel(head: string, i: number, end: number): FoundSeverity | null {
  const before = code(head, i - 1);
  const after = code(head, end);
  if (!BEFORE.has(before) || !AFTER.has(after) || end - i < 3 || end - i > 14) return null;
  const word = head.slice(i, end);
  const upper = word === word.toUpperCase();
  const bracketed = (before === 91 && after === 93) || (before === 60 && after === 62);
  const keyed = before === 61 && /(?:^|[\s[(])(?:level|lvl|severity)=$/.test(head.slice(Math.max(0, i - 10), i));
  // Apache httpd 2.4: `[proxy:error]`, `[core:trace3]`.
  const module = before === 58 && after === 93 && /\[[A-Za-z][\w.-]{0,40}:$/.test(head.slice(Math.max(0, i - 43), i));
  const colon = after === 58 && (end + 1 >= head.length || head.charCodeAt(end + 1) === 32);
  const glued = before === 93 || before === 58 || before === 46;
  if (before === 61 && !keyed) return null;
  let marked: boolean;
  if (keyed || module || bracketed) marked = true;
  else if (glued) marked = upper;
  // `Error: ` leads a message: the first word, or the first after a `tag:` / `[x]`; mid-sentence
  // (`RCU Tasks Trace: Setting shift`, a kernel subsystem) it is prose.
  else marked = upper || (colon && leadsMessage(head, i));
  if (!marked) return null;
  const severity = normalizeSeverity(module && /^trace[1-8]$/i.test(word) ? 'trace' : word);
  if (severity === Severity.Unknown) return null;
  const start = before === 91 || before === 60 ? i - 1 : i;
  // `level=info` and `[proxy:error]` stay in the message (the module would be lost); so does a glued word.
  const leading = !keyed && !module && !glued && head.slice(0, start).trim() === '';
  return { text: word, severity, leading, end: end + (bracketed || (colon && leading) ? 1 : 0) };
}

/** Whether the word at head[i] starts the line's text or follows a `tag:`, `[x]` or `(x)`. */
function leadsMessage(head: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (head.charCodeAt(j) === 32 || head.charCodeAt(j) === 9)) j--;
  if (j < 0) return true;
  const c = head.charCodeAt(j);
  return c === 58 /* : */ || c === 93 /* ] */ || c === 41 /* ) */ || c === 45 /* - */ || c === 124 /* | */;
}

/** The first word after the stamp, past separators: any case for the main level words, and ESXi's `In(14)`. */
function slotLevel(head: string): FoundSeverity | null {
  let i = 0;
  while (i < head.length && isSlotSeparator(head.charCodeAt(i))) i++;
  const vm = head.charCodeAt(i + 2) === 40 /* ( */ ? (VMWARE.lastIndex = i, VMWARE.exec(head)) : null;
  if (vm && VMWARE_LEVELS[vm[1]] !== undefined) {
    return { text: vm[1], severity: VMWARE_LEVELS[vm[1]], leading: true, end: i + vm[0].length };
  }
  let j = i;
  while (j < head.length && isLetter(head.charCodeAt(j))) j++;
  if (j === i) return null;
  const after = code(head, j);
  if (!AFTER.has(after)) return null;
  if (j - i < SLOT_WORD_MIN || j - i > SLOT_WORD_MAX) return null;
  const word = head.slice(i, j);
  const severity = slotSeverity(word);
  if (severity === null) return null;
  return { text: word, severity, leading: true, end: after === 58 || after === 93 ? j + 1 : j };
}

/** ` `, tab, `:`, `-`, `|`, `[`, `]`: what may stand between a stamp and its level slot. */
function isSlotSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 58 || c === 45 || c === 124 || c === 91 || c === 93;
}

const SLOT_WORD_MIN = Math.min(...[...SLOT_WORDS].map((w) => w.length));
const SLOT_WORD_MAX = Math.max(...[...SLOT_WORDS].map((w) => w.length));
/** A slot word as written -> its severity, or null when it is not a slot word (a line's first word repeats: looked up once). */
const slotWords = new Map<string, Severity | null>();

function slotSeverity(word: string): Severity | null {
  let severity = slotWords.get(word);
  if (severity === undefined) {
    severity = SLOT_WORDS.has(word.toLowerCase()) ? normalizeSeverity(word) : null;
    if (slotWords.size >= 4096) slotWords.clear();
    slotWords.set(word, severity);
  }
  return severity;
}

/** RFC 5424 structured data: `[origin@6876 comp="x" level="INFO"]`. */
function structuredDataLevel(rest: string): FoundSeverity | null {
  const head = rest.length > 400 ? rest.slice(0, 400) : rest;
  const start = SD_START.exec(head);
  if (!start) return null;
  const close = head.indexOf(']', start.index);
  const m = SD_LEVEL.exec(close < 0 ? head.slice(start.index) : head.slice(start.index, close));
  if (!m) return null;
  const severity = normalizeSeverity(m[1]);
  return severity === Severity.Unknown ? null : { text: m[1], severity, leading: false, end: 0 };
}

// AWS load balancer and S3 access logs (and haproxy's, squid's), whose level is their HTTP status
// (5xx error, 4xx warn, else info, as SEVERITY.md maps access logs). Each
// layout is matched whole from the line start, field by field (`\S+ ` runs
// cannot overlap, so no backtracking): ELB `stamp name client backend t t t
// status`, ALB `type stamp name client target t t t status`, S3 `owner
// bucket [time] ip requester id operation key "request" status`.
const ELB = /^\d{4}-\d\d-\d\dT\S+ \S+ [\w.:\[\]]+:\d+ (?:[\w.:\[\]]+:\d+|-) -?[\d.]+ -?[\d.]+ -?[\d.]+ (\d{3}) /;
const ALB = /^(?:https?|h2|grpcs?|wss?) \d{4}-\d\d-\d\dT\S+ \S+ [\w.:\[\]]+:\d+ (?:[\w.:\[\]]+:\d+|-) -?[\d.]+ -?[\d.]+ -?[\d.]+ (\d{3}) /;
// haproxy's HTTP log (`option httplog`) without a syslog header (`log stdout format raw`):
// `client:port [accept date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes …`.
const HAPROXY = /^[\w.:\[\]]+:\d+ \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] \S+ \S+ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ (\d{3}) /;
// squid's native access log: `epoch.ms elapsed client CODE/status bytes method URL …`.
const SQUID = /^\d{9,10}\.\d{3} +-?\d+ \S+ [A-Z_]+\/(\d{3}) /;
const S3 = /^[0-9a-f]{64} \S+ \[[^\]]{20,32}\] \S+ \S+ \S+ \S+ \S+ "[^"]*" (\d{3}) /;

/** The level of an AWS ELB/ALB/S3, raw haproxy or squid access log line, from its status; null for any other line. */
export function accessLogLevel(line: string): FoundSeverity | null {
  const c = line.charCodeAt(0);
  const m = c >= 48 && c <= 57 ? ELB.exec(line) ?? HAPROXY.exec(line) ?? SQUID.exec(line) ?? S3.exec(line) : ALB.exec(line) ?? S3.exec(line);
  if (!m) return null;
  return { text: m[1], severity: httpStatusSeverity(m[1]), leading: false, end: 0 };
}

/** An HTTP status as a level, as SEVERITY.md maps access logs: 5xx error, 4xx warn, else info. */
export function httpStatusSeverity(status: string): Severity {
  const n = Number(status);
  return n >= 500 ? Severity.Error : n >= 400 ? Severity.Warn : Severity.Info;
}

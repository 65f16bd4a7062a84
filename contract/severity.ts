/**
 * Severity: the normalized scale every record carries, and the one table that
 * maps severity text to it (documented in SEVERITY.md). Built-in processors
 * call `normalizeSeverity`; native plugins may leave the batch's severity byte
 * at 0 and the host applies the same table to their severity text.
 */

/** Numeric values are the batch layout's `severity` byte (BATCH.md). */
export enum Severity {
  Unknown = 0,
  Trace = 1,
  Debug = 2,
  Info = 3,
  Notice = 4,
  Warn = 5,
  Error = 6,
  Fatal = 7,
}

export const SEVERITY_NAMES = ['unknown', 'trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export function severityName(s: Severity): SeverityName {
  return SEVERITY_NAMES[s] ?? 'unknown';
}

/** Parses a user-given level name (`--level warn`); undefined if not a level. */
export function severityFromName(name: string): Severity | undefined {
  const i = SEVERITY_NAMES.indexOf(name.toLowerCase() as SeverityName);
  if (i >= 0) return i as Severity;
  const s = normalizeSeverity(name);
  return s === Severity.Unknown ? undefined : s;
}

const WORDS: Record<string, Severity> = {};
function words(sev: Severity, list: string): void {
  for (const w of list.split(' ')) WORDS[w] = sev;
}
words(Severity.Trace, 'trace finest finer verbose v trac blat');
words(Severity.Debug, 'debug dbg debg fine config debug1 debug2 debug3 debug4 debug5 d');
words(Severity.Info, 'info information informational i log detail statement hint context query note');
words(Severity.Notice, 'notice n');
words(Severity.Warn, 'warn warning w');
words(Severity.Error, 'error err erro severe e');
words(Severity.Fatal, 'fatal panic emerg emergency alert critical crit f a');

const SYSLOG = [Severity.Fatal, Severity.Fatal, Severity.Fatal, Severity.Error, Severity.Warn, Severity.Notice, Severity.Info, Severity.Debug];
const BUNYAN: Record<number, Severity> = { 10: Severity.Trace, 20: Severity.Debug, 30: Severity.Info, 40: Severity.Warn, 50: Severity.Error, 60: Severity.Fatal };

const cache = new Map<string, Severity>();

/** Maps severity text (`SEVERE`, `warn`, `<3>`, `30`) to the normalized scale. */
export function normalizeSeverity(text: string): Severity {
  if (text === '') return Severity.Unknown;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const s = lookup(text);
  if (cache.size < 10_000) cache.set(text, s);
  return s;
}

function lookup(text: string): Severity {
  let t = text.trim().toLowerCase();
  if (t.endsWith(':')) t = t.slice(0, -1);
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('<') && t.endsWith('>'))) t = t.slice(1, -1).trim();
  const word = WORDS[t];
  if (word !== undefined) return word;
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    if (n <= 7) return SYSLOG[n];
    if (BUNYAN[n] !== undefined) return BUNYAN[n];
    // A syslog PRI value written as <N>: facility * 8 + severity.
    if (text.trim().startsWith('<') && n < 192) return SYSLOG[n % 8];
  }
  return Severity.Unknown;
}

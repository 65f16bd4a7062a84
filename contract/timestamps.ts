/**
 * Timestamp parsing for the built-in processors, to the rules of
 * TIMESTAMPS.md. The Go SDK implements the same rules for plugins; both are
 * tested against contract/testdata/timestamps.json, which is the spec that
 * matters when the two disagree.
 *
 * Times are microseconds since the Unix epoch (UTC), as plain numbers: exact
 * up to 2^53 µs, i.e. until the year 2255.
 */

/**
 * The times logmill accepts, whoever read them (json, text, a plugin):
 * 0001-01-01T00:00:00Z up to the end of 9999, what a four-digit ISO 8601
 * year (and so every report) can show. A time outside (a plugin's INT64_MAX,
 * `{"time":1e25}`) makes its record untimed, and the stream says how many in
 * a note (TimeRangeGuard): one record cannot take the report down.
 */
const FIRST_TIME_US = Date.parse('0001-01-01T00:00:00Z') * 1000;
/** The first microsecond of the year 10000 (exact as a double). */
const END_TIME_US = Date.parse('+010000-01-01T00:00:00Z') * 1000;

export function timeInRange(us: number): boolean {
  return us >= FIRST_TIME_US && us < END_TIME_US;
}

/** Lets a stream's times through if in range, null otherwise, and counts those for a note. */
export class TimeRangeGuard {
  private dropped = 0;

  check(us: number | null): number | null {
    if (us === null || timeInRange(us)) return us;
    this.dropped++;
    return null;
  }

  notes(): string[] {
    if (this.dropped === 0) return [];
    return [`${this.dropped} timestamp${this.dropped === 1 ? '' : 's'} out of range (years 0001-9999), treated as untimed`];
  }
}

/** How to read a stamp that carries no zone (`--tz`). */
export type Zone =
  | { kind: 'fixed'; offsetMinutes: number; label: string }
  | { kind: 'iana'; name: string; label: string };

export const UTC: Zone = { kind: 'fixed', offsetMinutes: 0, label: 'UTC' };

/** Parses `--tz`: `UTC`, `local`, `+02:00`/`-0530`, or an IANA name. Throws on anything else. */
export function parseZone(text: string): Zone {
  const t = text.trim();
  if (/^(utc|gmt|z)$/i.test(t)) return UTC;
  const off = /^([+-])(\d{2}):?(\d{2})?$/.exec(t);
  if (off) {
    const minutes = Number(off[2]) * 60 + Number(off[3] ?? 0);
    if (minutes > 18 * 60) throw new Error(`invalid time zone offset "${text}"`);
    return { kind: 'fixed', offsetMinutes: off[1] === '-' ? -minutes : minutes, label: t };
  }
  const name = t.toLowerCase() === 'local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : t;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new Error(`unknown time zone "${text}" (use an IANA name such as Europe/Berlin, UTC, local, or an offset such as +02:00)`);
  }
  return { kind: 'iana', name, label: name };
}

/** Zone abbreviations logmill reads, minutes east of UTC (also for format files' %Z). */
export const ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, UT: 0, Z: 0, WET: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, EET: 120, EEST: 180, WEST: 60, BST: 60, JST: 540,
};

export const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** A stamp found at the start of a text, and how many characters it took. */
export interface FoundTime {
  us: number;
  length: number;
}

// Each shape is anchored at the start; `prefix` callers accept trailing text.
const ISO = /^(\d{4})([-/])(\d{2})\2(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:(\s?)(Z|[+-]\d{2}(?::?\d{2})?)|\s([A-Z]{1,5})\b)?/;
const APACHE = /^\[?(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:\s([+-]\d{4}))?\]?/;
const SYSLOG = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;
const EPOCH = /^(\d{10,19})(?:\.(\d{1,9}))?$/;
// ctime / asctime, as Apache httpd's error log writes it: `Mon Nov 23 06:40:46.981714 2026`.
// The weekday must be a weekday's name but is not checked against the date.
const CTIME = /^([A-Za-z]{3}) ([A-Za-z]{3}) ( ?\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))? (\d{4})(?![\d:])/;
const WEEKDAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/**
 * Finds a timestamp at the very start of `text` (after no more than one
 * opening bracket). `ref` (ms) anchors the year of syslog stamps.
 */
export function findLeadingTime(text: string, zone: Zone, refMs: number): FoundTime | null {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const m = ISO.exec(text);
    if (m) return iso(m, zone);
    const a = APACHE.exec(text);
    return a ? apache(a, zone) : null;
  }
  if (c === 91 /* [ */) {
    const a = APACHE.exec(text);
    if (a) return apache(a, zone);
    const t = CTIME.exec(text.slice(1));
    if (t) {
      // A bracketed ctime stamp must close its bracket right after the year.
      const found = text.charCodeAt(1 + t[0].length) === 93 ? ctime(t, zone) : null;
      return found ? { us: found.us, length: found.length + 2 } : null;
    }
    const m = ISO.exec(text.slice(1));
    if (!m) return null;
    const found = iso(m, zone);
    if (!found) return null;
    const close = text.charCodeAt(1 + found.length) === 93 ? 1 : 0;
    return { us: found.us, length: 1 + found.length + close };
  }
  if (c >= 65 && c <= 90) {
    const s = SYSLOG.exec(text);
    if (s) return syslog(s, zone, refMs);
    const t = CTIME.exec(text);
    return t ? ctime(t, zone) : null;
  }
  return null;
}

/** Parses text that should be a timestamp as a whole (a `time` field's value). */
export function parseTime(text: string, zone: Zone = UTC, refMs = Date.now()): number | null {
  const t = text.trim();
  if (t === '') return null;
  const found = findLeadingTime(t, zone, refMs);
  if (found && found.length === t.length) return found.us;
  return null;
}

/** Like parseTime, and also accepts epoch seconds/ms/µs/ns: for values known to be times. */
export function parseTimeField(text: string, zone: Zone = UTC, refMs = Date.now()): number | null {
  const t = text.trim();
  const e = EPOCH.exec(t);
  if (e) return epoch(e[1], e[2]);
  return parseTime(t, zone, refMs);
}

/** A JSON number in a time field: seconds, ms, µs or ns by magnitude. */
export function epochNumber(n: number): number | null {
  if (!Number.isFinite(n) || n < 1e9) return null;
  if (n < 1e11) return Math.round(n * 1e6);
  if (n < 1e14) return Math.round(n * 1e3);
  if (n < 1e17) return Math.round(n);
  return Math.floor(n / 1e3);
}

function epoch(int: string, frac: string | undefined): number | null {
  const n = Number(int);
  if (n < 1e11) return n * 1e6 + fractionUs(frac);
  if (frac !== undefined) return null;
  if (n < 1e14) return n * 1e3;
  if (n < 1e17) return n;
  return Number(int.slice(0, int.length - 3)); // ns: drop below µs without float rounding
}

function fractionUs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + '00000').slice(0, 6));
}

function iso(m: RegExpExecArray, zone: Zone): FoundTime | null {
  let length = m[0].length;
  let offset: number | undefined;
  if (m[10] !== undefined) {
    offset = m[10] === 'Z' ? 0 : parseOffset(m[10]);
  } else if (m[11] !== undefined) {
    const abbrev = ABBREVIATIONS[m[11]];
    if (abbrev === undefined) {
      // Not a zone after all ("INFO", "XYZT"): the stamp ends before it.
      length -= m[11].length + 1;
    } else offset = abbrev;
  }
  const us = compose(+m[1], +m[3], +m[4], +m[5], +m[6], +m[7], fractionUs(m[8]), offset, zone);
  return us === null ? null : { us, length };
}

function apache(m: RegExpExecArray, zone: Zone): FoundTime | null {
  const month = MONTHS[m[2].toLowerCase()];
  if (!month) return null;
  const offset = m[8] !== undefined ? parseOffset(m[8]) : undefined;
  const us = compose(+m[3], month, +m[1], +m[4], +m[5], +m[6], fractionUs(m[7]), offset, zone);
  return us === null ? null : { us, length: m[0].length };
}

function ctime(m: RegExpExecArray, zone: Zone): FoundTime | null {
  if (!WEEKDAYS.has(m[1].toLowerCase())) return null;
  const month = MONTHS[m[2].toLowerCase()];
  if (!month) return null;
  const us = compose(+m[8], month, Number(m[3].trim()), +m[4], +m[5], +m[6], fractionUs(m[7]), undefined, zone);
  return us === null ? null : { us, length: m[0].length };
}

function syslog(m: RegExpExecArray, zone: Zone, refMs: number): FoundTime | null {
  const month = MONTHS[m[1].toLowerCase()];
  if (!month) return null;
  const day = Number(m[2].trim());
  const refYear = new Date(refMs).getUTCFullYear();
  const frac = fractionUs(m[6]);
  let us = compose(refYear, month, day, +m[3], +m[4], +m[5], frac, undefined, zone);
  if (us !== null && us > (refMs + 86_400_000) * 1000) {
    us = compose(refYear - 1, month, day, +m[3], +m[4], +m[5], frac, undefined, zone);
  }
  return us === null ? null : { us, length: m[0].length };
}

function parseOffset(text: string): number {
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

/** Wall-clock parts to µs; `offset` in minutes east of UTC, or undefined to use `zone`. */
export function compose(y: number, mo: number, d: number, h: number, mi: number, s: number, us: number,
  offset: number | undefined, zone: Zone): number | null {
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null; // year 0 is out of range
  const wall = utcMs(y, mo - 1, d, h, mi, s === 60 ? 59 : s);
  if (new Date(wall).getUTCDate() !== d) return null; // Feb 30th and friends
  const off = offset ?? zoneOffsetAt(zone, wall);
  return (wall - off * 60_000) * 1000 + us;
}

/** Date.UTC, except that years 1-99 are those years, not 1901-1999. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const ms = Date.UTC(y, mo, d, h, mi, s);
  if (y >= 100) return ms;
  const date = new Date(ms);
  date.setUTCFullYear(y);
  return date.getTime();
}

const ianaFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Offset (minutes) of `zone` for a wall-clock time expressed as if it were UTC. */
function zoneOffsetAt(zone: Zone, wallMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMinutes;
  const hour = Math.floor(wallMs / 3_600_000);
  const key = zone.name + '@' + hour;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  // Guess with the offset at the wall time read as UTC, then correct once:
  // right everywhere except inside a DST gap or overlap.
  const first = ianaOffset(zone.name, wallMs);
  const second = ianaOffset(zone.name, wallMs - first * 60_000);
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(key, second);
  return second;
}

function ianaOffset(name: string, instantMs: number): number {
  let f = ianaFormatters.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    ianaFormatters.set(name, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(instantMs))) p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/** µs → ISO 8601 UTC with microseconds, e.g. 2026-11-23T05:54:40.208000Z. */
export function formatTime(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // ...:40.208Z
  const micro = String(((us % 1000) + 1000) % 1000).padStart(3, '0');
  return iso.slice(0, -1) + micro + 'Z';
}

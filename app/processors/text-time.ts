/**
 * Finding the timestamp of a plain-text log line, where loggers put it.
 *
 * contract/timestamps.ts parses the stamp shapes every SDK must agree on
 * (ISO 8601, syslog, Apache, ctime) when they start a text. This module
 * decides WHERE in a line a stamp is, and reads the shapes only the text
 * processor meets, the way lnav does:
 *
 * - at the start: the contract's shapes, plus glog/klog `E0517 15:04:22.6`,
 *   logcat `05-26 11:18:41.509`, Nextflow `Mar-18 21:41:15.684`, Robot
 *   Framework `20260327 11:34:21.908`, java.util.logging's two-line
 *   `Nov 26, 2026 1:27:51 AM class method`, MySQL/MariaDB's space-padded
 *   hour (`2026-11-26  5:21:51`, `261126  5:21:57`), time of day only (`strace -tt`,
 *   log4j2's console default), epoch seconds with a fraction (squid,
 *   `strace -ttt`), TAI64N (`@4000…`, daemontools), a date alone (ESXi);
 * - MySQL/MariaDB's general log entries that carry no stamp (the time is
 *   written only when the second changes) and its slow log's `# Time:` and
 *   `# User@Host:` entry heads;
 * - after a short prefix that a known logger writes: `<PRI>` and RFC 5424's
 *   version, redis's `pid:role`, Ruby Logger's `I, [`, CUPS's `I [`, a pid
 *   (`strace -f`), vdsm's `Thread::LEVEL::`, a `(logger): `, `name:`,
 *   `[LEVEL `;
 * - a few columns in (`inside`): a stamp with a date and a time within the
 *   first 8 tokens and 100 characters (AWS ALB/S3, CUPS page_log, fsck, a
 *   banner). Only while the last stamp found was found that way (or before
 *   any), so that a date in a stack trace line never splits a record of a
 *   file whose stamps start the line.
 *
 * Stamps without a year take it from the records before them (or the syslog
 * rule: this year unless that is more than a day ahead); time-of-day stamps
 * take the date of the record before them (the next day when the clock goes
 * back by more than 12 hours), else today, else yesterday when today's would
 * be in the future. All regexes are anchored (sticky) at one position and
 * have no nested quantifiers: a line costs a few anchored tries at its start.
 */
import { compose, findLeadingTime, parseTime, type FoundTime, type Zone } from '../../contract/timestamps.js';
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import { httpStatusSeverity } from './text-level.js';

/** A level the stamp's shape itself carries (glog's letter, `<PRI>`, redis's mark). */
export interface ShapeLevel {
  text: string;
  severity: Severity;
}

export interface LineStamp {
  us: number;
  /** Where the message starts: after the stamp and the prefix parts that belong to it. */
  end: number;
  /** Found a few columns into the line: the message is the whole line. */
  inside: boolean;
  level?: ShapeLevel;
  /** Prefix parts worth keeping (a pid, a thread, a logger). */
  fields?: Array<[string, string]>;
  /** java.util.logging's SimpleFormatter: the line is `class method`, the level and message are the next line. */
  levelOnNextLine?: boolean;
  /** MySQL's slow log `# Time:` line: the entry after it (`# User@Host:`) is the rest of its record. */
  headsNext?: boolean;
}

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

const GLOG = /([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?= )/y;
const LOGCAT = /(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3,9})(?= )/y;
const MON_DASH_DAY = /([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?= )/y;
const COMPACT_DATE = /(\d{4})(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?= )/y;
const TIME_OF_DAY = /(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?= |$)/y;
const EPOCH_FRACTION = /(\d{10})\.(\d{1,9})(?= )/y;
const DATE_ONLY = /(\d{4})-(\d\d)-(\d\d)(?= [^\d\s])/y;
// MariaDB's error log pads the hour with a space (`2026-11-26  5:21:51 0 [Note]`); MySQL 5.x and
// MariaDB's general and slow logs write a two-digit year the same way (`261126  5:21:57\t`).
const MYSQL_PADDED = /(\d{4})-(\d\d)-(\d\d)  (\d):(\d\d):(\d\d)(?=[ \t]|$)/y;
const MYSQL_SHORT = /(\d\d)(\d\d)(\d\d) ([ \d]\d):(\d\d):(\d\d)(?=[ \t]|$)/y;
// The general log's entry after the stamp, `\t     3 Query\t`; an entry in the same second as the one
// before has no stamp (`\t\t     3 Query\t…`): it has the time of the entry before (MySQL writes the
// time only when it changes).
const MYSQL_ENTRY = /\t {0,20}(\d{1,10}) (?=([A-Z][a-z]+(?: [A-Za-z]+)?)(?:\t|$))/y;
const MYSQL_SLOW_TIME = /# Time: /y;
const MYSQL_SLOW_ENTRY = /# User@Host: /y;
const TAI64N = /@([0-9a-f]{24})(?= |$)/y;
// redis: `1:M 29 Aug 2023 13:47:38.984 * msg`; before 3.0 `[3574] 13 Apr 12:52:30.731 # msg`.
const REDIS_ROLE = /(\d{1,10}):([MSCX]) /y;
const REDIS_OLD = /\[(\d{1,10})\] /y;
const REDIS_SIGNAL = /(\d{1,10}):signal-handler \((\d{10})\) /y;
const DAY_MONTH_YEAR = /(\d{1,2}) ([A-Z][a-z]{2}) (?:(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?= )/y;
const REDIS_MARK = / ([.\-*#]) /y;
const PRI = /<(\d{1,3})>(?:\d{1,2} )?/y;
const RUBY = /([DIWEFA]), \[/y;
const RUBY_PID = / #(\d+)\]/y;
const CUPS = /([DdIWENCAX]) (?=\[)/y;
const PID = /(\d{1,10}) +/y;
const VDSM = /([\w.\-/]{1,64})::([A-Za-z]{3,9})::/y;
const LOGGER_PAREN = /\(([\w.\-]{1,128})\): /y;
const NAME_COLON = /([A-Za-z][\w.\-]{0,63}):(?=\d)/y;
const BRACKET_LEVEL = /\[ ?([A-Z]{4,5}) (?=\d)/y;
// OpenAM: `06/09/2014 04:08:22:515 PM UTC:`.
const US_DATE = /(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d)(?:[:.](\d{3}))?(?: ([AP]M))?(?: ([A-Z]{2,5}))?/y;
// ctime with a zone before the year: `Thu Jun 2 08:00:01 UTC 2022`.
const CTIME_ZONE = /(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([A-Z]{2,5}) (\d{4})/y;
// java.util.logging's SimpleFormatter default: `Nov 26, 2026 1:27:51 AM com.example.App main`.
const JUL = /([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d\d):(\d\d)(?: ([AP]M))?(?= )/y;
// uWSGI's request log: `[pid: 1|app: 0|req: 1/1] ip () {38 vars in 696 bytes} [Sun Mar 13 22:49:12 2016] POST /x => generated 47 bytes in 129 msecs (HTTP/1.1 200) …`.
const UWSGI = /\[pid: (\d{1,10})\|app: [-\d]{1,6}\|req: [-\d]{1,12}\/\d{1,12}\] \S{1,64} \([^)]{0,256}\) \{\d{1,6} vars in \d{1,10} bytes\} (?=\[)/y;
const UWSGI_STATUS = / => generated \d+ bytes in \d+ (?:msecs|micros) \(HTTP\/[\d.]{1,3} (\d{3})\)/;
const AM_PM = / ([AP]M)(?: ([A-Z]{2,5}))?(?=[ \]]|$)/y;
const STAMP_12H = /^\[?(\d{4}-\d\d-\d\d)[T ](\d\d)(:\d\d:\d\d(?:[.,]\d+)?)$/;

/** CUPS's one-letter levels (cupsd.conf LogLevel): `d` debug2, `C` crit, `X` emerg. */
const CUPS_LEVELS: Record<string, Severity> = {
  d: Severity.Debug, D: Severity.Debug, I: Severity.Info, N: Severity.Notice, W: Severity.Warn,
  E: Severity.Error, C: Severity.Fatal, A: Severity.Fatal, X: Severity.Fatal,
};
/** redis: `.` debug, `-` verbose (between debug and notice: info), `*` notice, `#` warning (serverLogRaw). */
const REDIS_LEVELS: Record<string, Severity> = { '.': Severity.Debug, '-': Severity.Info, '*': Severity.Notice, '#': Severity.Warn };
const SYSLOG_SEVERITY = [Severity.Fatal, Severity.Fatal, Severity.Fatal, Severity.Error, Severity.Warn, Severity.Notice, Severity.Info, Severity.Debug];

/** A line that its level leads, without a time: it starts a record of its own, untimed (untimedLead). */
export interface UntimedLead {
  level: ShapeLevel;
  /** Where the message starts. */
  end: number;
  fields?: Array<[string, string]>;
}

const PRI_ONLY = /<(\d{1,3})>/y;
// haproxy's own messages on stderr (ha_alert, ha_warning, ha_notice): `[WARNING]  (1234) : Server be/s2 is DOWN`.
const HAPROXY_STDERR = /\[(ALERT|WARNING|NOTICE|DIAG)\] +\((\d{1,10})\) : /y;

/**
 * The level that leads a line without a time: a syslog `<PRI>` (sd-daemon's
 * stderr prefix, haproxy's `short` format, `dmesg -r`) or haproxy's stderr
 * `[WARNING]  (pid) : `. Such a line is an event of its own even in a file
 * whose other lines are timed (haproxy writes them between its timed
 * request lines), never the continuation of the record before it.
 */
export function untimedLead(text: string): UntimedLead | null {
  const c = text.charCodeAt(0);
  if (c === 60 /* < */) {
    const m = exec(PRI_ONLY, text, 0);
    if (!m || Number(m[1]) > 191) return null;
    return { level: { text: m[0], severity: SYSLOG_SEVERITY[Number(m[1]) % 8] }, end: m[0].length };
  }
  if (c === 91 /* [ */) {
    const m = exec(HAPROXY_STDERR, text, 0);
    if (!m) return null;
    const severity = m[1] === 'DIAG' ? Severity.Debug : normalizeSeverity(m[1]);
    return { level: { text: m[1], severity }, end: m[0].length, fields: [['pid', m[2]]] };
  }
  return null;
}

/** At most this far into a line, and after at most this many tokens, an `inside` stamp may start. */
const INSIDE_MAX_START = 100;
const INSIDE_MAX_TOKENS = 8;
const DAY_US = 86_400_000_000;

function exec(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');

const isDigitCode = (c: number) => c >= 48 && c <= 57;

/** A date (y * 10000 + m * 100 + d) and its midnight UTC in µs. */
export interface IsoDay {
  key: number;
  us: number;
}

/**
 * The commonest stamp, `2026-11-23T00:00:00.003Z` (or with a space, a comma,
 * 0 to 9 fraction digits), read without a regular expression: what
 * findLeadingTime gives for it (the same checks, through compose for the
 * date, which `day` remembers), or null to let findLeadingTime read the
 * line. Nothing follows a `Z` in findLeadingTime's ISO shape, and amPm
 * never reads a stamp with one.
 */
export function readIsoUtc(text: string, zone: Zone, day: IsoDay): FoundTime | null {
  if (text.length < 20) return null;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const sec = digits(text, 17, 2);
  const t = text.charCodeAt(10);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45
    || (t !== 84 && t !== 32) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  let i = 19;
  let fraction = 0;
  const sep = text.charCodeAt(i);
  if (sep === 46 || sep === 44) {
    let n = 0;
    for (i++; n < 10 && isDigitCode(text.charCodeAt(i)); i++, n++) if (n < 6) fraction = fraction * 10 + text.charCodeAt(i) - 48;
    if (n === 0 || n > 9) return null;
    for (let k = n; k < 6; k++) fraction *= 10;
  }
  if (text.charCodeAt(i) !== 90 /* Z */ || h > 23 || mi > 59 || sec > 60) return null;
  const key = y * 10000 + mo * 100 + d;
  if (key !== day.key) {
    const midnight = compose(y, mo, d, 0, 0, 0, 0, 0, zone);
    if (midnight === null) return null;
    day.key = key;
    day.us = midnight;
  }
  return { us: day.us + (h * 3600 + mi * 60 + (sec === 60 ? 59 : sec)) * 1_000_000 + fraction, length: i + 1 };
}

/** The decimal number of the `n` digits at text[at], or -1 if one is not a digit. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/**
 * Finds stamps in the lines of one stream, in order. It remembers the last
 * time it found, to date the stamps that lack a year or a date.
 */
export class StampFinder {
  /** The last time found (µs), for year-less and date-less stamps. */
  last: number | null = null;
  /** Whether the last stamp was found inside its line (a column layout): then the next may be. */
  insideLayout: boolean | null = null;

  constructor(private readonly zone: Zone, private readonly refMs: number) {}

  /** The memory as of the stream's consumed point: a record held open is read again with the next input. */
  private committedLast: number | null = null;
  private committedInside: boolean | null = null;
  /** The memory before the last find(). */
  private beforeLast: number | null = null;
  private beforeInside: boolean | null = null;

  /** The stream has consumed everything before the line last given to find(). */
  commitBeforeLast(): void {
    this.committedLast = this.beforeLast;
    this.committedInside = this.beforeInside;
  }

  /** The stream has consumed everything up to here. */
  commit(): void {
    this.committedLast = this.last;
    this.committedInside = this.insideLayout;
  }

  /** Back to the last commit, before a parse call returns (what it did not consume is read again). */
  rollback(): void {
    this.last = this.committedLast;
    this.insideLayout = this.committedInside;
  }

  /** The stamp that makes `text` a record's first line, or null; remembers it. */
  find(text: string): LineStamp | null {
    this.beforeLast = this.last;
    this.beforeInside = this.insideLayout;
    const found = this.peek(text, this.insideLayout !== false);
    if (found) {
      this.last = found.us;
      this.insideLayout = found.inside;
    } else if (this.last === null) {
      // The file starts with lines that have no stamp (PostgreSQL with an empty log_line_prefix):
      // a date a few columns into a later line is in its prose (`shut down at 2026-11-26 05:23:42 UTC`).
      this.insideLayout = false;
    }
    return found;
  }

  /** Like find, without remembering: for resync. `inside` stamps are left out when !allowInside. */
  peek(text: string, allowInside: boolean): LineStamp | null {
    const c = text.charCodeAt(0);
    if (c === 9) return this.mysqlSameSecond(text);
    if (!(c > 32)) return null; // empty, or indented: a continuation line
    const atStart = this.atStart(text, c);
    if (atStart || !allowInside) return atStart;
    return this.inside(text);
  }

  private atStart(text: string, c: number): LineStamp | null {
    if (c >= 48 && c <= 57) {
      const utc = this.isoUtc(text);
      if (utc) return utc;
    }
    const lead = findLeadingTime(text, this.zone, this.refMs);
    if (lead) return this.amPm(text, 0, lead.us, lead.length) ?? { us: lead.us, end: lead.length, inside: false };
    if (c >= 48 && c <= 57) return this.digitStart(text);
    if (c === 60 /* < */) return this.pri(text);
    if (c === 91 /* [ */) return this.bracketStart(text);
    if (c === 64 /* @ */) return this.tai64n(text);
    if (c === 35 /* # */) return this.mysqlSlow(text);
    if (c === 40 /* ( */) {
      const m = exec(LOGGER_PAREN, text, 0);
      return m ? this.leadAt(text, m[0].length, [['logger', m[1]]]) : null;
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return this.letterStart(text);
    return null;
  }

  /** The day of the last isoUtc stamp: its date part is composed once per day, not per line. */
  private readonly isoDay: IsoDay = { key: -1, us: 0 };

  private isoUtc(text: string): LineStamp | null {
    const found = readIsoUtc(text, this.zone, this.isoDay);
    return found ? { us: found.us, end: found.length, inside: false } : null;
  }

  private digitStart(text: string): LineStamp | null {
    let m = exec(REDIS_ROLE, text, 0);
    if (m) return this.redis(text, m[0].length, m[1]);
    if ((m = exec(REDIS_SIGNAL, text, 0))) return { us: Number(m[2]) * 1e6, end: m[0].length, inside: false, fields: [['pid', m[1]]] };
    if ((m = exec(LOGCAT, text, 0))) {
      const us = this.yearless(+m[1], +m[2], m[3], m[4], m[5], m[6]);
      return us === null ? null : this.logcat(text, us, m[0].length);
    }
    if ((m = exec(COMPACT_DATE, text, 0))) {
      const compact = this.wall(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`, m[7], m[0].length);
      if (compact) return compact;
    }
    const own = this.timeOrEpoch(text, 0);
    if (own) return own;
    const mysql = this.mysql(text, 0);
    if (mysql) return mysql;
    if ((m = exec(DATE_ONLY, text, 0))) return this.wall(`${m[1]}-${m[2]}-${m[3]}T00:00:00`, undefined, m[0].length);
    if ((m = exec(US_DATE, text, 0))) return this.usDate(m, 0);
    // A pid before a time of day or epoch seconds: `strace -f -tt` / `-ttt`.
    if ((m = exec(PID, text, 0))) {
      const after = this.timeOrEpoch(text, m[0].length);
      if (after) return { ...after, fields: [['pid', m[1]]] };
    }
    return null;
  }

  /** MySQL/MariaDB's space-padded stamps at `at`, with the general log's thread and command. */
  private mysql(text: string, at: number): LineStamp | null {
    const m = exec(MYSQL_PADDED, text, at) ?? exec(MYSQL_SHORT, text, at);
    if (!m) return null;
    const year = m[1].length === 2 ? `20${m[1]}` : m[1];
    const found = this.wall(`${year}-${m[2]}-${m[3]}T${pad(m[4].trim())}:${m[5]}:${m[6]}`, undefined, at + m[0].length);
    const entry = found ? exec(MYSQL_ENTRY, text, found.end) : null;
    return found && entry ? { ...found, end: found.end + entry[0].length, fields: [['thread', entry[1]], ['command', entry[2]]] } : found;
  }

  /** A MySQL general log entry in the second of the entry before: `\t\t     3 Query\t…`. */
  private mysqlSameSecond(text: string): LineStamp | null {
    if (this.last === null || text.charCodeAt(1) !== 9) return null;
    const m = exec(MYSQL_ENTRY, text, 1);
    return m ? { us: this.last, end: 1 + m[0].length, inside: false, fields: [['thread', m[1]], ['command', m[2]]] } : null;
  }

  /**
   * MySQL's slow query log: an entry starts at `# User@Host: `, or at the
   * `# Time: ` line before it, written only when the second changes (every
   * entry since MySQL 5.7). An entry without one has the time of the entry
   * before.
   */
  private mysqlSlow(text: string): LineStamp | null {
    if (exec(MYSQL_SLOW_ENTRY, text, 0)) return this.last === null ? null : { us: this.last, end: 0, inside: false };
    if (!exec(MYSQL_SLOW_TIME, text, 0)) return null;
    const found = this.mysql(text, 8) ?? this.leadAt(text, 8, undefined);
    return found ? { us: found.us, end: 0, inside: false, headsNext: true } : null;
  }

  /** A time of day or epoch seconds with a fraction at `at`. */
  private timeOrEpoch(text: string, at: number): LineStamp | null {
    let m = exec(TIME_OF_DAY, text, at);
    if (m) {
      const us = this.timeOfDay(m[1], m[2], m[3], m[4]);
      return us === null ? null : { us, end: at + m[0].length, inside: false };
    }
    if ((m = exec(EPOCH_FRACTION, text, at))) {
      return { us: Number(m[1]) * 1e6 + Number((m[2] + '00000').slice(0, 6)), end: at + m[0].length, inside: false };
    }
    return null;
  }

  private letterStart(text: string): LineStamp | null {
    let m = exec(GLOG, text, 0);
    if (m) {
      const us = this.yearless(+m[2], +m[3], m[4], m[5], m[6], m[7]);
      return us === null ? null : { us, end: m[0].length, inside: false, level: { text: m[1], severity: normalizeSeverity(m[1]) } };
    }
    if ((m = exec(MON_DASH_DAY, text, 0))) {
      const month = MONTHS[m[1]];
      const us = month ? this.yearless(month, +m[2], m[3], m[4], m[5], m[6]) : null;
      return us === null ? null : { us, end: m[0].length, inside: false };
    }
    if ((m = exec(JUL, text, 0))) {
      const month = MONTHS[m[1]];
      let hour = +m[4];
      if (m[7] !== undefined) hour = (hour % 12) + (m[7] === 'PM' ? 12 : 0);
      const us = month ? this.wallUs(`${m[3]}-${pad(month)}-${pad(m[2])}T${pad(hour)}:${m[5]}:${m[6]}`, undefined) : null;
      return us === null ? null : { us, end: m[0].length, inside: false, levelOnNextLine: true };
    }
    if ((m = exec(RUBY, text, 0))) {
      // The level word after `]` (`INFO -- :`) says the same as the letter; the slot reads it.
      const found = this.leadAt(text, m[0].length - 1, undefined);
      if (!found) return null;
      const pid = exec(RUBY_PID, text, found.end);
      return pid ? { ...found, end: found.end + pid[0].length, fields: [['pid', pid[1]]] } : found;
    }
    if ((m = exec(CUPS, text, 0))) {
      const found = this.leadAt(text, m[0].length, undefined);
      return found ? { ...found, level: { text: m[1], severity: CUPS_LEVELS[m[1]] } } : null;
    }
    if ((m = exec(VDSM, text, 0))) {
      const found = this.leadAt(text, m[0].length, [['thread', m[1]]]);
      if (!found || !text.startsWith('::', found.end)) return null;
      return { ...found, end: found.end + 2, level: { text: m[2], severity: normalizeSeverity(m[2]) } };
    }
    if ((m = exec(NAME_COLON, text, 0))) {
      const at = m[0].length;
      const us = exec(US_DATE, text, at);
      if (us) return this.usDate(us, at);
      return this.leadAt(text, at, [['logger', m[1]]]);
    }
    return null;
  }

  private bracketStart(text: string): LineStamp | null {
    let m = exec(UWSGI, text, 0);
    if (m) {
      const found = this.leadAt(text, m[0].length, [['pid', m[1]]]);
      const status = found ? UWSGI_STATUS.exec(text.slice(found.end, found.end + 600)) : null;
      return found && status ? { ...found, level: { text: status[1], severity: httpStatusSeverity(status[1]) } } : found;
    }
    if ((m = exec(REDIS_OLD, text, 0))) return this.redis(text, m[0].length, m[1]);
    if ((m = exec(BRACKET_LEVEL, text, 0))) {
      const severity = normalizeSeverity(m[1]);
      if (severity === Severity.Unknown) return null;
      const found = this.leadAt(text, m[0].length, undefined);
      return found ? { ...found, level: { text: m[1], severity } } : null;
    }
    return null;
  }

  private pri(text: string): LineStamp | null {
    const m = exec(PRI, text, 0);
    if (!m) return null;
    const pri = Number(m[1]);
    if (pri > 191) return null;
    const level = { text: `<${pri}>`, severity: SYSLOG_SEVERITY[pri % 8] };
    const found = this.leadAt(text, m[0].length, undefined);
    if (found) return { ...found, level };
    // haproxy's `short` format: `<6>10.0.0.1:4087 [26/Nov/2026:05:23:03.520] fe be/s1 …`, the time a column in.
    const later = this.inside(text);
    return later ? { us: later.us, end: m[0].length, inside: false, level } : null;
  }

  private tai64n(text: string): LineStamp | null {
    const m = exec(TAI64N, text, 0);
    if (!m) return null;
    const hi = parseInt(m[1].slice(0, 8), 16) - 0x40000000;
    if (hi < 0) return null;
    // TAI64 labels count TAI seconds; daemontools' tai64nlocal takes TAI as UTC + 10 s.
    const seconds = hi * 2 ** 32 + parseInt(m[1].slice(8, 16), 16) - 10;
    const nanos = parseInt(m[1].slice(16, 24), 16);
    if (nanos > 999_999_999) return null;
    return { us: seconds * 1e6 + Math.floor(nanos / 1000), end: m[0].length, inside: false };
  }

  private redis(text: string, at: number, pid: string): LineStamp | null {
    const m = exec(DAY_MONTH_YEAR, text, at);
    if (!m) return null;
    const month = MONTHS[m[2]];
    if (!month) return null;
    const us = m[3] !== undefined
      ? this.wallUs(`${m[3]}-${pad(month)}-${pad(m[1])}T${m[4]}:${m[5]}:${m[6]}`, m[7])
      : this.yearless(month, +m[1], m[4], m[5], m[6], m[7]);
    if (us === null) return null;
    const end = at + m[0].length;
    const mark = exec(REDIS_MARK, text, end);
    if (!mark) return { us, end, inside: false, fields: [['pid', pid]] };
    return { us, end: end + mark[0].length, inside: false, fields: [['pid', pid]], level: { text: mark[1], severity: REDIS_LEVELS[mark[1]] } };
  }

  /** logcat's level letter: after up to three uid/pid/tid columns (`1000 23402 23402 V Tag:`) or as `V/Tag(`. */
  private logcat(text: string, us: number, end: number): LineStamp {
    let i = end;
    for (let token = 0; token < 4; token++) {
      while (text.charCodeAt(i) === 32) i++;
      const next = text.charCodeAt(i + 1);
      if ('VDIWEFA'.includes(text[i] ?? '_') && (next === 32 || next === 47 /* / */)) {
        return { us, end: i + 1, inside: false, level: { text: text[i], severity: normalizeSeverity(text[i]) } };
      }
      while (i < text.length && text.charCodeAt(i) !== 32) i++;
    }
    return { us, end, inside: false };
  }

  /** A contract stamp (ISO, syslog, Apache, ctime) at `at`, after a prefix. */
  private leadAt(text: string, at: number, fields: Array<[string, string]> | undefined): LineStamp | null {
    const rest = text.slice(at, at + 80);
    const lead = findLeadingTime(rest, this.zone, this.refMs);
    if (!lead) return null;
    const found = this.amPm(text, at, lead.us, at + lead.length) ?? { us: lead.us, end: at + lead.length, inside: false };
    return fields ? { ...found, fields } : found;
  }

  /** `2023-07-19T02:47:11 AM UTC`: the ISO reader stopped before the AM/PM; read it again in 24 hours. */
  private amPm(text: string, start: number, us: number, end: number): LineStamp | null {
    const m = exec(AM_PM, text, end);
    if (!m) return null;
    const iso = STAMP_12H.exec(text.slice(start, end));
    if (!iso) return null;
    const hour = (+iso[2] % 12) + (m[1] === 'PM' ? 12 : 0);
    const rebuilt = parseTime(`${iso[1]}T${pad(hour)}${iso[3]}${m[2] ? ' ' + m[2] : ''}`, this.zone, this.refMs);
    return rebuilt === null ? { us, end, inside: false } : { us: rebuilt, end: end + m[0].length, inside: false };
  }

  private usDate(m: RegExpExecArray, at: number): LineStamp | null {
    let hour = +m[4];
    if (m[8] !== undefined) hour = (hour % 12) + (m[8] === 'PM' ? 12 : 0);
    const text = `${m[3]}-${m[1]}-${m[2]}T${pad(hour)}:${m[5]}:${m[6]}${m[7] ? '.' + m[7] : ''}${m[9] ? ' ' + m[9] : ''}`;
    const us = parseTime(text, this.zone, this.refMs);
    return us === null ? null : { us, end: at + m[0].length, inside: false };
  }

  /**
   * A stamp with a date and a time a few columns in. Tried at the start of
   * each of the first tokens; the line keeps its whole text as the message.
   */
  private inside(text: string): LineStamp | null {
    let tokens = 0;
    for (let i = text.indexOf(' '); i >= 0 && i < INSIDE_MAX_START && tokens < INSIDE_MAX_TOKENS; i = text.indexOf(' ', i + 1)) {
      const at = i + 1;
      const c = text.charCodeAt(at);
      if (c === 32) continue;
      tokens++;
      if ((c >= 48 && c <= 57) || c === 91) {
        const rest = text.slice(at, at + 80);
        const lead = findLeadingTime(rest, this.zone, this.refMs);
        // ISO, Apache and bracketed ctime: all with a year.
        if (lead) return { us: lead.us, end: 0, inside: true };
        const us = c === 91 ? exec(CTIME_ZONE, text, at + 1) : null;
        if (us) return this.ctimeZone(us, true);
      } else if (c >= 65 && c <= 90) {
        const m = exec(CTIME_ZONE, text, at);
        if (m) return this.ctimeZone(m, true);
        const lead = findLeadingTime(text.slice(at, at + 40), this.zone, this.refMs);
        // A ctime with its year (`Wed Jul 25 23:01:18 2012`), not a year-less syslog stamp.
        if (lead && /^[A-Z][a-z]{2} [A-Z][a-z]{2} /.test(text.slice(at, at + 8))) return { us: lead.us, end: 0, inside: true };
      }
    }
    return null;
  }

  private ctimeZone(m: RegExpExecArray, inside: boolean): LineStamp | null {
    const month = MONTHS[m[1]];
    if (!month) return null;
    const us = parseTime(`${m[8]}-${pad(month)}-${pad(m[2])}T${m[3]}:${m[4]}:${m[5]}${m[6] ? '.' + m[6] : ''} ${m[7]}`, this.zone, this.refMs);
    return us === null ? null : { us, end: 0, inside };
  }

  private wall(iso: string, fraction: string | undefined, end: number): LineStamp | null {
    const us = this.wallUs(iso, fraction);
    return us === null ? null : { us, end, inside: false };
  }

  /** Wall-clock `YYYY-MM-DDTHH:MM:SS` (+ fraction) in the stream's zone, through the contract's reader. */
  private wallUs(iso: string, fraction: string | undefined): number | null {
    return parseTime(fraction ? `${iso}.${fraction}` : iso, this.zone, this.refMs);
  }

  /** A stamp without a year: the year of the record before, else the syslog rule. */
  private yearless(month: number, day: number, h: string, mi: string, s: string, fraction: string | undefined): number | null {
    const md = `${pad(month)}-${pad(day)}T${h}:${mi}:${s}`;
    if (this.last !== null) {
      const year = this.wallParts(this.last).year;
      const us = this.wallUs(`${pad(year, 4)}-${md}`, fraction);
      // Records go forward: December then January is the next year.
      if (us !== null && us < this.last - 183 * DAY_US) return this.wallUs(`${pad(year + 1, 4)}-${md}`, fraction);
      return us;
    }
    const refYear = new Date(this.refMs).getUTCFullYear();
    const us = this.wallUs(`${pad(refYear, 4)}-${md}`, fraction);
    if (us !== null && us > (this.refMs + 86_400_000) * 1000) return this.wallUs(`${pad(refYear - 1, 4)}-${md}`, fraction);
    return us;
  }

  /** A time of day: on the date of the record before (the next day past midnight), else today or yesterday. */
  private timeOfDay(h: string, mi: string, s: string, fraction: string | undefined): number | null {
    const hms = `T${h}:${mi}:${s}`;
    const base = this.last ?? this.refMs * 1000;
    const p = this.wallParts(base);
    let us = this.wallUs(`${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${hms}`, fraction);
    if (us === null) return null;
    if (this.last !== null) {
      if (us < this.last - DAY_US / 2) us += DAY_US;
    } else if (us > this.refMs * 1000) {
      us -= DAY_US;
    }
    return us;
  }

  /** The wall-clock date of `us` in the stream's zone. */
  private wallParts(us: number): { year: number; month: number; day: number } {
    const ms = Math.floor(us / 1000);
    const offset = zoneOffsetMinutes(this.zone, ms);
    const d = new Date(ms + offset * 60_000);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC of `zone` at instant `ms`. */
function zoneOffsetMinutes(zone: Zone, ms: number): number {
  if (zone.kind === 'fixed') return zone.offsetMinutes;
  let f = formatters.get(zone.name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone.name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone.name, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000) / 60_000);
}

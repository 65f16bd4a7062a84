/**
 * The built-in `w3c` processor: the W3C Extended Log File Format
 * (https://www.w3.org/TR/WD-logfile.html) as IIS, IIS Advanced Logging,
 * Oracle Web Cache, Incapsula and others write it.
 *
 * `#` lines are directives, not records: `#Fields:` names the columns (a new
 * `#Fields:` mid-file, as IIS writes after a restart, changes them from there
 * on), `#Date:`/`#Start-Date:` give the date for a file whose records carry
 * only a `time` column. Every other non-blank line is one record; values are
 * separated by spaces or tabs, may be "quoted" ("" inside a quote is a
 * quote), and `-` (or an empty quote) means no value (no field).
 *
 * Time: `date` + `time` (UTC, as the format defines them), or `date-local` +
 * `time-local` (in `--tz`), or `time` alone on the date of the last `#Date:`
 * (a time that jumps back by more than 12 hours has crossed midnight). Two
 * writers say their times are not GMT, in directives the draft does not
 * define: Oracle9iAS Web Cache writes `#GMT-Offset: -0800` (its times are at
 * that offset), the Windows Firewall log (pfirewall.log) `#Time Format:
 * Local` (its times are on the local clock, read in `--tz`: the file does not
 * name the zone). Either holds until the next header block (directives after
 * records). IIS always writes GMT.
 * Severity: `sc-status` by logmill's HTTP rule (5xx error, 4xx warn, other
 * statuses and a request without one info; no `sc-status` column: unknown). Message: `cs-method`, the URI (`cs-uri-stem?cs-uri-query`
 * or `cs-uri`) and `sc-status`. Every column is a field by its name.
 */
import { Severity } from '../../contract/severity.js';
import { parseTime, parseZone, UTC, type Zone } from '../../contract/timestamps.js';
import type { LogRecord, ParseStream, Processor, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { ColumnarStream, malformedRecord, statusSeverity } from './columnar.js';

const DIRECTIVE = /^#(Software|Version|Fields|Date|Start-Date|End-Date|Remark):/;

export const w3cProcessor: Processor = {
  name: 'w3c',
  extensions: [],
  origin: { kind: 'builtin' },
  /** The file starts with a W3C directive; 95 when a `#Fields:` line is in the head too. */
  detect(head: Buffer): number {
    const text = head.toString('utf8', 0, Math.min(head.length, 16384)).replace(/^\uFEFF/, '');
    const first = text.trimStart().split('\n', 1)[0];
    if (!DIRECTIVE.test(first)) return 0;
    return /^#Fields:[ \t]*\S/m.test(text) ? 95 : 60;
  },
  open(options: StreamOptions): ParseStream {
    const unknown = Object.keys(options.options);
    if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (w3c takes no options)`, 'w3c', options.source);
    return new W3cStream(options.zone);
  },
};

const DAY_US = 86_400_000_000;
const HALF_DAY_US = DAY_US / 2;
const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

/** Where each role's column is in the current `#Fields:` (-1: none). */
interface Layout {
  names: string[];
  date: number;
  time: number;
  /** The zone of date/time: UTC for `date`/`time`, `--tz` for the `-local` pair. */
  local: boolean;
  status: number;
  method: number;
  uriStem: number;
  uriQuery: number;
  uri: number;
}

export class W3cStream extends ColumnarStream {
  protected readonly header = '#Fields:';
  private layout: Layout | null = null;
  /** `YYYY-MM-DD` of the last `#Date:`/`#Start-Date:`, for time-only records. */
  private baseDate: string | null = null;
  /** Days added to baseDate after times that went back past midnight. */
  private dayShift = 0;
  private lastUs: number | null = null;
  /**
   * The zone of `date`/`time` other than GMT a directive named: Oracle Web
   * Cache's `#GMT-Offset:`, Windows Firewall's `#Time Format: Local` (`--tz`).
   * A header block after records (a restart, concatenated logs) starts over.
   */
  private directiveZone: Zone | null = null;
  private afterRecords = false;
  private badOffset: string | null = null;

  constructor(private readonly zone: Zone) {
    super();
  }

  protected directive(text: string): void {
    const m = /^#([A-Za-z][A-Za-z -]*):[ \t]*(.*)$/.exec(text);
    if (!m) return; // a comment
    const name = m[1].toLowerCase();
    if (this.afterRecords) {
      this.afterRecords = false;
      this.directiveZone = null;
    }
    if (name === 'gmt-offset') this.directiveZone = this.offsetZone(m[2].trim());
    else if (name === 'time format') this.directiveZone = m[2].trim().toLowerCase() === 'local' ? this.zone : null;
    else if (name === 'fields') this.layout = layoutOf(m[2].trim().split(/[ \t]+/).filter(Boolean));
    else if (name === 'date' || name === 'start-date') {
      const date = directiveDate(m[2]);
      if (date) {
        this.baseDate = date;
        this.dayShift = 0;
        this.lastUs = null;
      }
    }
  }

  /** `-0800`, `+05:30`; another value is noted and the times stay GMT. */
  private offsetZone(value: string): Zone | null {
    if (/^[+-]\d{2}:?\d{2}$/.test(value)) {
      try {
        return parseZone(value);
      } catch { /* over 18 hours: noted below */ }
    }
    this.badOffset ??= value;
    return null;
  }

  notes(): string[] {
    const notes = super.notes();
    if (this.badOffset !== null) notes.push(`#GMT-Offset: "${this.badOffset}" is not an offset such as -0800: its times are read as GMT`);
    return notes;
  }

  protected record(text: string, line: number, offset: number): LogRecord {
    this.afterRecords = true;
    const layout = this.layout;
    if (!layout) return malformedRecord('w3c: no #Fields: directive before this line', text, line, offset);
    const values = splitValues(text);
    if (values.length !== layout.names.length) this.countRagged(line);
    const time = this.timeOf(layout, values);
    const fields = newFields();
    values.forEach((v, i) => {
      if (v === '-' || v === '' || (time !== null && (i === layout.date || i === layout.time))) return;
      fields[i < layout.names.length ? layout.names[i] : `col${i + 1}`] = v;
    });
    const status = at(values, layout.status);
    const uri = at(values, layout.uriStem) ?? at(values, layout.uri);
    const query = at(values, layout.uriQuery);
    const parts = [at(values, layout.method), uri !== undefined && query !== undefined ? `${uri}?${query}` : uri, status].filter((p) => p !== undefined);
    const message = parts.length > 0 ? parts.join(' ') : values.filter((_, i) => i !== layout.date && i !== layout.time).join(' ');
    const severity = layout.status >= 0 ? statusSeverity(status) : Severity.Unknown;
    return { time, severity, severityText: status ?? '', message, fields, line, offset, malformed: false };
  }

  private timeOf(layout: Layout, values: string[]): number | null {
    if (layout.time < 0 && layout.date < 0) return null;
    const clock = layout.time >= 0 ? at(values, layout.time) : '00:00:00';
    if (clock === undefined) return null;
    const zone = this.directiveZone ?? (layout.local ? this.zone : UTC);
    if (layout.date >= 0) {
      const date = valueDate(at(values, layout.date) ?? '');
      return date ? this.times.check(parseTime(`${date} ${clock}`, zone)) : null;
    }
    if (!this.baseDate) return null;
    let us = parseTime(`${this.baseDate} ${clock}`, zone);
    if (us === null) return null;
    us += this.dayShift * DAY_US;
    if (this.lastUs !== null && us < this.lastUs - HALF_DAY_US) {
      this.dayShift++;
      us += DAY_US;
    }
    this.lastUs = us;
    return this.times.check(us);
  }
}

function layoutOf(names: string[]): Layout {
  const find = (...wanted: string[]) => {
    for (const w of wanted) {
      const i = names.findIndex((n) => n.toLowerCase() === w);
      if (i >= 0) return i;
    }
    return -1;
  };
  const utc = find('date', 'date-utc') >= 0 || find('time', 'time-utc') >= 0;
  return {
    names,
    date: utc ? find('date', 'date-utc') : find('date-local'),
    time: utc ? find('time', 'time-utc') : find('time-local'),
    local: !utc,
    status: find('sc-status'),
    method: find('cs-method'),
    uriStem: find('cs-uri-stem'),
    uriQuery: find('cs-uri-query'),
    uri: find('cs-uri'),
  };
}

/** The value of column i, undefined when absent or `-`. */
function at(values: string[], i: number): string | undefined {
  if (i < 0 || i >= values.length) return undefined;
  const v = values[i];
  return v === '-' || v === '' ? undefined : v;
}

/** Splits a data line at runs of spaces and tabs; a value that starts with `"` runs to its closing quote. */
export function splitValues(text: string): string[] {
  const values: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n) break;
    if (text[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) { // unterminated: the rest of the line
          v += text.slice(j);
          j = n;
          break;
        }
        v += text.slice(j, q);
        if (text[q + 1] === '"') {
          v += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // a closing quote not followed by a blank: the value goes on to the next blank
      const end = nextBlank(text, j);
      values.push(v + text.slice(j, end));
      i = end;
    } else {
      const end = nextBlank(text, i);
      values.push(text.slice(i, end));
      i = end;
    }
  }
  return values;
}

function nextBlank(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== ' ' && text[i] !== '\t') i++;
  return i;
}

/** `YYYY-MM-DD` from a date value: `2017-06-28`, `2017/06/28`, `28/Jun/2017`, `12-Jan-1996` (the W3C draft's). */
function valueDate(v: string): string | null {
  let m = /^(\d{4})[-/](\d{2})[-/](\d{2})$/.exec(v);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})([-/])([A-Za-z]{3})\2(\d{4})$/.exec(v);
  if (m && MONTHS[m[3].toLowerCase()]) return `${m[4]}-${MONTHS[m[3].toLowerCase()]}-${m[1].padStart(2, '0')}`;
  return null;
}

/** The date a `#Date:` directive starts with (`2002-05-02 17:42:15`, `28/Jun/2017 07:28:59`, `12-Jan-1996 00:00:00`; a comment may follow). */
function directiveDate(v: string): string | null {
  const word = /^\s*(\S+)/.exec(v);
  if (!word) return null;
  // `28/Jun/2017:07:28:59` (CLF) as well as `28/Jun/2017 07:28:59`
  return valueDate(word[1].replace(/:\d{2}:\d{2}:\d{2}$/, ''));
}

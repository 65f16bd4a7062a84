/**
 * The built-in `zeek` processor: Zeek's (formerly Bro's) ASCII log format,
 * tab-separated values under a header of directives
 * (https://docs.zeek.org/en/master/log-formats.html):
 *
 *   #separator \x09        the value separator, escaped
 *   #set_separator ,  #empty_field (empty)  #unset_field -
 *   #path http             which log (conn, http, dns, ...)
 *   #open / #close         when the file was opened / closed
 *   #fields ts uid ...     the column names
 *   #types time string ... their types
 *
 * Directives are not records; a new header (Zeek appends one when a log is
 * concatenated or rotated) changes the columns from there on. Every other
 * non-blank line is one record. Time: `ts` (epoch seconds with a fraction,
 * read exactly to the microsecond), or the first column of type `time`.
 * The unset value (`-`) is no field; the empty value (`(empty)`) is an empty
 * field. In http logs, severity comes from `status_code` by logmill's HTTP
 * rule (5xx error, 4xx warn, other statuses info; a request without a
 * response is info). Message: for http `method host+uri status_code`, for
 * conn `proto orig_h:orig_p -> resp_h:resp_p service conn_state`, else the
 * `msg` column, else the values in order.
 */
import { Severity } from '../../contract/severity.js';
import type { LogRecord, ParseStream, Processor, StreamOptions } from '../../contract/processor.js';
import { newFields, ProcessorError } from '../../contract/processor.js';
import { ColumnarStream, malformedRecord, statusSeverity } from './columnar.js';

export const zeekProcessor: Processor = {
  name: 'zeek',
  extensions: [],
  origin: { kind: 'builtin' },
  /** The file starts with `#separator `; 95 when a `#fields` line is in the head too. */
  detect(head: Buffer): number {
    const text = head.toString('utf8', 0, Math.min(head.length, 16384)).replace(/^\uFEFF/, '');
    if (!/^#separator[ \t]\S/.test(text)) return 0;
    return /^#fields\s/m.test(text) ? 95 : 70;
  },
  open(options: StreamOptions): ParseStream {
    const unknown = Object.keys(options.options);
    if (unknown.length > 0) throw new ProcessorError(`unknown option "${unknown[0]}" (zeek takes no options)`, 'zeek', options.source);
    return new ZeekStream();
  },
};

interface Columns {
  names: string[];
  ts: number;
  index: Map<string, number>;
}

export class ZeekStream extends ColumnarStream {
  protected readonly header = '#fields';
  private separator = '\t';
  private unset = '-';
  private empty = '(empty)';
  private path = '';
  private columns: Columns | null = null;
  private types: string[] = [];

  protected directive(text: string): void {
    const sep = /^#separator[ \t](.*)$/.exec(text);
    if (sep) {
      this.separator = unescape(sep[1]) || '\t';
      return;
    }
    const parts = text.split(this.separator);
    const name = parts[0].slice(1);
    const args = parts.slice(1);
    switch (name) {
      case 'unset_field': this.unset = args[0] ?? '-'; break;
      case 'empty_field': this.empty = args[0] ?? '(empty)'; break;
      case 'path': this.path = args[0] ?? ''; break;
      case 'fields': this.columns = columnsOf(args, this.types); this.types = []; break;
      case 'types':
        this.types = args;
        if (this.columns && this.columns.ts < 0) this.columns = columnsOf(this.columns.names, args);
        break;
    }
  }

  protected record(text: string, line: number, offset: number): LogRecord {
    const cols = this.columns;
    if (!cols) return malformedRecord('zeek: no #fields directive before this line', text, line, offset);
    const values = text.split(this.separator);
    if (values.length !== cols.names.length) this.countRagged(line);
    const get = (name: string): string | undefined => {
      const i = cols.index.get(name);
      if (i === undefined || i >= values.length) return undefined;
      const v = values[i];
      return v === this.unset || v === this.empty ? undefined : v;
    };
    const time = cols.ts >= 0 && cols.ts < values.length ? this.times.check(epochMicros(values[cols.ts])) : null;
    const fields = newFields();
    values.forEach((v, i) => {
      if (v === this.unset || (i === cols.ts && time !== null)) return;
      fields[i < cols.names.length ? cols.names[i] : `col${i + 1}`] = v === this.empty ? '' : v;
    });
    let severity = Severity.Unknown;
    let severityText = '';
    let message: string;
    if (this.path === 'http' || cols.index.has('status_code')) {
      const status = get('status_code');
      severity = statusSeverity(status);
      severityText = status ?? '';
      message = join([get('method'), join([get('host'), get('uri')], ''), status]);
    } else if (this.path === 'conn' || (cols.index.has('id.orig_h') && cols.index.has('conn_state'))) {
      const from = join([get('id.orig_h'), get('id.orig_p')], ':');
      const to = join([get('id.resp_h'), get('id.resp_p')], ':');
      message = join([get('proto'), from && to ? `${from} -> ${to}` : from || to, get('service'), get('conn_state')]);
    } else {
      message = get('msg') ?? join(values.filter((_, i) => i !== cols.ts).map((v) => (v === this.unset || v === this.empty ? undefined : v)));
    }
    return { time, severity, severityText, message, fields, line, offset, malformed: false };
  }
}

function columnsOf(names: string[], types: string[]): Columns {
  const index = new Map<string, number>();
  names.forEach((n, i) => { if (!index.has(n)) index.set(n, i); });
  let ts = index.get('ts') ?? -1;
  if (ts < 0) ts = types.indexOf('time');
  return { names, ts, index };
}

function join(parts: (string | undefined)[], sep = ' '): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join(sep);
}

/** `\x09` → a tab: how Zeek writes its separator in `#separator`. */
function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Epoch seconds with an optional fraction (`1320279566.452687`) to microseconds, exactly. */
export function epochMicros(v: string): number | null {
  const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(v);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Number(m[1]) * 1_000_000 + Number(frac);
}

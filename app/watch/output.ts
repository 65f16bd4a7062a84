/**
 * What `logmill watch` tells the user. Not on a terminal: NDJSON events, one
 * per line (`plugin-loaded`, `plugin-rejected`, `plugin-removed`,
 * `file-added`, `file-held`, `file-rotated`, `file-truncated`, `file-error`,
 * `record` for records matching --alert/--grep, and a periodic `summary`).
 * On a terminal: matching records as lines, under a summary redrawn in place,
 * every string from a log or a file name shown through printable() (a log
 * line must not retitle or clear the terminal). NDJSON keeps them exact.
 */
import { Severity, SEVERITY_NAMES, severityName } from '../../contract/severity.js';
import { formatTime } from '../../contract/timestamps.js';
import type { AlertRecord } from '../workers/protocol.js';
import { printable } from '../render/escape.js';
import type { Style } from '../render/terminal.js';

export interface WatchSummary {
  records: number;
  malformed: number;
  severity: number[];
  files: number;
  held: number;
  plugins: string[];
  ratePerSecond: number;
  latestErrors: { file: string; line: number; message: string }[];
}

export interface WatchOutput {
  event(name: string, data: Record<string, unknown>): void;
  record(file: string, r: AlertRecord): void;
  summary(s: WatchSummary, final: boolean): void;
  /** Resolves once everything written so far has reached stdout's file or pipe (not Node's buffer). */
  flushed(): Promise<void>;
}

function stdoutFlushed(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

export class NdjsonOutput implements WatchOutput {
  flushed = stdoutFlushed;

  event(name: string, data: Record<string, unknown>): void {
    process.stdout.write(JSON.stringify({ event: name, at: new Date().toISOString(), ...data }) + '\n');
  }

  record(file: string, r: AlertRecord): void {
    this.event('record', {
      file, line: r.line || null, ts: r.time === null ? null : formatTime(r.time), severity: severityName(r.severity),
      severity_text: r.severityText, message: r.message, fields: r.fields,
    });
  }

  summary(s: WatchSummary, final: boolean): void {
    this.event(final ? 'final-summary' : 'summary', {
      records: s.records, malformed: s.malformed, severity: severityMap(s.severity), files: s.files, held: s.held,
      plugins: s.plugins, ratePerSecond: Math.round(s.ratePerSecond),
    });
  }
}

export class TerminalOutput implements WatchOutput {
  private drawn = 0;
  flushed = stdoutFlushed;

  constructor(private readonly st: Style) {}

  event(name: string, data: Record<string, unknown>): void {
    // File names and messages come from the outside: a control character in one must not reach the terminal.
    const text = Object.entries(data).map(([k, v]) => `${k}=${printable(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))}`).join(' ');
    this.above(this.st.dim(`${name} ${text}`));
  }

  record(file: string, r: AlertRecord): void {
    const sev = severityName(r.severity);
    const when = r.time === null ? '' : formatTime(r.time).slice(0, 19).replace('T', ' ') + ' ';
    this.above(`${this.st.cyan(`${printable(file)}:${r.line || '?'}`)} ${when}${r.severity >= Severity.Error ? this.st.red(sev) : this.st.yellow(sev)} ${printable(r.message.split('\n')[0])}`);
  }

  summary(s: WatchSummary, final: boolean): void {
    this.erase();
    const sev = SEVERITY_NAMES.map((n, i) => [n, s.severity[i]] as const).filter(([, n]) => n > 0).reverse()
      .map(([name, n]) => `${name} ${n}`).join('  ');
    const lines = [
      this.st.bold(`logmill watch: ${s.records} records, ${s.malformed} malformed, ${Math.round(s.ratePerSecond)}/s, ${s.files} files${s.held ? `, ${s.held} held` : ''}`),
      `  ${sev || this.st.dim('no records yet')}`,
      `  plugins: ${printable(s.plugins.join(', ')) || this.st.dim('none')}`,
      ...s.latestErrors.slice(-3).map((e) => this.st.red(`  ${printable(e.file)}:${e.line} ${printable(e.message.split('\n')[0].slice(0, 100))}`)),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    this.drawn = final ? 0 : lines.length;
  }

  private above(line: string): void {
    this.erase();
    process.stdout.write(line + '\n');
  }

  private erase(): void {
    if (this.drawn > 0) process.stdout.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }
}

function severityMap(counts: number[]): Record<string, number> {
  return Object.fromEntries(SEVERITY_NAMES.map((n, i) => [n, counts[i] ?? 0]));
}

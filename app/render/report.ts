/**
 * The `logmill analyze` report, as text for people and as JSON for programs.
 * The JSON shape is a documented interface (README, "JSON report"): fields
 * are only ever added, never renamed, and `schema` changes if that breaks.
 * In the text report every string that came from a log, a file name or a
 * plugin goes through printable() (so through `shown` or `clip`) before it is
 * styled: no control character from the input reaches the terminal. The JSON
 * report keeps strings exact (JSON escapes them).
 */
import { Severity, SEVERITY_NAMES, severityName } from '../../contract/severity.js';
import { bytes, duration } from './units.js';
import { formatTime } from '../../contract/timestamps.js';
import { MAX_GROUPS, type FieldStats, type GroupCounts } from '../analysis/aggregates.js';
import { MAX_PATTERNS, type Summary, type Example } from '../analysis/summary.js';
import type { InputReport } from '../pipeline.js';
import { printable } from './escape.js';
import { fitLine, type Style } from './terminal.js';

export interface AnalyzeResult {
  inputs: InputReport[];
  summary: Summary;
  fields: readonly string[];
  top: number;
  filtered: boolean;
}

/** Counts by severity index as `{ name: count }`: every level, or (`nonZero`) only those with records. */
function severityCounts(counts: readonly number[], nonZero = false): Record<string, number> {
  const out: Record<string, number> = {};
  SEVERITY_NAMES.forEach((name, i) => {
    if (!nonZero || counts[i] > 0) out[name] = counts[i];
  });
  return out;
}

export function toJson(res: AnalyzeResult): object {
  const s = res.summary;
  const severity = severityCounts(s.severity);
  const hist = s.histogram(48);
  return {
    schema: 1,
    records: s.records,
    malformed: s.malformed,
    severity,
    timeRange: { first: iso(s.firstTime), last: iso(s.lastTime), untimed: s.untimed },
    files: res.inputs.map((f) => ({
      path: f.name, format: f.format, reason: f.reason || null, records: f.records, malformed: f.malformed, bytes: f.bytes, ranges: f.ranges,
      firstTime: iso(f.firstTime), lastTime: iso(f.lastTime), error: f.error ?? null, notes: f.notes,
    })),
    histogram: hist && { bucketSeconds: hist.widthUs / 1e6, buckets: hist.bars.map((b) => ({ start: iso(b.start), count: b.count, severity: severityCounts(b.severity, true) })) },
    patterns: s.topPatterns(res.top).map((p) => ({ pattern: p.pattern, count: p.count, example: exampleJson(p.example) })),
    /** Records whose pattern was too rare to keep once there were MAX_PATTERNS distinct patterns (app/analysis/summary.ts). */
    patternsDropped: s.patternOverflow,
    fields: Object.fromEntries(res.fields.map((f) => [f, s.topValues(f, res.top)])),
    errors: s.errors.map(exampleJson),
    malformedExamples: s.malformedExamples.map(exampleJson),
    /** `--count-by`: the top groups; `dropped` records were in groups too rare to keep (MAX_GROUPS), `missing` lacked a field. */
    countBy: s.countBy ? {
      fields: s.countBy.fields,
      groups: s.countBy.top(res.top).map((g) => ({ values: g.values, count: g.count, ...(g.stats ? { stats: g.stats.toJson() } : {}) })),
      dropped: s.countBy.dropped,
      missing: s.countBy.missing,
    } : null,
    /** `--stats FIELD` over every record that passed the filters. */
    stats: s.stats ? s.stats.toJson() : null,
  };
}

function exampleJson(e: Example) {
  return { file: e.file, line: e.line || null, time: iso(e.time), severity: severityName(e.severity), severityText: e.severityText, message: e.message };
}

function iso(us: number | null): string | null {
  return us === null ? null : formatTime(us);
}

const SEVERITY_ORDER = [Severity.Fatal, Severity.Error, Severity.Warn, Severity.Notice, Severity.Info, Severity.Debug, Severity.Trace, Severity.Unknown];

/**
 * The report for a terminal `width` columns wide: tables size their columns
 * to it, and any line still wider is cut with "…" (fitLine), so no line wraps.
 */
export function toText(res: AnalyzeResult, st: Style, width: number): string {
  const s = res.summary;
  const out: string[] = [];
  const line = (x = '') => out.push(x);
  const sevColor = (sev: Severity, text: string) =>
    sev >= Severity.Error ? st.red(text) : sev === Severity.Warn ? st.yellow(text) : sev === Severity.Unknown ? st.dim(text) : text;

  const range = s.firstTime !== null ? `, ${short(s.firstTime)} → ${short(s.lastTime!)} UTC` : '';
  line(st.bold(`${plural(res.inputs.length, 'file')}, ${plural(s.records, 'record')}${res.filtered ? ' matching the filters' : ''}, ${plural(s.malformed, 'malformed input')}${range}`));

  line();
  line(st.bold('Files'));
  // When the whole run is within one day (the headline says which), file ranges leave the date out.
  const oneDay = s.firstTime !== null && short(s.firstTime).slice(0, 10) === short(s.lastTime!).slice(0, 10);
  const ranges = res.inputs.map((f) => (f.firstTime !== null ? span(f.firstTime, f.lastTime!, oneDay) : 'no timestamps'));
  const formatWidth = Math.max(6, ...res.inputs.map((f) => shown(f.format ?? '-').length));
  // The name gets what the format, the counts (39 columns) and the time range leave, 16 to 48; the reason comes last, cut first.
  const fixed = 2 + 2 + formatWidth + 2 + 39 + 2 + Math.max(...ranges.map((r) => r.length));
  const nameWidth = Math.min(48, Math.max(16, width - fixed), Math.max(...res.inputs.map((f) => shown(f.name).length), 4));
  for (const [i, f] of res.inputs.entries()) {
    const counts = `${f.records.toString().padStart(7)} records  ${f.malformed ? st.yellow(`${f.malformed} malformed`) : '0 malformed'}  ${bytes(f.bytes).padStart(9)}`;
    const range = f.firstTime !== null ? ranges[i] : st.dim(ranges[i]);
    const error = f.error && shown(f.error);
    // The routing reason only where at least a few words of it fit: cut, it would take the range's last digits with it.
    const room = width - (2 + nameWidth + 2 + formatWidth + 2 + 39 + 2 + ranges[i].length);
    const reason = f.reason && room >= 16 ? st.dim(`  (${shown(f.reason)})`) : '';
    const what = error && f.records === 0 ? st.red(`failed: ${error}`) : `${counts}  ${range}${reason}`;
    line(`  ${leftClip(shown(f.name), nameWidth).padEnd(nameWidth)}  ${shown(f.format ?? '-').padEnd(formatWidth)}  ${what}`);
    if (error && f.records > 0) line(`  ${''.padEnd(nameWidth)}  ${st.red(`failed after ${f.records} records (they are counted): ${error}`)}`);
    for (const n of f.notes) line(st.dim(`  ${''.padEnd(nameWidth)}  note: ${shown(n)}`));
  }

  if (s.records > 0) {
    line();
    line(st.bold('Severity'));
    const max = Math.max(...s.severity);
    const barWidth = Math.max(10, Math.min(40, width - 30));
    for (const sev of SEVERITY_ORDER) {
      const n = s.severity[sev];
      if (n === 0) continue;
      line(`  ${sevColor(sev, severityName(sev).padEnd(8))} ${n.toString().padStart(9)}  ${sevColor(sev, bar(n, max, barWidth))}`);
    }
  }

  const hist = s.histogram(24);
  if (hist && hist.bars.length > 1) {
    line();
    line(st.bold(`Events over time (${duration(hist.widthUs)} buckets, UTC)`));
    const max = Math.max(...hist.bars.map((b) => b.count));
    const barWidth = Math.max(10, Math.min(50, width - 34));
    for (const b of hist.bars) line(`  ${short(b.start)}  ${b.count.toString().padStart(8)}  ${st.cyan(bar(b.count, max, barWidth))}`);
  }
  if (s.untimed > 0 && s.records > 0) line(st.dim(`  ${plural(s.untimed, 'record')} without a timestamp`));

  const patterns = s.topPatterns(res.top);
  if (patterns.length > 0) {
    line();
    line(st.bold('Top message patterns'));
    if (s.patternOverflow > 0) line(st.dim(`  (${plural(s.patternOverflow, 'record')} of rare patterns not counted by pattern: over ${MAX_PATTERNS.toLocaleString('en-US')} distinct patterns)`));
    for (const p of patterns) {
      line(`  ${p.count.toString().padStart(8)}  ${clip(p.pattern || '(empty message)', width - 12)}`);
      line(st.dim(`            e.g. ${where(p.example)}  ${clip(firstLine(p.example.message), width - 30)}`));
    }
  }

  for (const field of res.fields) {
    line();
    line(st.bold(`Top values of ${shown(field)}`));
    const values = s.topValues(field, res.top);
    if (values.length === 0) line(st.dim('  (no record has this field)'));
    for (const v of values) line(`  ${v.count.toString().padStart(8)}  ${clip(v.value, width - 12)}`);
  }

  if (s.stats) statsText(s.stats, line, st);
  if (s.countBy) countByText(s.countBy, res.top, width, line, st);

  if (s.errors.length > 0) {
    line();
    line(st.bold(`First errors`));
    for (const e of s.errors) {
      // The log's own word when it says more than the normalized one: an HTTP status, SEVERE, crit.
      const written = e.severityText && e.severityText.toLowerCase() !== severityName(e.severity) ? ` ${shown(e.severityText)}` : '';
      line(`  ${where(e)}  ${e.time !== null ? short(e.time) + '  ' : ''}${st.red(severityName(e.severity) + written)}  ${clip(firstLine(e.message), width - 40)}`);
    }
  }
  if (s.malformedExamples.length > 0) {
    line();
    line(st.bold(`First malformed input`));
    for (const e of s.malformedExamples) line(`  ${where(e)}  ${st.yellow(clip(e.message, width - 30))}`);
  }
  return out.map((l) => fitLine(l.trimEnd(), width)).join('\n') + '\n';
}

/** A path cut from the left ("…/logs/app.log"): its end says more than its start. */
function leftClip(s: string, n: number): string {
  return s.length > n ? '…' + s.slice(s.length - n + 1) : s;
}

/** `2026-11-23 05:54:40 → 05:55:05` within a day (`05:54:40 → 05:55:05` with `timesOnly`), else both stamps whole. */
function span(first: number, last: number, timesOnly = false): string {
  const a = short(first);
  const b = short(last);
  if (a.slice(0, 10) !== b.slice(0, 10)) return `${a} → ${b}`;
  return timesOnly ? `${a.slice(11)} → ${b.slice(11)}` : `${a} → ${b.slice(11)}`;
}

function statsText(stats: FieldStats, line: (x?: string) => void, st: Style): void {
  const j = stats.toJson();
  line();
  line(st.bold(`Stats of ${shown(j.field)}`) + st.dim(` (${plural(j.count, 'numeric value')}${j.nonNumeric ? `, ${j.nonNumeric} not a number` : ''}; percentiles within 1%)`));
  if (j.count === 0) line(st.dim('  (no record has a number in this field)'));
  else line(`  min ${num(j.min)}  mean ${num(j.mean)}  p50 ${num(j.p50)}  p90 ${num(j.p90)}  p99 ${num(j.p99)}  max ${num(j.max)}`);
}

/**
 * The --count-by table: count, the group's values, and its --stats. The
 * value columns share what the terminal width leaves, longest values cut
 * with "…", so no line wraps.
 */
function countByText(c: GroupCounts, top: number, width: number, line: (x?: string) => void, st: Style): void {
  const groups = c.top(top);
  line();
  const notes = [
    c.groups.size > groups.length ? `top ${groups.length} of ${c.groups.size} groups` : '',
    c.dropped ? `${plural(c.dropped, 'record')} in rarer groups not counted: over ${MAX_GROUPS.toLocaleString('en-US')} groups` : '',
    c.missing ? `${plural(c.missing, 'record')} without ${c.fields.map(shown).join(' or ')}` : '',
  ].filter(Boolean);
  line(st.bold(`Count by ${c.fields.map(shown).join(', ')}`));
  for (const note of notes) line(st.dim(`  (${note})`));
  if (groups.length === 0) {
    line(st.dim('  (no record has these fields)'));
    return;
  }
  const statCols = groups[0].stats ? ['n', 'min', 'mean', 'p50', 'p90', 'p99', 'max'] : [];
  const statRows = groups.map((g) => {
    if (!g.stats) return [];
    const j = g.stats.toJson();
    return [String(j.count), num(j.min), num(j.mean), num(j.p50), num(j.p90), num(j.p99), num(j.max)];
  });
  const statWidths = statCols.map((h, i) => Math.max(h.length, ...statRows.map((r) => r[i].length)));
  const countWidth = Math.max(8, ...groups.map((g) => String(g.count).length));
  const fixed = 2 + countWidth + statWidths.reduce((a, w) => a + w + 2, 0);
  const values = groups.map((g) => g.values.map(shown));
  const widths = fitColumns(c.fields.map((f, i) => Math.max(shown(f).length, ...values.map((v) => v[i].length))), width - 1 - fixed);
  const cell = (text: string, w: number) => cut(text, w).padEnd(w);
  const row = (count: string, cells: string[], stats: string[]) =>
    `  ${count.padStart(countWidth)}  ${cells.map((v, i) => cell(v, widths[i])).join('  ')}${stats.map((x, i) => '  ' + x.padStart(statWidths[i])).join('')}`.trimEnd();
  line(st.dim(row('count', c.fields.map(shown), statCols)));
  groups.forEach((g, k) => line(row(String(g.count), values[k], statRows[k])));
}

/**
 * Column widths that fit in `room` characters (two spaces between columns):
 * the widest columns give up characters first, none below 6.
 */
export function fitColumns(wanted: number[], room: number): number[] {
  const widths = [...wanted];
  const total = () => widths.reduce((a, w) => a + w, 0) + 2 * Math.max(0, widths.length - 1);
  while (total() > room) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 6) break;
    widths[widest]--;
  }
  return widths;
}

/** `s` (already printable) cut to `n` characters with "…". */
function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, Math.max(0, n - 1)) + '…' : s;
}

/** A statistic for people: up to 6 significant digits, no exponent for everyday magnitudes. */
function num(v: number | null): string {
  if (v === null) return '-';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(6)));
}

function where(e: Example): string {
  return shown(e.line ? `${e.file}:${e.line}` : `${e.file}@${e.offset}`);
}

/** Untrusted text (from a log, a file name, a plugin) as it may appear on a terminal. */
function shown(s: string): string {
  return printable(s);
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl) + ' …';
}

/** `s` made printable, then cut to `n` characters (at least 20). */
function clip(s: string, n: number): string {
  const max = Math.max(20, n);
  const p = shown(s);
  return p.length > max ? p.slice(0, max - 1) + '…' : p;
}

function bar(n: number, max: number, width: number): string {
  if (n === 0) return '';
  const w = (n / max) * width;
  const full = Math.floor(w);
  const part = ' ▏▎▍▌▋▊▉'[Math.floor((w - full) * 8)];
  return '█'.repeat(full) + (part === ' ' ? (full === 0 ? '▏' : '') : part);
}

function short(us: number): string {
  return formatTime(us).slice(0, 19).replace('T', ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * From a FormatDefinition to something that reads lines: its patterns
 * compiled (lnav writes PCRE; the few spellings JavaScript lacks, `(?P<`,
 * `\A`, `\Z`, a leading `(?i)`, are translated), its timestamp formats and
 * level patterns compiled, and its samples parsed. Everything that can be
 * wrong with a format is found here, when the file loads, and refused with
 * the pattern, the sample and the reason, never discovered in a report.
 * The same compiled format scores file heads for routing (main process) and
 * parses lines (workers, app/formats/processor.ts).
 */
import { kindAccepts, typedValue } from '../../contract/field-kinds.js';
import { newFields, type FieldValue } from '../../contract/processor.js';
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import { parseTimeField, UTC, type Zone } from '../../contract/timestamps.js';
import { Rejection } from '../plugins/discovery.js';
import { formatLabel, type FormatDefinition } from './definition.js';
import { compileTimeFormat, TimeFormatError, type TimeParser } from './timefmt.js';

export interface CompiledFormat {
  def: FormatDefinition;
  patterns: { name: string; re: RegExp }[];
  fileName?: RegExp;
  times: TimeParser[];
  levels: { severity: Severity; test: (value: string) => boolean }[];
}

/** A line that starts a record, read. `timeError`: the stamp was captured but does not parse. */
export interface ParsedLine {
  time: number | null;
  timeError?: string;
  severity: Severity;
  severityText: string;
  message: string;
  fields: Record<string, FieldValue>;
}

const LEVEL_SEVERITY: Record<string, Severity> = {
  trace: Severity.Trace, debug5: Severity.Debug, debug4: Severity.Debug, debug3: Severity.Debug, debug2: Severity.Debug,
  debug: Severity.Debug, info: Severity.Info, stats: Severity.Info, notice: Severity.Notice, warning: Severity.Warn,
  warn: Severity.Warn, error: Severity.Error, critical: Severity.Fatal, fatal: Severity.Fatal,
};

/** Compiles and checks a format: its samples must parse. Throws the Rejection that says why not. */
export function compileFormat(def: FormatDefinition): CompiledFormat {
  const bad = (what: string, detail?: string, hint?: string) => new Rejection(def.file, `${formatLabel(def.name, def.file)} ${what}`, detail, hint);
  const patterns = def.patterns.map(({ name, pattern }) => {
    try {
      return { name, re: toRegExp(pattern) };
    } catch (err) {
      throw bad(`has an invalid regex "${name}"`, `${(err as Error).message}`,
        'Patterns are JavaScript regular expressions with named captures, (?<timestamp>...); PCRE-only syntax (possessive quantifiers, atomic groups, \\K) has to be rewritten.');
    }
  });
  let fileName: RegExp | undefined;
  if (def.filePattern !== undefined) {
    try {
      fileName = toRegExp(def.filePattern);
    } catch (err) {
      throw bad('has an invalid "file-pattern"', (err as Error).message);
    }
  }
  const times = def.timestampFormats.map((f) => {
    try {
      return compileTimeFormat(f);
    } catch (err) {
      if (!(err instanceof TimeFormatError)) throw err;
      throw bad(`has an invalid timestamp-format "${f}"`, `the format ${err.message}`,
        'Directives: %Y %y %m %d %e %H %k %I %l %M %S %L (ms) %f (µs) %N (ns) %p %b %B %a %A %z %Z %s (epoch s) %i (epoch ms), %T %F %D %R.');
    }
  });
  const levels = def.levels.map(({ level, match }) => {
    const severity = LEVEL_SEVERITY[level];
    if (typeof match === 'number') return { severity, test: (v: string) => v.trim() !== '' && Number(v) === match };
    try {
      const re = toRegExp(match);
      return { severity, test: (v: string) => re.test(v) };
    } catch (err) {
      throw bad(`has an invalid pattern for level "${level}"`, (err as Error).message);
    }
  });
  const compiled: CompiledFormat = { def, patterns, fileName, times, levels };
  def.samples.forEach((s, i) => {
    const why = sampleProblem(compiled, s);
    if (why) {
      throw bad(`failed its sample check: sample ${i + 1} does not parse`, `sample: ${s.line}\nreason: ${why}`,
        'Every "sample" must parse with the format\'s own patterns: fix the pattern or the sample (`logmill formats` checks again).');
    }
  });
  return compiled;
}

/** A format's file-pattern compiled, or undefined (none, or it does not compile). */
export function fileNamePattern(def: FormatDefinition): RegExp | undefined {
  try {
    return def.filePattern === undefined ? undefined : toRegExp(def.filePattern);
  } catch {
    return undefined;
  }
}

/** lnav's PCRE spellings that JavaScript writes differently. */
function toRegExp(pattern: string): RegExp {
  let src = pattern.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\[Zz]/g, '$');
  let flags = '';
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    flags = 'i';
  }
  return new RegExp(src, flags);
}

/** The named captures of the first pattern that matches `text`, or null. */
export function matchLine(cf: CompiledFormat, text: string): Record<string, string | undefined> | null {
  for (const p of cf.patterns) {
    const m = p.re.exec(text);
    if (m) return m.groups ?? {};
  }
  return null;
}

/** Reads a line that starts a record; null when no pattern matches it (a continuation line). */
export function parseLine(cf: CompiledFormat, text: string, zone: Zone, refMs: number): ParsedLine | null {
  const groups = matchLine(cf, text);
  if (!groups) return null;
  const { timestampField, levelField, bodyField } = cf.def;
  const fields = newFields();
  for (const [k, v] of Object.entries(groups)) if (v !== undefined && k !== timestampField && k !== bodyField) fields[k] = typedValue(cf.def.values[k]?.kind, v);
  const line: ParsedLine = { time: null, severity: Severity.Unknown, severityText: '', message: groups[bodyField] ?? text, fields };
  const stamp = groups[timestampField];
  if (stamp !== undefined) {
    line.time = readTime(cf, stamp, zone, refMs);
    if (line.time === null) {
      line.timeError = cf.times.length > 0
        ? `timestamp "${stamp}" does not match its timestamp-format (${cf.def.timestampFormats.join(', ')})`
        : `timestamp "${stamp}" is not a time logmill reads (give a "timestamp-format")`;
    }
  }
  const level = groups[levelField];
  if (level !== undefined) {
    line.severityText = level;
    line.severity = cf.levels.find((l) => l.test(level))?.severity ?? normalizeSeverity(level);
  }
  return line;
}

function readTime(cf: CompiledFormat, stamp: string, zone: Zone, refMs: number): number | null {
  if (cf.times.length === 0) return parseTimeField(stamp, zone, refMs);
  for (const t of cf.times) {
    const us = t(stamp, zone, refMs);
    if (us !== null) return us;
  }
  return null;
}

/** Why a sample does not parse as the format says, or null when it does. */
function sampleProblem(cf: CompiledFormat, sample: FormatDefinition['samples'][number]): string | null {
  const [first, ...rest] = sample.line.split(/\r?\n/);
  const parsed = parseLine(cf, first, UTC, Date.now());
  if (!parsed) return `no pattern matches (${cf.patterns.map((p) => partialMatch(p.name, p.re, first)).join('; ')})`;
  if (parsed.timeError) return parsed.timeError;
  if (sample.level !== undefined && parsed.severity !== LEVEL_SEVERITY[sample.level]) {
    const got = Object.entries(LEVEL_SEVERITY).find(([, s]) => s === parsed.severity)?.[0] ?? 'unknown';
    return `its level is ${parsed.severity === Severity.Unknown ? 'unknown' : got} (from "${parsed.severityText}"), the sample says ${sample.level}`;
  }
  for (const [name, { kind }] of Object.entries(cf.def.values)) {
    const v = parsed.fields[name];
    if (typeof v === 'string' && v !== '' && !kindAccepts(kind, v)) return `value "${name}" is "${v}", not ${kind === 'integer' ? 'an' : 'a'} ${kind}`;
  }
  if (!cf.def.multiline) {
    const stray = rest.find((l) => l.trim() !== '' && !matchLine(cf, l));
    if (stray !== undefined) return `line "${stray}" matches no pattern and the format is not multiline`;
  }
  return null;
}

/**
 * How far a pattern gets into a line, as lnav reports it: the longest
 * leading piece of the pattern that compiles and matches, what it matched,
 * and the piece of pattern that did not.
 */
function partialMatch(name: string, re: RegExp, line: string): string {
  const src = re.source;
  for (let k = src.length - 1; k > 0; k--) {
    const piece = closeGroups(src.slice(0, k));
    if (piece === null) continue;
    let m: RegExpExecArray | null;
    try {
      m = new RegExp(piece, re.flags).exec(line);
    } catch {
      continue;
    }
    if (m && m.index === 0 && m[0].length > 0) {
      return `"${name}" matches up to character ${m[0].length} ("${m[0].slice(-40)}"), then expects ${src.slice(k, k + 40)}`;
    }
  }
  return `"${name}" does not match from the start`;
}

/** A leading piece of a pattern with its open groups closed; null if it ends inside a class or an escape. */
function closeGroups(piece: string): string | null {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i];
    if (c === '\\') {
      if (++i >= piece.length) return null;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return inClass || depth < 0 ? null : piece + ')'.repeat(depth);
}

/**
 * The content score of a file head (at most 64 KiB, maybe cut mid-line),
 * from the share of its first 200 lines that a pattern matches. A
 * multi-line format whose first line matches scores at least 50 (its other
 * lines may be continuations); otherwise (a banner before the first record)
 * the matching lines must be the majority. A format with a `file-pattern`
 * is only for files so named (lnav's rule): it never scores content.
 */
export function detectScore(cf: CompiledFormat, head: Buffer): number {
  if (cf.fileName) return 0;
  const end = head.lastIndexOf(10);
  const text = head.toString('utf8', head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0, end > 0 ? end : head.length);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, 200);
  const matched = lines.filter((l) => matchLine(cf, l)).length;
  if (matched === 0) return 0;
  const share = matched / lines.length;
  return cf.def.multiline && matchLine(cf, lines[0]) ? 50 + Math.round(50 * share) : Math.round(100 * share);
}

/**
 * Reading a format file: a JSON file of one or more formats in lnav's
 * format-file schema (https://docs.lnav.org/en/latest/formats.html), checked
 * key by key into a FormatDefinition, plain data that crosses to the worker
 * processes as it is. What lnav's schema has and logmill does not do is
 * refused by name when it would change the answer (JSON-lines formats,
 * converters, separate time fields) and listed as ignored when it only
 * matters to lnav's interface (highlights, search tables, opids). Anything
 * else is a typo and refused. Compiling patterns and checking samples is
 * app/formats/compile.ts; this module only reads.
 */
import { readFileSync } from 'node:fs';
import { PROCESSOR_NAME } from '../../contract/processor.js';
import { display, Rejection } from '../plugins/discovery.js';

/** lnav's value kinds; integer, float and boolean values are checked against samples and typed (app/formats/compile.ts). */
export const VALUE_KINDS = ['string', 'integer', 'float', 'boolean', 'json', 'struct', 'quoted', 'xml', 'timestamp', 'any'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** lnav's level names, in lnav's order (lowest first: the first whose pattern matches wins). */
export const LNAV_LEVELS = ['trace', 'debug5', 'debug4', 'debug3', 'debug2', 'debug', 'info', 'stats', 'notice', 'warning', 'error', 'critical', 'fatal'] as const;
/** logmill's own level names, also accepted as keys of `level`. */
const LOGMILL_LEVELS = ['warn'];

export interface FormatDefinition {
  name: string;
  /** The format file, absolute. */
  file: string;
  title: string;
  description: string;
  /** `regex`, in the file's order: a line matching any of them starts a record. */
  patterns: { name: string; pattern: string }[];
  timestampField: string;
  /** Empty: the stamp shapes logmill reads everywhere (TIMESTAMPS.md). */
  timestampFormats: string[];
  levelField: string;
  /** `level`: lnav level name → pattern (searched in the level capture) or number (equal to it). */
  levels: { level: string; match: string | number }[];
  bodyField: string;
  /** `value`: declared captures and their kinds (integer, float and boolean values are typed). */
  values: Record<string, { kind: ValueKind }>;
  samples: { line: string; level?: string }[];
  filePattern?: string;
  multiline: boolean;
  /** lnav keys present in the file that logmill reads past (they only matter to lnav's interface). */
  ignored: string[];
}

/** One format of a file, or why it was refused. */
export type Loaded = { format: FormatDefinition } | { rejection: Rejection };

const SUPPORTED = new Set(['title', 'description', 'url', 'regex', 'timestamp-field', 'timestamp-format', 'level-field', 'level', 'body-field', 'value', 'sample', 'file-pattern', 'multiline']);
const IGNORED = new Set([
  'highlights', 'search-table', 'tags', 'partitions', 'opid-field', 'opid', 'module-field', 'ordered-by-time',
  'convert-to-local-time', 'hide-extra', 'max-unrecognized-lines', 'src-file-field', 'src-line-field', 'thread-id-field',
  'duration-field', 'timestamp-point-of-reference', 'action', 'line-format',
]);
/** lnav keys whose meaning logmill does not implement: a format using them would be read wrong. */
const UNSUPPORTED: Record<string, string> = {
  json: 'JSON-lines formats ("json": true) are not format files here: logmill\'s built-in json processor reads JSON logs',
  'file-type': 'only line-oriented text formats are supported',
  converter: 'converters (external programs that rewrite a file first) are not supported',
  'time-field': 'a separate time-of-day capture ("time-field") is not supported: capture date and time in one "timestamp"',
  'timestamp-divisor': '"timestamp-divisor" is not supported: use %s (seconds) or %i (milliseconds) in "timestamp-format"',
  'subsecond-field': '"subsecond-field" is not supported: capture the fraction inside "timestamp" (%L, %f, %N)',
  'subsecond-units': '"subsecond-units" is not supported: capture the fraction inside "timestamp" (%L, %f, %N)',
  'level-pointer': '"level-pointer" is for JSON formats, which are not supported',
};

const HINT_SCHEMA = 'Format files follow lnav\'s schema (README, "Format files" lists what logmill reads).';

/** Reads a format file: every format it defines, or the whole file's rejection. */
export function readFormatFile(file: string): Loaded[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return [{ rejection: new Rejection(file, `could not read format file "${display(file)}"`, (err as Error).message) }];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [{ rejection: new Rejection(file, `format file "${display(file)}" is not valid JSON`, jsonError(text, err as Error), 'A format file is one JSON object: { "NAME": { "regex": ..., "sample": [...] } }.') }];
  }
  if (!isObject(doc)) return [{ rejection: new Rejection(file, `format file "${display(file)}" is not a JSON object`, undefined, 'A format file is one JSON object: { "NAME": { "regex": ..., "sample": [...] } }.') }];
  const names = Object.keys(doc).filter((k) => k !== '$schema');
  if (names.length === 0) return [{ rejection: new Rejection(file, `format file "${display(file)}" defines no format`, undefined, 'A format file is one JSON object: { "NAME": { "regex": ..., "sample": [...] } }.') }];
  return names.map((name) => {
    try {
      return { format: readFormat(file, name, doc[name]) };
    } catch (err) {
      if (err instanceof Rejection) return { rejection: err };
      throw err;
    }
  });
}

/** `format "NAME" ("file")`: how every message about a format names it. */
export function formatLabel(name: string, file: string): string {
  return `format "${name}" ("${display(file)}")`;
}

function readFormat(file: string, name: string, raw: unknown): FormatDefinition {
  const label = formatLabel(name, file);
  const bad = (what: string, detail?: string, hint = HINT_SCHEMA) => new Rejection(file, `${label} ${what}`, detail, hint);
  if (!PROCESSOR_NAME.test(name)) throw bad(`has an invalid name`, 'a format name must match [a-z0-9_-]{1,32}: it is what users type after --format', 'Rename the format\'s key in the file.');
  if (!isObject(raw)) throw bad('is not a JSON object');
  const ignored: string[] = [];
  for (const key of Object.keys(raw)) {
    if (SUPPORTED.has(key)) continue;
    if (key in UNSUPPORTED) {
      if (key === 'json' && raw[key] === false) continue;
      if (key === 'file-type' && raw[key] === 'text') continue;
      throw bad(`uses "${key}", which logmill does not support`, UNSUPPORTED[key]);
    }
    if (IGNORED.has(key)) ignored.push(key);
    else throw bad(`has an unknown key "${key}"`, `known keys: ${[...SUPPORTED].join(', ')}`);
  }
  const str = (key: string, fallback: string): string => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') throw bad(`has a "${key}" that is not a string`);
    return v;
  };
  const regex = raw.regex;
  if (!isObject(regex) || Object.keys(regex).length === 0) throw bad('has no "regex"', 'expected "regex": { "NAME": { "pattern": "^(?<timestamp>...) (?<body>.*)$" } }');
  const patterns = Object.entries(regex).map(([pname, p]) => {
    if (!isObject(p) || typeof p.pattern !== 'string') throw bad(`has a regex "${pname}" without a "pattern" string`);
    if (p['module-format'] === true) throw bad(`has a regex "${pname}" with "module-format", which logmill does not support`);
    return { name: pname, pattern: p.pattern };
  });
  const tsFormat = raw['timestamp-format'];
  if (tsFormat !== undefined && (!Array.isArray(tsFormat) || !tsFormat.every((f) => typeof f === 'string'))) {
    throw bad('has a "timestamp-format" that is not a list of strings', 'expected e.g. "timestamp-format": ["%Y-%m-%d %H:%M:%S.%L"]');
  }
  const multiline = raw.multiline ?? true;
  if (typeof multiline !== 'boolean') throw bad('has a "multiline" that is not true or false');
  const filePattern = raw['file-pattern'];
  if (filePattern !== undefined && typeof filePattern !== 'string') throw bad('has a "file-pattern" that is not a string');
  return {
    name, file, title: str('title', ''), description: str('description', ''), patterns,
    timestampField: str('timestamp-field', 'timestamp'), timestampFormats: (tsFormat as string[] | undefined) ?? [],
    levelField: str('level-field', 'level'), levels: readLevels(raw.level, bad), bodyField: str('body-field', 'body'),
    values: readValues(raw.value, bad), samples: readSamples(raw.sample, bad), filePattern, multiline, ignored,
  };
}

type Bad = (what: string, detail?: string, hint?: string) => Rejection;

function readLevels(raw: unknown, bad: Bad): FormatDefinition['levels'] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw bad('has a "level" that is not an object', 'expected e.g. "level": { "error": "ERROR|ERR", "warning": "WARN" }');
  const known: readonly string[] = [...LNAV_LEVELS, ...LOGMILL_LEVELS];
  const levels = Object.entries(raw).map(([level, match]) => {
    if (!known.includes(level)) throw bad(`has an unknown level "${level}"`, `levels are lnav's: ${LNAV_LEVELS.join(', ')}`);
    if (typeof match !== 'string' && typeof match !== 'number') throw bad(`has a level "${level}" that is neither a pattern nor a number`);
    return { level, match };
  });
  // lnav tries the lowest level first; the file's key order does not matter.
  const rank = (l: string) => known.indexOf(l === 'warn' ? 'warning' : l);
  return levels.sort((a, b) => rank(a.level) - rank(b.level));
}

function readValues(raw: unknown, bad: Bad): FormatDefinition['values'] {
  const values: FormatDefinition['values'] = Object.create(null);
  if (raw === undefined) return values;
  if (!isObject(raw)) throw bad('has a "value" that is not an object', 'expected e.g. "value": { "status": { "kind": "integer" } }');
  for (const [name, v] of Object.entries(raw)) {
    const kind = isObject(v) ? v.kind ?? 'string' : undefined;
    if (!VALUE_KINDS.includes(kind as ValueKind)) throw bad(`has a value "${name}" of unknown kind "${String(kind)}"`, `kinds: ${VALUE_KINDS.join(', ')}`);
    values[name] = { kind: kind as ValueKind };
  }
  return values;
}

function readSamples(raw: unknown, bad: Bad): FormatDefinition['samples'] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw bad('has no "sample" lines', undefined, 'Add "sample": [ { "line": "a real line of the log" } ]: every sample is parsed when the file loads, so a broken pattern is caught there and not in your reports.');
  }
  return raw.map((s, i) => {
    if (!isObject(s) || typeof s.line !== 'string') throw bad(`has a sample ${i + 1} without a "line" string`);
    if (s.level !== undefined && (typeof s.level !== 'string' || ![...LNAV_LEVELS, ...LOGMILL_LEVELS].includes(s.level))) {
      throw bad(`has a sample ${i + 1} whose "level" is not a level name`, `levels are lnav's: ${LNAV_LEVELS.join(', ')}`);
    }
    return { line: s.line, level: s.level as string | undefined };
  });
}

/** JSON.parse's complaint, with the line and column it means. */
function jsonError(text: string, err: Error): string {
  const pos = /position (\d+)/.exec(err.message);
  if (!pos) return err.message;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const column = Number(pos[1]) - before.lastIndexOf('\n');
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

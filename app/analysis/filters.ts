/**
 * Record filters shared by `analyze` and `parse`: minimum level, time window,
 * a regular expression over the message (`--grep`, maybe inverted: `-v`),
 * and a `--where` expression (app/analysis/where.ts). A record without a
 * time never matches a time window; an `unknown` severity never passes
 * `--level`.
 */
import { Severity } from '../../contract/severity.js';
import type { LogRecord } from '../../contract/processor.js';
import { evaluate, type WhereExpr } from './where.js';

export interface Filter {
  level?: Severity;
  /** Only `level` itself, not above (`--alert level=warn`). */
  exactLevel?: boolean;
  sinceUs?: number;
  untilUs?: number;
  grep?: RegExp;
  /** `--invert-match`: keep the records whose message does NOT match `grep`. */
  grepInvert?: boolean;
  where?: WhereExpr;
}

export function isEmptyFilter(f: Filter): boolean {
  return f.level === undefined && f.sinceUs === undefined && f.untilUs === undefined && f.grep === undefined && f.where === undefined;
}

/** Whether record `r` of input `file` (its display name, for `--where 'file ~ ...'`) passes. */
export function matches(f: Filter, r: LogRecord, file: string): boolean {
  if (f.level !== undefined && (r.severity === Severity.Unknown || r.severity < f.level)) return false;
  if (f.exactLevel && r.severity !== f.level) return false;
  if (f.sinceUs !== undefined && (r.time === null || r.time < f.sinceUs)) return false;
  if (f.untilUs !== undefined && (r.time === null || r.time >= f.untilUs)) return false;
  if (f.grep && f.grep.test(r.message) === !!f.grepInvert) return false;
  if (f.where && !evaluate(f.where, r, file)) return false;
  return true;
}

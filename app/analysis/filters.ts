/**
 * Record filters shared by `analyze` and `parse`: minimum level, time window,
 * and a regular expression over the message. A record without a time never
 * matches a time window; an `unknown` severity never passes `--level`.
 */
import { Severity } from '../../contract/severity.js';
import type { LogRecord } from '../../contract/processor.js';

export interface Filter {
  level?: Severity;
  /** Only `level` itself, not above (`--alert level=warn`). */
  exactLevel?: boolean;
  sinceUs?: number;
  untilUs?: number;
  grep?: RegExp;
}

export function isEmptyFilter(f: Filter): boolean {
  return f.level === undefined && f.sinceUs === undefined && f.untilUs === undefined && f.grep === undefined;
}

export function matches(f: Filter, r: LogRecord): boolean {
  if (f.level !== undefined && (r.severity === Severity.Unknown || r.severity < f.level)) return false;
  if (f.exactLevel && r.severity !== f.level) return false;
  if (f.sinceUs !== undefined && (r.time === null || r.time < f.sinceUs)) return false;
  if (f.untilUs !== undefined && (r.time === null || r.time >= f.untilUs)) return false;
  if (f.grep && !f.grep.test(r.message)) return false;
  return true;
}

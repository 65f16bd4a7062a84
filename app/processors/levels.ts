/**
 * Numeric levels, read by the scale of whoever wrote them: the one place
 * that decides what a number under a level key means, for the key/value
 * formats (json, logfmt). bunyan/pino write 10-60 under `level`; syslog
 * severities 0-7 are read only under a syslog key (`PRIORITY`, `priority`,
 * `syslog.severity`). A small number under `level` that no schema explains
 * is `unknown`: calling Nextcloud's `"level":1` (info) a syslog alert would
 * fire every `--level error` filter with a false fatal. Words go through
 * the one table of contract/SEVERITY.md.
 */
import { normalizeSeverity, Severity } from '../../contract/severity.js';

/** Keys whose small numbers are syslog severities (RFC 5424: 0 emerg ... 7 debug), compared in lower case. */
const SYSLOG_LEVEL_KEYS = new Set(['priority', 'syslog.severity', 'log.syslog.severity.code']);
const BUNYAN_LEVELS = new Set([10, 20, 30, 40, 50, 60]);

/** The severity of a level value found under `key` when no schema claimed the record. */
export function levelSeverity(key: string, raw: unknown): Severity {
  const n = levelNumber(raw);
  if (n === undefined) return normalizeSeverity(typeof raw === 'string' ? raw : JSON.stringify(raw));
  if (n <= 7 && SYSLOG_LEVEL_KEYS.has(key.toLowerCase())) return syslogSeverity(n);
  if (BUNYAN_LEVELS.has(n)) return normalizeSeverity(String(n));
  return Severity.Unknown;
}

/** A level written as a number (`1`, `"30"`): a whole number, -1 for other numbers, undefined for words. */
export function levelNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 ? raw : -1;
  if (typeof raw === 'string' && /^\s*\d{1,3}\s*$/.test(raw)) return Number(raw);
  return undefined;
}

/** A syslog severity 0-7 (RFC 5424); anything else is unknown. */
export function syslogSeverity(n: number): Severity {
  return n >= 0 && n <= 7 ? normalizeSeverity(String(n)) : Severity.Unknown;
}

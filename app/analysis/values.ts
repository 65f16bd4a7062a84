/**
 * A record's field values as `--where`, `--count-by` and `--stats` see them.
 * A processor may give a field as a string, or typed (a JSON number or
 * boolean stays one): each of the three is read here, in one place, and
 * anything else (a processor bug) counts as absent.
 */
import type { LogRecord } from '../../contract/processor.js';

export type FieldValue = string | number | boolean;

/** The record's own field `name` (never an inherited property: `--where 'constructor = x'`). */
export function fieldOf(r: LogRecord, name: string): FieldValue | undefined {
  const fields = r.fields as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(fields, name)) return undefined;
  const v = fields[name];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/** Decimal numbers as logs write them: `500`, `-1.5`, `.25`, `1e3`. Not `0x1f`, `12ms`, `''` or `Infinity`. */
const NUMBER = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The value as a number, or undefined when it is not one (a boolean is not a number). */
export function asNumber(v: FieldValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMBER.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The value as text: typed values as JSON writes them (`500`, `true`). */
export function asText(v: FieldValue): string {
  return typeof v === 'string' ? v : String(v);
}

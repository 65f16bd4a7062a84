/**
 * Field kinds: how a field's text becomes a typed value (`parse` writes
 * numbers and booleans as JSON numbers and booleans, `sql` stores them so in
 * `fields`). Declared by a format file's `"value": {"status": {"kind":
 * "integer"}}` (app/formats/) and by a plugin's ProcessorFieldKinds
 * (contract/logmill.h, lines `status=integer`); one rule for both, here.
 * A value that does not read as its kind stays the text it was.
 */
import type { FieldValue } from './processor.js';

/** The kinds ProcessorFieldKinds may declare (lnav's words for the same). */
export const PLUGIN_FIELD_KINDS = ['string', 'integer', 'float', 'boolean'] as const;
export type PluginFieldKind = (typeof PLUGIN_FIELD_KINDS)[number];

/** `v` as `kind` says: integers (safe ones), floats and booleans typed; anything else, or a value that does not read as its kind, as it was. */
export function typedValue(kind: string | undefined, v: string): FieldValue {
  if (kind === undefined || !kindAccepts(kind, v)) return v;
  if (kind === 'integer') {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : v;
  }
  if (kind === 'float') return Number(v.trim());
  if (kind === 'boolean') return v.trim().toLowerCase() === 'true';
  return v;
}

/** Whether `v` reads as `kind` (every value reads as a kind that is not typed). */
export function kindAccepts(kind: string, v: string): boolean {
  if (kind === 'integer') return /^[+-]?\d+$/.test(v.trim());
  if (kind === 'float') return v.trim() !== '' && Number.isFinite(Number(v));
  if (kind === 'boolean') return /^(true|false)$/i.test(v.trim());
  return true;
}

/**
 * ProcessorFieldKinds' text ("NAME=KIND" lines) as a map from field name to
 * kind; only typed kinds are kept (string is the default). Throws naming the
 * first line that does not parse.
 */
export function parseFieldKinds(text: string): Record<string, PluginFieldKind> {
  const kinds: Record<string, PluginFieldKind> = Object.create(null);
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const eq = line.lastIndexOf('=');
    const name = line.slice(0, eq);
    const kind = line.slice(eq + 1) as PluginFieldKind;
    if (eq <= 0 || !PLUGIN_FIELD_KINDS.includes(kind)) {
      throw new Error(`field kind "${line}": expected NAME=KIND, KIND one of ${PLUGIN_FIELD_KINDS.join(', ')}`);
    }
    if (kind !== 'string') kinds[name] = kind;
  }
  return kinds;
}

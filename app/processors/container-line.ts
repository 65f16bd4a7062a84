/**
 * A line a container wrote, as a runtime wrapped it (Docker's json-file `log`,
 * a CRI line's message), read as logmill reads that line on its own: the
 * runtime's wrapping is only where and when the line was written.
 *
 * - A JSON object (an app logging JSON): the object, read by the `json`
 *   processor's rules as the record (json.ts: JsonStream.toRecord).
 * - A logfmt line (`level=warn msg="slow" ms=900`, logfmt.ts's test): its
 *   pairs, read as that object by the same rules.
 * - Any other text: the level and fields the `text` processor reads from a
 *   line (text.ts: readTextLine): a stamp's own level (klog's `E0517 …`),
 *   the level slot after a stamp, a level word, `key=value` pairs.
 */
import type { FieldValue } from '../../contract/processor.js';
import type { Severity } from '../../contract/severity.js';
import type { ReadContext } from './json-schemas.js';
import { areLogfmtPairs, parseLogfmt } from './logfmt.js';
import { readTextLine } from './text.js';
import { StampFinder } from './text-time.js';

export type ContainerLine =
  | { obj: Record<string, unknown> }
  /** `fields`: the line's prefix fields and `key=value` pairs, read when a record's fields are (json.ts's JsonRecord). */
  | { severity: Severity; severityText: string; fields: () => Record<string, FieldValue> };

/** One stamp reader per stream's context (peek only: no memory between lines). */
const finders = new WeakMap<ReadContext, StampFinder>();

export function containerLine(message: string, ctx: ReadContext): ContainerLine {
  const json = jsonObject(message);
  if (json) return { obj: json };
  const pairs = logfmtObject(message);
  if (pairs) return { obj: pairs };
  let finder = finders.get(ctx);
  if (finder === undefined) finders.set(ctx, (finder = new StampFinder(ctx.zone, ctx.refMs)));
  const stamp = finder.peek(message, false);
  const { severity, severityText } = readTextLine(message, stamp, false);
  return { severity, severityText, fields: () => readTextLine(message, stamp).fields };
}

/** `text` parsed, when it is one JSON object. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A logfmt line's pairs as an object (a bare key is an empty value, as the logfmt processor has it). */
function logfmtObject(text: string): Record<string, unknown> | undefined {
  // A line that does not start with `key=` is no logfmt line: not parsed.
  const eq = text.indexOf('=');
  if (eq <= 0 || /[ "]/.test(text.slice(0, eq))) return undefined;
  const parsed = parseLogfmt(text);
  if ('error' in parsed || !areLogfmtPairs(parsed.pairs)) return undefined;
  const obj = Object.create(null) as Record<string, unknown>;
  for (const p of parsed.pairs) obj[p.key] = p.value ?? '';
  return obj;
}

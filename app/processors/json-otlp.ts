/**
 * OTLP logs in JSON (the OpenTelemetry Collector's file exporter, an OTLP/HTTP
 * JSON request body): one object holds a batch,
 * `resourceLogs[].scopeLogs[].logRecords[]`. Each log record is one logmill
 * record, not the batch: a batch of 50 lines a service logged counts 50.
 *
 * Per the OTLP/JSON encoding (opentelemetry-proto, logs.proto): times are
 * `timeUnixNano` (0 or absent: unknown, then `observedTimeUnixNano`) as
 * decimal strings of nanoseconds; `severityNumber` 1-24 in six bands of four
 * (TRACE, DEBUG, INFO, WARN, ERROR, FATAL); `body` and attribute values are
 * AnyValue objects (`{"stringValue": ...}`, `{"intValue": "42"}`, ...).
 * Fields: the record's attributes by their keys, `traceId`, `spanId`, the
 * resource's attributes as `resource.KEY`, the scope as `scope.name` and
 * `scope.version`.
 */
import type { FieldValue } from '../../contract/processor.js';
import { newFields } from '../../contract/processor.js';
import { normalizeSeverity, Severity } from '../../contract/severity.js';

export interface OtlpRecord {
  time: number | null;
  severity: Severity;
  severityText: string;
  message: string;
  fields: Record<string, FieldValue>;
}

/** The top-level key an OTLP batch has (isOtlpBatch is false without it). */
export const OTLP_KEY = 'resourceLogs';

/** Whether `obj` is an OTLP logs batch rather than one log record. */
export function isOtlpBatch(obj: Record<string, unknown>): boolean {
  return Array.isArray(obj[OTLP_KEY]);
}

const BANDS = [Severity.Trace, Severity.Debug, Severity.Info, Severity.Warn, Severity.Error, Severity.Fatal];

/**
 * The records of one batch, in order. Throws an Error naming the path of
 * the first part that is not shaped as OTLP says (the line is then one
 * malformed record).
 */
export function otlpRecords(batch: Record<string, unknown>): OtlpRecord[] {
  const out: OtlpRecord[] = [];
  (batch.resourceLogs as unknown[]).forEach((rl, i) => {
    const resourceLogs = object(rl, `resourceLogs[${i}]`);
    const resource = resourceLogs.resource === undefined ? {} : object(resourceLogs.resource, `resourceLogs[${i}].resource`);
    const resourceAttrs = attributes(resource.attributes, `resourceLogs[${i}].resource.attributes`);
    array(resourceLogs.scopeLogs ?? [], `resourceLogs[${i}].scopeLogs`).forEach((sl, j) => {
      const where = `resourceLogs[${i}].scopeLogs[${j}]`;
      const scopeLogs = object(sl, where);
      const scope = scopeLogs.scope === undefined ? {} : object(scopeLogs.scope, `${where}.scope`);
      array(scopeLogs.logRecords ?? [], `${where}.logRecords`).forEach((lr, k) => {
        out.push(logRecord(object(lr, `${where}.logRecords[${k}]`), `${where}.logRecords[${k}]`, resourceAttrs, scope));
      });
    });
  });
  return out;
}

function logRecord(lr: Record<string, unknown>, where: string, resourceAttrs: [string, FieldValue][], scope: Record<string, unknown>): OtlpRecord {
  const fields = newFields();
  for (const [k, v] of attributes(lr.attributes, `${where}.attributes`)) fields[k] = v;
  if (typeof lr.traceId === 'string' && lr.traceId !== '') fields.traceId = lr.traceId;
  if (typeof lr.spanId === 'string' && lr.spanId !== '') fields.spanId = lr.spanId;
  for (const [k, v] of resourceAttrs) fields[`resource.${k}`] = v;
  if (typeof scope.name === 'string' && scope.name !== '') fields['scope.name'] = scope.name;
  if (typeof scope.version === 'string' && scope.version !== '') fields['scope.version'] = scope.version;
  const severityText = typeof lr.severityText === 'string' ? lr.severityText : '';
  const body = lr.body === undefined ? '' : anyValue(lr.body, `${where}.body`);
  return {
    time: nanos(lr.timeUnixNano) ?? nanos(lr.observedTimeUnixNano),
    severity: severityOf(lr.severityNumber, severityText),
    severityText,
    message: typeof body === 'string' ? body : String(body),
    fields,
  };
}

/** `severityNumber` (an integer, or its enum name `SEVERITY_NUMBER_WARN2`), else the text. */
function severityOf(number: unknown, text: string): Severity {
  let n = typeof number === 'number' ? number : NaN;
  if (typeof number === 'string') {
    const m = /^SEVERITY_NUMBER_([A-Z]+)(\d?)$/.exec(number);
    if (m) n = 1 + 4 * ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].indexOf(m[1]) + (m[2] ? Number(m[2]) - 1 : 0);
  }
  if (Number.isInteger(n) && n >= 1 && n <= 24) return BANDS[Math.floor((n - 1) / 4)];
  return normalizeSeverity(text);
}

/** Nanoseconds (a decimal string, or a number) to µs; null for 0 or absent (OTLP's "unknown"). */
function nanos(v: unknown): number | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v) && !/^0+$/.test(v)) return v.length <= 3 ? 0 : Number(v.slice(0, -3));
  if (typeof v === 'number' && v > 0) return Math.floor(v / 1000);
  return null;
}

function attributes(v: unknown, where: string): [string, FieldValue][] {
  if (v === undefined) return [];
  return array(v, where).map((kv, i) => {
    const o = object(kv, `${where}[${i}]`);
    if (typeof o.key !== 'string') throw new Error(`${where}[${i}]: attribute without a string "key"`);
    return [o.key, o.value === undefined ? '' : anyValue(o.value, `${where}[${i}].value`)];
  });
}

/** An AnyValue as a field value: scalars typed, arrays and key/value lists as JSON text. */
function anyValue(v: unknown, where: string): FieldValue {
  const plain = plainValue(v, where);
  if (plain === null) return '';
  return typeof plain === 'string' || typeof plain === 'number' || typeof plain === 'boolean' ? plain : JSON.stringify(plain);
}

function plainValue(v: unknown, where: string): unknown {
  const o = object(v, where);
  if ('stringValue' in o) return String(o.stringValue);
  if ('boolValue' in o) return o.boolValue === true || o.boolValue === 'true';
  if ('intValue' in o) {
    const n = Number(o.intValue);
    return Number.isSafeInteger(n) ? n : String(o.intValue); // int64 beyond 2^53 stays exact as text
  }
  if ('doubleValue' in o) return Number(o.doubleValue);
  if ('bytesValue' in o) return String(o.bytesValue);
  if ('arrayValue' in o) {
    const values = object(o.arrayValue, `${where}.arrayValue`).values ?? [];
    return array(values, `${where}.arrayValue.values`).map((x, i) => plainValue(x, `${where}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in o) {
    const out: Record<string, unknown> = {};
    const values = object(o.kvlistValue, `${where}.kvlistValue`).values ?? [];
    array(values, `${where}.kvlistValue.values`).forEach((kv, i) => {
      const e = object(kv, `${where}.kvlistValue.values[${i}]`);
      out[String(e.key)] = e.value === undefined ? null : plainValue(e.value, `${where}.kvlistValue.values[${i}].value`);
    });
    return out;
  }
  return null; // an empty AnyValue: OTLP's "no value"
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: expected an object`);
  return v as Record<string, unknown>;
}

function array(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${where}: expected an array`);
  return v;
}

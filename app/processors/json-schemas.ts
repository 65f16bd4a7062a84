/**
 * How the `json` processor reads time, severity and message from one parsed
 * object: first the schemas of programs people meet daily, each recognized by
 * keys only it writes (journald's `__REALTIME_TIMESTAMP`, MongoDB's
 * `t.$date` + `s`, ...), then the generic reading by the usual key names.
 *
 * A number is a level only in the scale of the schema that wrote it:
 * syslog-shaped records write 0-7 (journald's `PRIORITY`, GELF's `level`),
 * Nextcloud writes 0-4; the generic reading's rule is levels.ts.
 */
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import { epochNumber, parseTimeField, type Zone } from '../../contract/timestamps.js';
import type { FieldValue } from '../../contract/processor.js';
import { levelNumber, syslogSeverity } from './levels.js';
import { containerLine } from './container-line.js';

/** What a schema read from one object. Time is not range-checked yet. */
export interface Reading {
  time: number | null;
  severity: Severity;
  severityText: string;
  message: string;
  /** The flattened field name the time came from: not repeated as a field when it gave a time. */
  timeKey: string;
  /** Flattened field names the severity and message came from: not repeated as fields. */
  used: readonly string[];
  /** A JSON object the record wraps (a container's JSON log line): it is read as the record, `wrapper` kept as fields. */
  inner?: { obj: Record<string, unknown>; wrapper: Record<string, unknown> };
  /** Fields read from the message (a container's text line's `key=value` pairs), after the object's own; read when the record's fields are. */
  extra?: () => Record<string, FieldValue>;
}

export interface ReadContext {
  zone: Zone;
  refMs: number;
}

/** A schema some program writes, recognized by keys only it writes. */
interface JsonSchema {
  name: string;
  /**
   * Top-level keys of which a matching object has at least one (`matches`
   * is false without them): an object with none of SCHEMA_KEYS is read by
   * the generic key names, so json-fast.ts reads it without parsing.
   */
  keys: readonly string[];
  /** Cheap: looks at a few top-level keys. */
  matches(obj: Record<string, unknown>): boolean;
  read(obj: Record<string, unknown>, ctx: ReadContext): Reading;
}

export const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 'datetime', 'date', 't', 'eventTime', 'event_time', 'time_local', 'asctime', 'created_at', 'timeMillis'];
export const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log_level', 'levelname', 'log.level', '@level', 'severity_text', 'priority', 'syslog.severity', 'log.syslog.severity.code'];
export const MESSAGE_KEYS = ['msg', 'message', 'text', 'log', '@message', 'event', 'body'];

/** A scalar's text: strings as they are, anything else as JSON. */
export function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A time field's value: epoch numbers by magnitude (s/ms/µs/ns), text by the timestamp shapes. */
export function timeOf(raw: unknown, ctx: ReadContext): number | null {
  if (typeof raw === 'number') return epochNumber(raw);
  if (typeof raw === 'string') return parseTimeField(raw, ctx.zone, ctx.refMs);
  return null;
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : scalarText(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * journald's export as JSON (`journalctl -o json`): `__REALTIME_TIMESTAMP` is
 * microseconds since the epoch as a decimal string, `PRIORITY` the syslog
 * severity as a string, `MESSAGE` a string, or an array of bytes when the
 * message is not valid UTF-8 (journalctl(1), "json").
 */
const journald: JsonSchema = {
  name: 'journald',
  keys: ['__REALTIME_TIMESTAMP', '__CURSOR'],
  matches: (obj) => '__REALTIME_TIMESTAMP' in obj || ('MESSAGE' in obj && '__CURSOR' in obj),
  read(obj) {
    const stamp = obj.__REALTIME_TIMESTAMP ?? obj._SOURCE_REALTIME_TIMESTAMP;
    const us = typeof stamp === 'string' && /^\d{1,17}$/.test(stamp) ? Number(stamp) : stamp;
    const time = typeof us === 'number' && Number.isSafeInteger(us) ? us : null;
    const priority = str(obj.PRIORITY);
    const raw = obj.MESSAGE;
    const message = Array.isArray(raw) && raw.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
      ? Buffer.from(raw as number[]).toString('utf8')
      : str(raw);
    const n = levelNumber(obj.PRIORITY);
    return {
      time, severity: n === undefined ? normalizeSeverity(priority) : syslogSeverity(n), severityText: priority, message,
      timeKey: '__REALTIME_TIMESTAMP', used: ['PRIORITY', 'MESSAGE'],
    };
  },
};

const MONGODB_SEVERITY: Record<string, Severity> = { F: Severity.Fatal, E: Severity.Error, W: Severity.Warn, I: Severity.Info, D: Severity.Debug };

/**
 * MongoDB 4.4+ structured log: `{"t":{"$date":"2020-05-01T15:16:17.180+00:00"},
 * "s":"I","c":"NETWORK","id":12345,"ctx":"listener","msg":"...","attr":{...}}`.
 * `s` is F, E, W, I or D1-D5 (D for debug); `$date` is ISO 8601, or
 * `{"$numberLong": "ms"}` in the canonical Extended JSON some tools write.
 */
const mongodb: JsonSchema = {
  name: 'mongodb',
  keys: ['t'],
  matches: (obj) => isObject(obj.t) && '$date' in obj.t && typeof obj.s === 'string' && 'msg' in obj,
  read(obj, ctx) {
    const date = (obj.t as Record<string, unknown>).$date;
    const time = isObject(date) && typeof date.$numberLong === 'string' ? timeOf(Number(date.$numberLong), ctx) : timeOf(date, ctx);
    const s = obj.s as string;
    const severity = MONGODB_SEVERITY[s.charAt(0)] !== undefined && /^[FEWI]$|^D[1-5]?$/.test(s) ? MONGODB_SEVERITY[s.charAt(0)] : normalizeSeverity(s);
    const timeKey = isObject(date) ? 't.$date.$numberLong' : 't.$date';
    return { time, severity, severityText: s, message: str(obj.msg), timeKey, used: ['s', 'msg'] };
  },
};

/** Nextcloud's `nextcloud.log`: `reqId`, `app`, and `level` 0 debug, 1 info, 2 warn, 3 error, 4 fatal. */
const NEXTCLOUD_LEVELS = [Severity.Debug, Severity.Info, Severity.Warn, Severity.Error, Severity.Fatal];
const nextcloud: JsonSchema = {
  name: 'nextcloud',
  keys: ['reqId'],
  matches: (obj) => typeof obj.reqId === 'string' && 'app' in obj && typeof obj.level === 'number',
  read(obj, ctx) {
    const level = obj.level as number;
    return {
      time: timeOf(obj.time, ctx), severity: NEXTCLOUD_LEVELS[level] ?? Severity.Unknown, severityText: String(level),
      message: str(obj.message), timeKey: 'time', used: ['level', 'message'],
    };
  },
};

/**
 * GELF (Graylog Extended Log Format 1.1): `version`, `host`, `short_message`,
 * `timestamp` in epoch seconds, `level` a syslog severity 0-7.
 */
const gelf: JsonSchema = {
  name: 'gelf',
  keys: ['short_message'],
  matches: (obj) => typeof obj.short_message === 'string' && typeof obj.version === 'string' && 'host' in obj,
  read(obj, ctx) {
    const n = levelNumber(obj.level);
    return {
      time: timeOf(obj.timestamp, ctx), severity: n === undefined ? normalizeSeverity(str(obj.level)) : syslogSeverity(n),
      severityText: str(obj.level), message: obj.short_message as string, timeKey: 'timestamp', used: ['level', 'short_message'],
    };
  },
};

/**
 * Cloudflare Logpush, HTTP requests: `EdgeStartTimestamp` in ns, s or RFC 3339
 * (the job's `timestamps=` setting); the level from `EdgeResponseStatus` by the
 * rule the `access` plugin applies to access logs (5xx error, 4xx warn, else info).
 * Cloudflare writes no message: it is the request line and status, and every
 * key stays a field.
 */
const cloudflare: JsonSchema = {
  name: 'cloudflare',
  keys: ['EdgeStartTimestamp'],
  matches: (obj) => 'EdgeStartTimestamp' in obj,
  read(obj, ctx) {
    const status = typeof obj.EdgeResponseStatus === 'number' ? obj.EdgeResponseStatus : Number(obj.EdgeResponseStatus);
    const severity = !(status >= 100 && status <= 599) ? Severity.Unknown : status >= 500 ? Severity.Error : status >= 400 ? Severity.Warn : Severity.Info;
    const message = [str(obj.ClientRequestMethod), str(obj.ClientRequestHost) + str(obj.ClientRequestURI), str(obj.EdgeResponseStatus)].filter(Boolean).join(' ');
    return {
      time: timeOf(obj.EdgeStartTimestamp, ctx), severity, severityText: severity === Severity.Unknown ? '' : String(status),
      message, timeKey: 'EdgeStartTimestamp', used: [],
    };
  },
};

/**
 * Docker's json-file driver: `{"log":"line\n","stream":"stdout","time":"...Z"}`,
 * also how a CRI line is read (cri.ts). The message is the container's line
 * without its newline, read as logmill reads that line on its own
 * (container-line.ts): a JSON object or a logfmt line is read as the record,
 * with `stream` as a field and Docker's time when the line has none; a text
 * line keeps the line as message, its level is found as the `text` processor
 * finds it and its `key=value` pairs are fields. Lines Docker split into
 * parts are joined before (partials.ts, json.ts).
 */
const docker: JsonSchema = {
  name: 'docker',
  keys: ['stream'],
  matches: isDockerEntry,
  read(obj, ctx) {
    const message = (obj.log as string).replace(/\r?\n$/, '');
    const time = timeOf(obj.time, ctx);
    const inner = containerLine(message, ctx);
    if ('obj' in inner) {
      return { time, severity: Severity.Unknown, severityText: '', message, timeKey: 'time', used: ['log'], inner: { obj: inner.obj, wrapper: { stream: obj.stream } } };
    }
    return { time, severity: inner.severity, severityText: inner.severityText, message, timeKey: 'time', used: ['log'], extra: inner.fields };
  },
};

/** An entry of Docker's json-file driver. */
export function isDockerEntry(obj: Record<string, unknown>): boolean {
  return typeof obj.log === 'string' && typeof obj.stream === 'string' && typeof obj.time === 'string';
}

/**
 * GitHub's events API and GH Archive: `id`, `type` (`PushEvent`), `actor`,
 * `repo`, `payload`, `created_at`. The event type is the message.
 */
const githubEvents: JsonSchema = {
  name: 'github-events',
  keys: ['actor'],
  matches: (obj) => typeof obj.created_at === 'string' && typeof obj.type === 'string' && isObject(obj.actor) && isObject(obj.repo),
  read(obj, ctx) {
    return { time: timeOf(obj.created_at, ctx), severity: Severity.Unknown, severityText: '', message: obj.type as string, timeKey: 'created_at', used: ['type'] };
  },
};

/** In the order they are tried; the first that matches reads the object. */
const SCHEMAS: readonly JsonSchema[] = [journald, mongodb, nextcloud, gelf, cloudflare, docker, githubEvents];

/** Every schema's `keys`: an object with none of them is read by the generic key names (readBySchema gives undefined). */
export const SCHEMA_KEYS: ReadonlySet<string> = new Set(SCHEMAS.flatMap((s) => s.keys));

/** The schema reading for `obj`, or undefined when the generic key names should read it. */
export function readBySchema(obj: Record<string, unknown>, ctx: ReadContext): Reading | undefined {
  for (const schema of SCHEMAS) if (schema.matches(obj)) return schema.read(obj, ctx);
  return undefined;
}

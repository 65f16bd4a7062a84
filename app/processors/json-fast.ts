/**
 * The `json` processor's fast path for one NDJSON line: time, severity and
 * message read from the line's bytes (json-scan.ts) by the generic key-name
 * rules of json.ts (JsonStream.toRecord: pickTop, then the flattened names),
 * without JSON.parse and with strings made only for what a record keeps
 * (its message; time text is parsed and dropped; level words and key names
 * are interned by their bytes).
 *
 * It reads a line only when the answer is certainly the one JSON.parse and
 * toRecord would give; `read` returns false otherwise and json.ts reads the
 * line as before. Declined: lines the scanner declines (invalid or unusual
 * JSON), objects a schema or OTLP could claim (a key of SCHEMA_KEYS or
 * OTLP_KEY), a key found only case-insensitively, and a chosen value that
 * is an array.
 */
import { Severity } from '../../contract/severity.js';
import type { TimeRangeGuard } from '../../contract/timestamps.js';
import { OTLP_KEY } from './json-otlp.js';
import { hashBytes, Interned, Kind, LineScanner, Members } from './json-scan.js';
import { LEVEL_KEYS, MESSAGE_KEYS, type ReadContext, SCHEMA_KEYS, scalarText, TIME_KEYS, timeOf } from './json-schemas.js';
import { IsoTimeReader } from './json-time.js';
import { levelSeverity } from './levels.js';

/** What the generic rules make of a top-level key, worked out once per distinct key. */
interface KeyRole {
  /** Index in TIME_KEYS, LEVEL_KEYS, MESSAGE_KEYS, or -1. */
  time: number;
  level: number;
  message: number;
  /** Bits TIME/LEVEL/MESSAGE: the key's lower case is that of a name in the list. */
  folded: number;
  /** A schema or OTLP could claim an object with this key. */
  schema: boolean;
  dotted: boolean;
}

const TIME = 1;
const LEVEL = 2;
const MESSAGE = 4;

const lowerSet = (keys: readonly string[]) => new Set(keys.map((k) => k.toLowerCase()));
const TIME_FOLDED = lowerSet(TIME_KEYS);
const LEVEL_FOLDED = lowerSet(LEVEL_KEYS);
const MESSAGE_FOLDED = lowerSet(MESSAGE_KEYS);

function roleOf(name: string): KeyRole {
  const lower = name.toLowerCase();
  return {
    time: TIME_KEYS.indexOf(name), level: LEVEL_KEYS.indexOf(name), message: MESSAGE_KEYS.indexOf(name),
    folded: (TIME_FOLDED.has(lower) ? TIME : 0) | (LEVEL_FOLDED.has(lower) ? LEVEL : 0) | (MESSAGE_FOLDED.has(lower) ? MESSAGE : 0),
    schema: SCHEMA_KEYS.has(name) || name === OTLP_KEY,
    dotted: name.includes('.'),
  };
}

/** A short level value (its JSON text, quotes included) and its severity under each level key, computed when first needed. */
interface LevelValue {
  raw: unknown;
  text: string;
  severity: Int8Array;
}

/** Level values longer than this are decoded each time rather than interned. */
const LEVEL_INTERN_BYTES = 64;

/** Pick results besides an index into the key list. */
const NONE = -1;
/** The flattened names decide (pickTop's null). */
const FLAT = -2;
/** Only JSON.parse and toRecord can tell. */
const DECLINE = -3;

export class FastLineReader {
  private readonly members = new Members<KeyRole>();
  private readonly scanner = new LineScanner(new Interned(roleOf), this.members);
  private readonly levels = new Interned<LevelValue>((text) => {
    const raw: unknown = JSON.parse(text);
    return { raw, text: scalarText(raw), severity: new Int8Array(LEVEL_KEYS.length).fill(-1) };
  });
  /** The last member (index) with each list's key: JSON.parse keeps a repeated key's last value. */
  private readonly lastTime = new Int32Array(TIME_KEYS.length);
  private readonly lastLevel = new Int32Array(LEVEL_KEYS.length);
  private readonly lastMessage = new Int32Array(MESSAGE_KEYS.length);
  private readonly iso: IsoTimeReader;
  /** `used` lists by the keys that gave time, level and message, shared by the records. */
  private readonly usedLists = new Map<number, readonly string[]>();

  // The reading of the last line `read` accepted.
  time: number | null = null;
  severity: Severity = Severity.Unknown;
  severityText = '';
  message = '';
  used: readonly string[] = [];

  /** `times` range-checks the times read, as it does the parsed path's (the same guard, for one count of dropped times). */
  constructor(private readonly ctx: ReadContext, private readonly times: TimeRangeGuard) {
    this.iso = new IsoTimeReader(ctx.zone);
  }

  /** Reads buf[start..end) into the fields above; false when json.ts must parse the line instead. */
  read(buf: Buffer, start: number, end: number): boolean {
    if (!this.scanner.scan(buf, start, end)) return false;
    const m = this.members;
    this.lastTime.fill(-1);
    this.lastLevel.fill(-1);
    this.lastMessage.fill(-1);
    let folded = 0;
    let nested = false;
    for (let i = 0; i < m.count; i++) {
      const role = m.keys[i];
      if (role.schema) return false;
      if (role.time >= 0) this.lastTime[role.time] = i;
      if (role.level >= 0) this.lastLevel[role.level] = i;
      if (role.message >= 0) this.lastMessage[role.message] = i;
      folded |= role.folded;
      if (role.dotted || m.kinds[i] === Kind.Object) nested = true;
    }
    let timeKey = this.pick(TIME_KEYS, this.lastTime, folded & TIME, true);
    let levelKey = this.pick(LEVEL_KEYS, this.lastLevel, folded & LEVEL, true);
    let messageKey = this.pick(MESSAGE_KEYS, this.lastMessage, folded & MESSAGE, true);
    if (timeKey === FLAT || levelKey === FLAT || messageKey === FLAT) {
      // toRecordFlat: names of the flattened fields. Without nested objects or dotted keys they are
      // the top-level keys whose value is not null, and no dotted name in the lists can match.
      if (nested) return false;
      timeKey = this.pick(TIME_KEYS, this.lastTime, folded & TIME, false);
      levelKey = this.pick(LEVEL_KEYS, this.lastLevel, folded & LEVEL, false);
      messageKey = this.pick(MESSAGE_KEYS, this.lastMessage, folded & MESSAGE, false);
    }
    if (timeKey === DECLINE || levelKey === DECLINE || messageKey === DECLINE) return false;
    const timeAt = timeKey >= 0 ? this.lastTime[timeKey] : -1;
    const levelAt = levelKey >= 0 ? this.lastLevel[levelKey] : -1;
    const messageAt = messageKey >= 0 ? this.lastMessage[messageKey] : -1;
    // An array is a scalar to pickTop but text to the flattened reading: toRecord tells.
    if ((timeAt >= 0 && m.kinds[timeAt] === Kind.Array) || (levelAt >= 0 && m.kinds[levelAt] === Kind.Array)
      || (messageAt >= 0 && m.kinds[messageAt] === Kind.Array)) return false;

    this.time = timeAt >= 0 ? this.times.check(this.timeAt(buf, timeAt)) : null;
    if (levelAt >= 0) {
      const level = this.levelValue(buf, levelAt);
      let severity = level.severity[levelKey];
      if (severity < 0) severity = level.severity[levelKey] = levelSeverity(LEVEL_KEYS[levelKey], level.raw);
      this.severity = severity;
      this.severityText = level.text;
    } else {
      this.severity = Severity.Unknown;
      this.severityText = '';
    }
    this.message = messageAt >= 0 ? this.text(buf, messageAt) : '';
    this.used = this.usedList(this.time !== null ? timeKey : NONE, levelKey, messageKey);
    return true;
  }

  /**
   * pickTop (`top`) or pick over the flattened names: the first key of the
   * list present with a value that gives a field (not null; not an object
   * either, which cannot occur in the flattened case here). A miss falls to
   * a case-insensitive pass there, which is declined when any key could
   * match it.
   */
  private pick(keys: readonly string[], last: Int32Array, folded: number, top: boolean): number {
    const kinds = this.members.kinds;
    for (let k = 0; k < keys.length; k++) {
      if (top && keys[k].includes('.')) return FLAT;
      const at = last[k];
      if (at >= 0 && kinds[at] !== Kind.Null && kinds[at] !== Kind.Object) return k;
    }
    return folded !== 0 ? DECLINE : NONE;
  }

  /** The JSON value of member `at` (a string, number or boolean). */
  private value(buf: Buffer, at: number): unknown {
    const m = this.members;
    const kind = m.kinds[at];
    if (kind === Kind.String) return buf.toString('utf8', m.starts[at], m.ends[at]);
    if (kind === Kind.EscapedString) return JSON.parse(buf.toString('utf8', m.starts[at] - 1, m.ends[at] + 1)) as string;
    if (kind === Kind.True) return true;
    if (kind === Kind.False) return false;
    return Number(buf.toString('latin1', m.starts[at], m.ends[at]));
  }

  /** timeOf the value of member `at`: a usual stamp read from its bytes, anything else by timeOf. */
  private timeAt(buf: Buffer, at: number): number | null {
    if (this.members.kinds[at] === Kind.String) {
      const us = this.iso.read(buf, this.members.starts[at], this.members.ends[at]);
      if (us !== undefined) return us;
    }
    return timeOf(this.value(buf, at), this.ctx);
  }

  /** scalarText of member `at`. */
  private text(buf: Buffer, at: number): string {
    return this.members.kinds[at] === Kind.String ? buf.toString('utf8', this.members.starts[at], this.members.ends[at]) : scalarText(this.value(buf, at));
  }

  private levelValue(buf: Buffer, at: number): LevelValue {
    const m = this.members;
    const isString = m.kinds[at] === Kind.String || m.kinds[at] === Kind.EscapedString;
    // A string's span with its quotes: its JSON text, as a number's span is.
    const start = isString ? m.starts[at] - 1 : m.starts[at];
    const end = isString ? m.ends[at] + 1 : m.ends[at];
    if (end - start > LEVEL_INTERN_BYTES) {
      const raw = this.value(buf, at);
      return { raw, text: scalarText(raw), severity: new Int8Array(LEVEL_KEYS.length).fill(-1) };
    }
    return this.levels.get(buf, start, end, hashBytes(buf, start, end));
  }

  private usedList(time: number, level: number, message: number): readonly string[] {
    const id = ((time + 1) * 64 + (level + 1)) * 64 + (message + 1);
    let list = this.usedLists.get(id);
    if (list === undefined) {
      list = [time >= 0 ? TIME_KEYS[time] : undefined, level >= 0 ? LEVEL_KEYS[level] : undefined, message >= 0 ? MESSAGE_KEYS[message] : undefined]
        .filter((k): k is string => k !== undefined);
      this.usedLists.set(id, list);
    }
    return list;
  }
}

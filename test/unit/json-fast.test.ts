/**
 * The json processor's fast path (json-scan.ts, json-fast.ts) against the
 * JSON.parse path it stands in for: on a generated corpus of tricky lines
 * (escapes, unicode, surrogates, every form of number, nesting, duplicate
 * keys, whitespace, case variants of the usual keys, schema keys, and
 * invalid lines of many kinds) every record, malformed or not, and every
 * note must be the same whichever path read it. The same for time values
 * read from their bytes (json-time.ts) against parseTimeField.
 */
import { describe, expect, it } from 'vitest';
import { FastLineReader } from '../../app/processors/json-fast.js';
import { Interned, LineScanner, Members } from '../../app/processors/json-scan.js';
import { IsoTimeReader } from '../../app/processors/json-time.js';
import { JsonStream } from '../../app/processors/json.js';
import type { LogRecord } from '../../contract/processor.js';
import { parseTimeField, parseZone, TimeRangeGuard, UTC } from '../../contract/timestamps.js';
import { Rng } from '../../bench/prng.js';
import { feedInChunks } from '../helpers/feed.js';

const withFields = (records: LogRecord[]) => records.map((r) => ({ ...r, fields: r.fields }));

function read(input: Buffer, fastLines: boolean, chunk = 1 << 20) {
  const stream = new JsonStream(UTC, { fastLines });
  const records = withFields(feedInChunks(stream, input, chunk));
  return { records, notes: stream.notes() };
}

const KEYS = [
  'time', 'ts', 'timestamp', '@timestamp', 'date', 't', 'created_at', 'timeMillis', 'Time', 'TS', 'TIMESTAMP',
  'level', 'severity', 'lvl', 'loglevel', 'levelname', 'log.level', 'priority', 'severity_text', 'syslog.severity', 'Level', 'LEVEL', 'Severity', 'PRIORITY',
  'msg', 'message', 'text', 'log', 'event', 'body', 'Msg', 'MESSAGE', 'Message',
  'service', 'host', 'user_id', 'http', 'a', 'b', '__proto__', 'constructor', 'toString', '1', '10', '0', '',
  'ключ', '😀', 'http.status', 'stream', 'reqId', 'app', 'resourceLogs', 'short_message', 'version', 'actor', 'repo', 'type',
  '__REALTIME_TIMESTAMP', '__CURSOR', 'EdgeStartTimestamp', 's',
  'x\\"y', '\\u006cevel', 'le\\nvel', 'LEVEL\\u0000',
];

const STRINGS = [
  '"info"', '"ERROR"', '"warn "', '" 7 "', '"30"', '"3"', '"debug"', '"WARNING"', '"fatal"', '"[ERROR]"', '"<3>"', '"E"', '"I"', '""',
  '"hello world"', '"a\\"b"', '"tab\\tnew\\nline"', '"\\u00e9t\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00x"', '"😀 raw"', '"ünïcödé"',
  '"\\/"', '"\\b\\f\\r"', '"\\\\"', '"\\u0000"', '"\\u001F"', '"\\uFFFF"', '"\\uABcd"',
  '"2026-11-23T05:54:40.208Z"', '"2026-11-23 05:54:40,123"', '"2026-11-23T05:54:40+02:00"', '"2026-11-23T05:54:40.123456789-0530"',
  '"2026-11-23T05:54:40"', '"2026/11/23 05:54:40 CET"', '"2026-11-23T25:54:40Z"', '"2026-02-30T05:54:40Z"', '"2026-11-23T05:54:60Z"', '"0000-01-01T00:00:00Z"',
  '"1795413281"', '"1795413281.5"', '"1795413282000000000"', '"Nov 23 05:54:40"', '"Mon Nov 23 06:40:46 2026"', '"[23/Nov/2026:05:54:40 +0000]"', '" 2026-11-23T05:54:40Z "', '"not a time"',
  '"GET /api/v1/orders/123 200 15ms"', '"user 42 logged in from 10.0.0.1"', `"${'x'.repeat(300)}"`,
];

const NUMBERS = [
  '0', '-0', '1', '-1', '1.5', '1e3', '1E+3', '1e-3', '-0.0', '1.0e400', '-1e400', '123456789012345678901234567890', '0.1e1', '2.5', '9007199254740993',
  '10', '20', '30', '40', '50', '60', '3', '7', '8', '1795413282000', '1795413281.5', '1795413282000000', '1795413282000000000', '1e9', '5e-324',
];

const CONTAINERS = ['{}', '[]', '[1,"a",null]', '{"a":{"b":1}}', '{"level":"error"}', '[[[]]]', '{"x":[1,{"y":"z"}]}', '[ 1 , 2 ]', '{ "k" : [ ] }', '["level"]', '{"$date":"2026-11-23T05:54:40Z"}'];

const SPACE = ['', '', '', '', ' ', '\t', '\r', '  ', ' \t '];

function value(r: Rng, depth: number): string {
  const kind = r.int(0, 9);
  if (kind <= 3) return r.pick(STRINGS);
  if (kind <= 5) return r.pick(NUMBERS);
  if (kind === 6) return r.pick(['true', 'false', 'null']);
  if (kind === 7) return r.pick(CONTAINERS);
  if (kind === 8 && depth < 3) return object(r, depth + 1, r.int(0, 3));
  return depth < 3 ? `[${Array.from({ length: r.int(0, 3) }, () => value(r, depth + 1)).join(',')}]` : '"leaf"';
}

function object(r: Rng, depth: number, members: number): string {
  const s = () => r.pick(SPACE);
  const parts: string[] = [];
  for (let i = 0; i < members; i++) {
    // Duplicate keys now and then: JSON.parse keeps the last value, at the first key's place.
    const key = r.chance(0.1) && parts.length > 0 ? r.pick(parts).split('"')[1] : r.pick(KEYS);
    parts.push(`${s()}"${key}"${s()}:${s()}${value(r, depth)}${s()}`);
  }
  return `{${parts.join(',')}${members === 0 ? s() : ''}}`;
}

/** A usual log line: the shapes the fast path is for. */
function usual(r: Rng): string {
  const parts = [
    `"${r.pick(['time', 'ts', 'timestamp', '@timestamp'])}":${r.pick(['"2026-11-23T05:54:40.208Z"', '1795413281.5', '"2026-11-23T05:54:40+01:00"', '"2026-11-23 05:54:40,5"'])}`,
    `"${r.pick(['level', 'severity', 'lvl', 'levelname'])}":${r.pick(['"info"', '"ERROR"', '30', '50', '"warn"', '"7"', 'true'])}`,
    `"${r.pick(['msg', 'message', 'event'])}":${r.pick(STRINGS)}`,
    `"service":"checkout"`, `"user_id":${r.pick(NUMBERS)}`, `"http":{"status":${r.int(100, 599)},"path":"/x"}`, `"tags":["a","b"]`,
  ];
  return `{${parts.filter((_, i) => i < 3 || r.chance(0.6)).join(',')}}`;
}

const INSERTS = [',', ':', '{', '}', '[', ']', '"', '\\', 'a', '0', '-', '.', 'e', ' ', '\x01', '\x1f', '\x7f', '\f', '\v', '\u00a0', '\ufeff', '\u2028'];
const BAD_TOKENS = [
  '01', '1.', '.5', '+1', '1e', '1e+', '-', '--1', '0x10', 'tru', 'nul', 'True', 'NaN', 'Infinity', "'a'", 'undefined',
  '"\\x"', '"\\u12G4"', '"\\u12"', '"\\U0041"', '"a\x01b"', '"a\tb"', '"unterminated', '"\\"',
];
const BAD_LINES = [
  '{"a":1,}', '[1,]', '{"a" 1}', '{a:1}', '{"a":1}{"b":2}', '{"a":1} x', '\ufeff{"a":1}', '\u00a0{"a":1}', '{"a":1}\u00a0', '{"a":1}\f',
  '{"a":1 "b":2}', '{"a"::1}', '{,"a":1}', '{"a":[1 2]}', '{"a":{"b"}}', '{"a":}', '{', '}', '{"a":1', '{"level":"info","msg":"x"',
  '42', '"str"', 'null', 'true', '[]', '[{"a":1}]', '', '   ', '\f', '\t\r', 'not json', '{"a":1}//c', '/*c*/{"a":1}',
];

function mutate(r: Rng, line: string): Buffer {
  const bytes = Buffer.from(line);
  const at = r.int(0, bytes.length);
  switch (r.int(0, 5)) {
    case 0: return Buffer.concat([bytes.subarray(0, at), Buffer.from(r.pick(INSERTS)), bytes.subarray(at)]);
    case 1: return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 2: return bytes.subarray(0, at);
    case 3: return Buffer.concat([bytes.subarray(0, at), Buffer.from([r.pick([0xff, 0xc3, 0x80, 0xe2, 0xed, 0xf4])]), bytes.subarray(at)]);
    case 4: return Buffer.from(`{"level":"info","msg":${r.pick(BAD_TOKENS)}}`);
    default: return Buffer.from(`{"msg":"x","${r.pick(['a', 'level'])}":${r.pick(BAD_TOKENS)},"b":1}`);
  }
}

/** Lines with no newline in them, valid and not, as bytes. */
function corpus(seed: number, n: number): Buffer[] {
  const r = new Rng(seed);
  const lines: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r.int(0, 9);
    if (kind <= 2) lines.push(Buffer.from(usual(r)));
    else if (kind <= 5) lines.push(Buffer.from(`${r.pick(SPACE)}${object(r, 0, r.int(0, 8))}${r.pick(SPACE)}`));
    else if (kind <= 7) lines.push(mutate(r, r.chance(0.5) ? usual(r) : object(r, 0, r.int(1, 6))));
    else if (kind === 8) lines.push(Buffer.from(r.pick(BAD_LINES)));
    else {
      // Bytes that are not valid UTF-8 inside a string (JSON after decoding: U+FFFD) or in a key.
      const bad = Buffer.from([r.pick([0xff, 0xc3, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf0, 0x9f])]);
      lines.push(Buffer.concat([Buffer.from(`{"level":"warn","${r.pick(['msg', 'k'])}":"a`), bad, Buffer.from('b","x":1}')]));
    }
  }
  // Nesting deeper than the scanner follows, and deeper than the processor allows.
  lines.push(Buffer.from(`{"level":"info","msg":"deep","a":${'['.repeat(70)}${']'.repeat(70)}}`));
  lines.push(Buffer.from(`{"level":"info","msg":"deeper","a":${'['.repeat(1001)}${']'.repeat(1001)}}`));
  lines.push(Buffer.from(`{"level":"info","msg":"wide",${Array.from({ length: 600 }, (_, i) => `"k${i}":${i}`).join(',')}}`));
  // More distinct keys than the scanner interns: past its table, keys are decoded each time.
  for (let l = 0; l < 40; l++) {
    lines.push(Buffer.from(`{${Array.from({ length: 60 }, (_, i) => `"key-${l}-${i}":${i}`).join(',')},"Level":"warn","level":"error","msg":"many keys ${l}"}`));
  }
  return lines;
}

describe('json fast path', () => {
  const lines = corpus(20261126, 6000);
  const input = Buffer.concat(lines.flatMap((l, i) => [l, Buffer.from(i % 7 === 0 ? '\r\n' : '\n')]));

  it('gives every record and note JSON.parse gives, line by line', () => {
    const fast = read(input, true);
    const slow = read(input, false);
    expect(fast.records.length).toBe(slow.records.length);
    for (let i = 0; i < slow.records.length; i++) {
      const line = slow.records[i].line;
      expect(fast.records[i], `line ${line}: ${lines[line - 1]?.toString('utf8').slice(0, 300)}`).toEqual(slow.records[i]);
    }
    expect(fast.notes).toEqual(slow.notes);
  });

  it('gives the same records at any chunk size', () => {
    const part = input.subarray(0, 40_000);
    const whole = read(part, true).records;
    for (const chunk of [1, 7, 64, 333, 4096]) expect(read(part, true, chunk).records).toEqual(whole);
  });

  it('accepts only lines JSON.parse reads as an object', () => {
    const scanner = new LineScanner(new Interned((k) => k), new Members<string>());
    let accepted = 0;
    for (const line of lines) {
      if (!scanner.scan(line, 0, line.length)) continue;
      accepted++;
      const text = line.toString('utf8');
      let value: unknown;
      expect(() => { value = JSON.parse(text); }, text).not.toThrow();
      expect(typeof value === 'object' && value !== null && !Array.isArray(value), text).toBe(true);
      // The members are the object's keys, as JSON.parse names them (first place, every key).
      expect(new Set(scanner.members.keys.slice(0, scanner.members.count)), text).toEqual(new Set(Object.keys(value as object)));
    }
    expect(accepted).toBeGreaterThan(lines.length / 3);
  });

  it('reads the usual lines without JSON.parse', () => {
    const reader = new FastLineReader({ zone: UTC, refMs: Date.now() }, new TimeRangeGuard());
    const r = new Rng(7);
    let fast = 0;
    for (let i = 0; i < 1000; i++) {
      const line = Buffer.from(usual(r));
      if (reader.read(line, 0, line.length)) fast++;
    }
    expect(fast).toBeGreaterThan(900);
    const bench = Buffer.from('{"time":"2026-11-23T00:00:00.002Z","level":"info","msg":"scheduled job \\"cleanup-15\\" done","service":"checkout","user_id":537120,"duration_ms":15.7,"http":{"method":"GET","status":204}}');
    expect(reader.read(bench, 0, bench.length)).toBe(true);
    expect([reader.time, reader.severityText, reader.message]).toEqual([Date.UTC(2026, 10, 23, 0, 0, 0, 2) * 1000, 'info', 'scheduled job "cleanup-15" done']);
  });
});

describe('json fast path: time values', () => {
  const r = new Rng(99);
  const parts = {
    year: ['0000', '0001', '0099', '0100', '1684', '1685', '1969', '1970', '2026', '2255', '2256', '9999', '2O26'],
    month: ['00', '01', '02', '11', '12', '13'],
    day: ['00', '01', '28', '29', '30', '31', '32', '1x'],
    hour: ['00', '05', '23', '24', '99'],
    minute: ['00', '54', '59', '60'],
    second: ['00', '40', '59', '60', '61', '99', '4'],
    fraction: ['', '', '.', '.5', ',123', '.208', '.123456', '.1234567', '.123456789', '.1234567890', '.12a'],
    zone: ['', 'Z', 'Z', '+01:00', '-05:30', '+0100', '-0000', '+01', ' Z', 'z', '+1:00', '-00:00', '+14:00', '+99:99', 'ZZ', ' CET', '+01:00x'],
    sep: ['-', '-', '-', '/', '.'],
    t: ['T', 'T', ' ', 't', '_'],
  };
  const stamps = Array.from({ length: 20000 }, () => {
    const sep = r.pick(parts.sep);
    const sep2 = r.chance(0.95) ? sep : r.pick(parts.sep);
    return `${r.pick(parts.year)}${sep}${r.pick(parts.month)}${sep2}${r.pick(parts.day)}${r.pick(parts.t)}${r.pick(parts.hour)}:${r.pick(parts.minute)}:${r.pick(parts.second)}${r.pick(parts.fraction)}${r.pick(parts.zone)}`;
  });

  for (const zone of [UTC, parseZone('+05:30'), parseZone('Europe/Berlin')]) {
    it(`reads every stamp as parseTimeField does (--tz ${zone.label})`, () => {
      const reader = new IsoTimeReader(zone);
      const refMs = Date.now();
      let read = 0;
      for (const stamp of stamps) {
        const bytes = Buffer.from(stamp);
        const us = reader.read(bytes, 0, bytes.length);
        if (us === undefined) continue;
        read++;
        expect(us, stamp).toBe(parseTimeField(stamp, zone, refMs));
      }
      expect(read).toBeGreaterThan(stamps.length / 10);
    });
  }
});

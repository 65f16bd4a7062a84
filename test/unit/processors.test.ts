import { describe, expect, it } from 'vitest';
import { jsonProcessor, MAX_JSON_DEPTH, nestedDeeperThan } from '../../app/processors/json.js';
import { findSeverity, textProcessor } from '../../app/processors/text.js';
import { fieldValue, typedFieldValue, type LogRecord, type Processor } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { UTC } from '../../contract/timestamps.js';
import { feedInChunks } from '../helpers/feed.js';

const open = (p: Processor) => p.open({ zone: UTC, options: {}, source: 'test' });
const parseAll = (p: Processor, text: string, chunk = 1 << 20) => feedInChunks(open(p), Buffer.from(text), chunk);

/** A record's data as toEqual should compare it: `fields` may be a getter (json's records build them when read). */
const withFields = (records: LogRecord[]) => records.map((r) => ({ ...r, fields: r.fields }));

/** Every chunk size from 1 byte up must give the same records as one big chunk. */
function expectChunkInvariant(p: Processor, text: string) {
  const whole = parseAll(p, text);
  for (let size = 1; size <= Buffer.byteLength(text) + 1; size++) {
    expect(withFields(parseAll(p, text, size)), `chunk size ${size}`).toEqual(withFields(whole));
  }
  return whole;
}

const TEXT_LOG = [
  '2026-11-23 05:54:40.100 INFO  [main] app started',
  '2026-11-23 05:54:41 ERROR [worker-1] request failed',
  'java.lang.IllegalStateException: pool exhausted',
  '\tat com.example.Pool.take(Pool.java:42)',
  '',
  '2026/11/23 05:54:42 [warn] 12#12: *3 upstream is slow',
  'Traceback (most recent call last):',
  '2026-11-23T05:54:43Z level=debug msg="tick"',
  '',
].join('\n');

describe('text processor', () => {
  it('attaches continuation lines and is chunk-boundary invariant', () => {
    const records = expectChunkInvariant(textProcessor, TEXT_LOG);
    expect(records.map((r) => [r.line, r.severity, r.message])).toEqual([
      [1, Severity.Info, '[main] app started'],
      [2, Severity.Error, '[worker-1] request failed\njava.lang.IllegalStateException: pool exhausted\n\tat com.example.Pool.take(Pool.java:42)'],
      [6, Severity.Warn, '12#12: *3 upstream is slow\nTraceback (most recent call last):'],
      [8, Severity.Debug, 'level=debug msg="tick"'],
    ]);
    expect(records[0].time).toBe(Date.parse('2026-11-23T05:54:40.100Z') * 1000);
  });

  it('makes one record per line when lines have no timestamps', () => {
    const records = expectChunkInvariant(textProcessor, 'alpha\nbeta ERROR here\n\ngamma');
    expect(records.map((r) => [r.line, r.message, r.severity])).toEqual([[1, 'alpha', 0], [2, 'beta ERROR here', Severity.Error], [4, 'gamma', 0]]);
  });

  it('handles CRLF and a byte order mark', () => {
    const records = parseAll(textProcessor, '\uFEFF2026-11-23 05:54:40 INFO a\r\n2026-11-23 05:54:41 WARN b\r\n');
    expect(records.map((r) => r.message)).toEqual(['a', 'b']);
    expect(records[0].time).not.toBeNull();
  });

  it('counts lines that are not UTF-8', () => {
    const stream = open(textProcessor);
    feedInChunks(stream, Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff, 0xfe, 0x41, 0x0a])]), 1 << 20);
    expect(stream.notes?.()).toEqual(['1 line is not valid UTF-8 (first: line 2); invalid bytes read as U+FFFD']);
  });

  it('finds severities written as levels, not in prose', () => {
    expect(findSeverity(' [error] 1#1: boom')?.severity).toBe(Severity.Error);
    expect(findSeverity(' host sshd[1]: error: PAM failure')?.severity).toBe(Severity.Error);
    expect(findSeverity(' LOG:  checkpoint starting')?.severity).toBe(Severity.Info);
    expect(findSeverity(' an error occurred in the warning system')).toBeNull();
  });
});

describe('text processor: Apache httpd error log', () => {
  const APACHE_ERROR_LOG = [
    '[Mon Nov 23 06:40:45.797342 2026] [mpm_event:notice] [pid 27316:tid 27316] AH00489: Apache/2.4.71 (Debian) configured -- resuming normal operations',
    '[Mon Nov 23 06:40:46.951750 2026] [core:info] [pid 27318:tid 27334] [client 127.0.0.1:49302] AH00128: File does not exist: /var/www/html/missing.png',
    '[Mon Nov 23 06:40:46.981714 2026] [proxy:error] [pid 27317:tid 27323] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:18999 (127.0.0.1:18999) failed',
    '[Mon Nov 23 06:40:47.000001 2026] [core:warn] [pid 1:tid 2] AH00045: child process 7 still did not exit',
    '[Mon Nov 23 06:40:47.000002 2026] [ssl:info] [pid 1:tid 2] AH01914: Configuring server',
    '[Mon Nov 23 06:40:47.000003 2026] [core:trace3] [pid 1:tid 2] request.c(311): fixups',
    '[Sun Nov 23 06:40:48 2026] [error] [client 1.2.3.4] old Apache 2.2 style',
    '',
  ].join('\n');

  it('reads the ctime stamp and the level of [module:level], chunk-boundary invariant', () => {
    const records = expectChunkInvariant(textProcessor, APACHE_ERROR_LOG);
    expect(records.map((r) => [r.line, r.severity, r.severityText])).toEqual([
      [1, Severity.Notice, 'notice'],
      [2, Severity.Info, 'info'],
      [3, Severity.Error, 'error'],
      [4, Severity.Warn, 'warn'],
      [5, Severity.Info, 'info'],
      [6, Severity.Trace, 'trace3'],
      [7, Severity.Error, 'error'],
    ]);
    expect(records.map((r) => r.time === null ? null : new Date(r.time / 1000).toISOString())).toEqual([
      '2026-11-23T06:40:45.797Z', '2026-11-23T06:40:46.951Z', '2026-11-23T06:40:46.981Z', '2026-11-23T06:40:47.000Z',
      '2026-11-23T06:40:47.000Z', '2026-11-23T06:40:47.000Z', '2026-11-23T06:40:48.000Z',
    ]);
    expect(records[2].time).toBe(Date.parse('2026-11-23T06:40:46.981Z') * 1000 + 714);
    // The module stays in the message; a bare [error] is cut as before.
    expect(records[2].message).toBe('[proxy:error] [pid 27317:tid 27323] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:18999 (127.0.0.1:18999) failed');
    expect(records[6].message).toBe('[client 1.2.3.4] old Apache 2.2 style');
  });

  it('takes the level after the colon of a bracketed module token only', () => {
    expect(findSeverity(' [mpm_event:notice] [pid 1:tid 1] x')?.severity).toBe(Severity.Notice);
    expect(findSeverity(' [proxy_http:error] x')?.severity).toBe(Severity.Error);
    expect(findSeverity(' [pid 27316:tid 27316] AH00489: x')).toBeNull();
    expect(findSeverity(' [client 127.0.0.1:49302] x')).toBeNull();
    expect(findSeverity(' [localhost:8080] x')).toBeNull();
    expect(findSeverity(' [core:bogus] [warn] x')?.severity).toBe(Severity.Warn);
  });
});

describe('json processor', () => {
  const NDJSON = [
    '{"time":"2026-11-23T05:54:40.208Z","level":"info","msg":"hello","req":{"id":7,"path":"/x"}}',
    '{"ts":1795413281.5,"severity":"ERROR","message":"boom","tags":["a","b"]}',
    '{"level":30,"time":1795413282000,"msg":"pino"}',
    'not json at all',
    '42',
    '',
  ].join('\n');

  it('reads NDJSON with common keys, flattening nested objects, and is chunk-boundary invariant', () => {
    const records = expectChunkInvariant(jsonProcessor, NDJSON);
    expect(records.map((r) => [r.line, r.malformed, r.severity, r.message])).toEqual([
      [1, false, Severity.Info, 'hello'],
      [2, false, Severity.Error, 'boom'],
      [3, false, Severity.Info, 'pino'],
      [4, true, Severity.Unknown, expect.stringMatching(/^invalid JSON: /)],
      [5, true, Severity.Unknown, 'expected a JSON object, got number'],
    ]);
    expect(records[0].fields).toEqual({ 'req.id': 7, 'req.path': '/x' });
    expect(records[1].time).toBe(1795413281_500000);
    expect(records[1].fields).toEqual({ tags: '["a","b"]' });
    expect(records[2].time).toBe(1795413282_000000);
  });

  it('reads a top-level array, pretty-printed across lines', () => {
    const text = '[\n  {"@timestamp": "2026-11-23T05:54:40Z", "level": "warn", "message": "a,]}"},\n  {"message": "b"}\n]\n';
    const records = expectChunkInvariant(jsonProcessor, text);
    expect(records.map((r) => [r.line, r.message, r.severity])).toEqual([[2, 'a,]}', Severity.Warn], [3, 'b', Severity.Unknown]]);
  });

  it('reports an unterminated value at the end', () => {
    const records = parseAll(jsonProcessor, '[{"message": "a"}, {"message": "b');
    expect(records.map((r) => r.malformed)).toEqual([false, true]);
    expect(records[1].message).toBe('unterminated JSON value at end of input');
  });

  it('keeps JSON numbers and booleans typed; fieldValue still reads them as JSON text (issue 10 item 2)', () => {
    const line = '{"time":"2026-11-23T05:54:40Z","level":"info","msg":"m","status":200,"dur":1.50,"ok":false,"big":1e21,"neg":-0,"s":"200","a":[1,"x"],"n":null,"o":{"p":3}}\n';
    for (const text of [line, line.replace('"level":"info",', '')]) { // the fast path and the flattening path
      const [r] = parseAll(jsonProcessor, text);
      expect(r.fields).toEqual({ status: 200, dur: 1.5, ok: false, big: 1e21, neg: -0, s: '200', a: '[1,"x"]', 'o.p': 3 });
      expect(typedFieldValue(r, 'status')).toBe(200);
      expect(typedFieldValue(r, 's')).toBe('200');
      expect([fieldValue(r, 'status'), fieldValue(r, 'dur'), fieldValue(r, 'ok'), fieldValue(r, 'big'), fieldValue(r, 'neg'), fieldValue(r, 'o.p')])
        .toEqual(['200', '1.5', 'false', '1e+21', '0', '3']);
    }
  });

  it('scores JSON content and not text', () => {
    expect(jsonProcessor.detect!(Buffer.from('{"a":1}\n{"a":2}\n'))).toBe(90);
    expect(jsonProcessor.detect!(Buffer.from('[\n {"a":1}'))).toBe(90);
    expect(jsonProcessor.detect!(Buffer.from('2026-11-23 INFO x'))).toBe(0);
  });
});

describe('json processor: one line costs at most itself (reliability audit B15, B15b, A27)', () => {
  it('B15 a line nested 10,000 or 100,000 deep is one malformed record; the lines after it count', () => {
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const text = [deep(10_000), `{"level":"info","msg":"x","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, deep(1_000), '{"msg":"after"}', ''].join('\n');
    const records = parseAll(jsonProcessor, text);
    expect(records.map((r) => [r.line, r.malformed, r.message])).toEqual([
      [1, true, `nested deeper than ${MAX_JSON_DEPTH} levels`],
      [2, true, `nested deeper than ${MAX_JSON_DEPTH} levels`],
      [3, false, ''],
      [4, false, 'after'],
    ]);
    expect(Object.keys(records[2].fields)).toEqual(['a.'.repeat(999) + 'a']);
  });

  it('nestedDeeperThan counts brackets outside strings only', () => {
    expect(nestedDeeperThan('[[[]]]', 2)).toBe(true);
    expect(nestedDeeperThan('[[]]', 2)).toBe(false);
    expect(nestedDeeperThan(`{"s":"${'['.repeat(50)}\\"${'{'.repeat(50)}"}`, 2)).toBe(false);
  });

  it('B15b a time out of range makes its record untimed and is counted in a note', () => {
    const stream = open(jsonProcessor);
    const text = ['{"time":1e25,"msg":"a","level":"info"}', '{"time":1e300,"msg":"b"}', '{"time":"NaN","msg":"c"}', '{"time":"0000-01-01T00:00:00Z","msg":"d"}', '{"time":"0001-01-01T00:00:00Z","msg":"e"}', ''].join('\n');
    const records = feedInChunks(stream, Buffer.from(text), 1 << 20);
    expect(records.map((r) => [r.message, r.time])).toEqual([['a', null], ['b', null], ['c', null], ['d', null], ['e', Date.parse('0001-01-01T00:00:00Z') * 1000]]);
    expect(stream.notes!()).toEqual(['2 timestamps out of range (years 0001-9999), treated as untimed']);
  });

  it('A27 fields named __proto__ and constructor are own fields; absent ones are absent', () => {
    const [flat, fast] = parseAll(jsonProcessor, '{"msg":"a","__proto__":"p","constructor":"c"}\n{"level":"info","msg":"b","__proto__":{"x":"1"}}\n');
    expect(JSON.stringify(flat.fields)).toBe('{"__proto__":"p","constructor":"c"}');
    expect(JSON.stringify(fast.fields)).toBe('{"__proto__.x":"1"}');
    expect(fieldValue(fast, 'constructor')).toBeUndefined();
    expect(fieldValue(flat, 'constructor')).toBe('c');
    expect(fieldValue({ ...flat, fields: {} }, 'toString')).toBeUndefined();
  });
});

describe('over-long lines', () => {
  it('keeps the start of a line longer than 8 MiB and streams past the rest, counting lines on', () => {
    const long = `2026-11-23 05:54:41 ERROR ${'x'.repeat(9 << 20)}`;
    const input = Buffer.from(`2026-11-23 05:54:40 INFO before\n${long}\n2026-11-23 05:54:42 WARN after\n`);
    const stream = open(textProcessor);
    const records = feedInChunks(stream, input, 1 << 20);
    expect(records.map((r) => [r.line, r.severity, r.message.length < 70_000])).toEqual([
      [1, Severity.Info, true], [2, Severity.Error, true], [3, Severity.Warn, true],
    ]);
    expect(records[1].time).toBe(Date.parse('2026-11-23T05:54:41Z') * 1000);
    expect(records[2].message).toBe('after');
    expect(stream.notes?.()).toEqual(['1 line is longer than 8 MiB (first: line 2); only the first 64 KiB of each is kept']);
  });
});

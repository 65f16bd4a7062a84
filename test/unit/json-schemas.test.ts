/**
 * The json processor on the schemas people meet daily (issue 8 item 4):
 * journald, MongoDB, Nextcloud, GELF, Cloudflare, Docker json-file, GitHub
 * events, OTLP, and numeric levels read by the schema that wrote them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonProcessor } from '../../app/processors/json.js';
import { type LogRecord } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { formatTime, UTC } from '../../contract/timestamps.js';
import { feedInChunks } from '../helpers/feed.js';
import { REPO } from '../helpers/paths.js';

const parse = (text: string): LogRecord[] => feedInChunks(jsonProcessor.open({ zone: UTC, options: {}, source: 'test' }), Buffer.from(text), 1 << 20);
const fixture = (name: string) => readFileSync(path.join(REPO, 'test/fixtures/json', name), 'utf8');
const ts = (r: LogRecord) => (r.time === null ? null : formatTime(r.time));
const S = Severity;

describe('journald (journalctl -o json, written by systemd-journald 252)', () => {
  const records = parse(fixture('journalctl-o-json.json'));

  it('reads __REALTIME_TIMESTAMP as µs, PRIORITY as syslog severity, MESSAGE (byte arrays decoded)', () => {
    expect(records.map((r) => [ts(r), r.severity, r.severityText, r.message])).toEqual([
      ['2026-11-26T00:48:25.954197Z', S.Warn, '4', 'disk almost full on /var'],
      ['2026-11-26T00:48:25.985526Z', S.Info, '6', 'request served'],
      ['2026-11-26T00:48:26.065713Z', S.Error, '3', 'bad byte: \uFFFD end'],
      ['2026-11-26T00:48:26.793726Z', S.Debug, '7', 'structured entry'],
      ['2026-11-26T00:48:31.027635Z', S.Fatal, '2', 'raid array degraded'],
    ]);
  });

  it('keeps the other journal fields, not the three it read', () => {
    expect(records[3].fields).toMatchObject({ HTTP_STATUS: '503', SYSLOG_IDENTIFIER: 'logmill-fixture', _TRANSPORT: 'journal' });
    expect(records[3].fields).not.toHaveProperty('MESSAGE');
    expect(records[3].fields).not.toHaveProperty('__REALTIME_TIMESTAMP');
  });
});

describe('MongoDB 4.4+ structured log', () => {
  it('reads t.$date (ISO or $numberLong), s (F/E/W/I/D1-D5) and msg', () => {
    const records = parse(fixture('mongod.log'));
    expect(records.map((r) => [ts(r), r.severity, r.severityText, r.message])).toEqual([
      ['2026-11-25T10:00:00.180000Z', S.Info, 'I', 'Waiting for connections'],
      ['2026-11-25T10:00:01.002000Z', S.Warn, 'W', 'Access control is not enabled for the database'],
      ['2026-11-25T09:00:02.500000Z', S.Error, 'E', 'Recovering data from the last clean checkpoint'],
      ['2026-11-25T10:00:03.000000Z', S.Fatal, 'F', 'Fatal assertion'],
      ['2026-11-25T10:00:04.000000Z', S.Debug, 'D2', 'About to run the command'],
      ['2026-11-25T10:00:05.000000Z', S.Info, 'I', 'client metadata'],
    ]);
    expect(records[0].fields).toEqual({ c: 'NETWORK', id: 23016, ctx: 'listener', 'attr.port': 27017, 'attr.ssl': 'off' });
  });
});

describe('numeric levels are read by the schema that wrote them', () => {
  const level = (line: string) => { const [r] = parse(line + '\n'); return [r.severity, r.severityText]; };

  it('Nextcloud (reqId + app): 0 debug, 1 info, 2 warn, 3 error, 4 fatal', () => {
    const nc = (n: number) => level(`{"reqId":"twvbRFk1","level":${n},"time":"2026-11-25T10:00:00+00:00","remoteAddr":"","user":"--","app":"files","method":"GET","url":"/","message":"m","userAgent":"--","version":"29.0.0.1"}`);
    expect([0, 1, 2, 3, 4, 5].map(nc)).toEqual([[S.Debug, '0'], [S.Info, '1'], [S.Warn, '2'], [S.Error, '3'], [S.Fatal, '4'], [S.Unknown, '5']]);
  });

  it('a small number under level that no schema explains is unknown, never fatal', () => {
    expect(level('{"time":"2026-11-25T10:00:00Z","level":1,"msg":"m"}')).toEqual([S.Unknown, '1']);
    expect(level('{"time":"2026-11-25T10:00:00Z","level":"2","msg":"m"}')).toEqual([S.Unknown, '2']);
    expect(level('{"time":"2026-11-25T10:00:00Z","severity":0,"msg":"m"}')).toEqual([S.Unknown, '0']);
  });

  it('bunyan/pino 10-60 under level; syslog 0-7 only under syslog keys', () => {
    expect(level('{"level":50,"time":1795600800000,"pid":1,"hostname":"h","msg":"m"}')).toEqual([S.Error, '50']);
    expect(level('{"level":60,"time":1795600800000,"msg":"m"}')).toEqual([S.Fatal, '60']);
    expect(level('{"level":35,"time":1795600800000,"msg":"m"}')).toEqual([S.Unknown, '35']);
    expect(level('{"time":"2026-11-25T10:00:00Z","priority":3,"msg":"m"}')).toEqual([S.Error, '3']);
    expect(level('{"time":"2026-11-25T10:00:00Z","PRIORITY":"1","msg":"m"}')).toEqual([S.Fatal, '1']);
    expect(level('{"@timestamp":"2026-11-25T10:00:00Z","syslog":{"severity":4},"message":"m"}')).toEqual([S.Warn, '4']);
    expect(level('{"@timestamp":"2026-11-25T10:00:00Z","log":{"syslog":{"severity":{"code":6}}},"message":"m"}')).toEqual([S.Info, '6']);
    expect(level('{"time":"2026-11-25T10:00:00Z","level":"warning","msg":"m"}')).toEqual([S.Warn, 'warning']);
  });

  it('GELF 1.1: level is a syslog severity, short_message the message, timestamp epoch seconds', () => {
    const [r] = parse('{"version":"1.1","host":"example.org","short_message":"A short message","full_message":"Backtrace here","timestamp":1795600800.25,"level":3,"_user_id":9001}\n');
    expect([ts(r), r.severity, r.message]).toEqual(['2026-11-25T10:00:00.250000Z', S.Error, 'A short message']);
    expect(r.fields).toEqual({ version: '1.1', host: 'example.org', full_message: 'Backtrace here', _user_id: 9001 });
  });
});

describe('Cloudflare Logpush HTTP requests', () => {
  const line = (stamp: string | number, status: number) =>
    JSON.stringify({ ClientIP: '192.0.2.1', ClientRequestHost: 'www.example.com', ClientRequestMethod: 'GET', ClientRequestURI: '/a?b=1', EdgeResponseStatus: status, EdgeStartTimestamp: stamp, RayID: '87a1b2c3d4e5f001' });

  it('reads EdgeStartTimestamp in ns, s or RFC 3339; status gives the level; the request line is the message', () => {
    const records = parse([line('1795600800123456789', 200), line(1795600800, 404), line('2026-11-25T10:00:00Z', 503), line(1795600800123456000, 301), ''].join('\n'));
    expect(records.map((r) => [ts(r), r.severity, r.message])).toEqual([
      ['2026-11-25T10:00:00.123456Z', S.Info, 'GET www.example.com/a?b=1 200'],
      ['2026-11-25T10:00:00.000000Z', S.Warn, 'GET www.example.com/a?b=1 404'],
      ['2026-11-25T10:00:00.000000Z', S.Error, 'GET www.example.com/a?b=1 503'],
      ['2026-11-25T10:00:00.123456Z', S.Info, 'GET www.example.com/a?b=1 301'],
    ]);
    expect(records[1].fields).toMatchObject({ EdgeResponseStatus: 404, ClientRequestMethod: 'GET' });
  });
});

describe('Docker json-file driver', () => {
  it('reads time, the line without its newline, stream as a field, and a level word in the line', () => {
    const records = parse(fixture('docker-json-file.log'));
    expect(records.map((r) => [ts(r), r.severity, r.message, r.fields])).toEqual([
      ['2026-11-25T10:00:00.123456Z', S.Info, '2026-11-25 10:00:00,123 INFO  server started on :8080', { stream: 'stdout' }],
      ['2026-11-25T10:00:01.500000Z', S.Warn, 'WARN cache is 91% full', { stream: 'stderr' }],
      ['2026-11-25T10:00:02.000000Z', S.Unknown, 'an error occurred while talking to the upstream', { stream: 'stderr' }],
    ]);
  });
});

describe('Docker json-file driver around JSON lines', () => {
  it('reads a JSON line as the record, stream a field, Docker time only when the line has none', () => {
    const records = parse([
      JSON.stringify({ log: '{"level":"error","ts":1795600800.5,"msg":"db down","retries":3}\n', stream: 'stderr', time: '2026-11-25T10:00:09Z' }),
      JSON.stringify({ log: '{"level":"warn","msg":"no time"}\n', stream: 'stdout', time: '2026-11-25T10:00:09Z' }),
      JSON.stringify({ log: '{not json}\n', stream: 'stdout', time: '2026-11-25T10:00:10Z' }),
      '',
    ].join('\n'));
    expect(records.map((r) => [ts(r), r.severity, r.message, r.fields])).toEqual([
      ['2026-11-25T10:00:00.500000Z', S.Error, 'db down', { stream: 'stderr', retries: 3 }],
      ['2026-11-25T10:00:09.000000Z', S.Warn, 'no time', { stream: 'stdout' }],
      ['2026-11-25T10:00:10.000000Z', S.Unknown, '{not json}', { stream: 'stdout' }],
    ]);
  });
});

describe('GitHub events (GH Archive) and created_at', () => {
  it('reads created_at; the event type is the message', () => {
    const [gh, other] = parse([
      '{"id":"34502641367","type":"PushEvent","actor":{"id":1,"login":"octocat"},"repo":{"id":2,"name":"octo/repo"},"payload":{"size":1},"public":true,"created_at":"2026-11-25T10:00:00Z"}',
      '{"created_at":"2026-11-25T11:00:00Z","message":"a row with created_at"}',
      '',
    ].join('\n'));
    expect([ts(gh), gh.message, gh.fields['actor.login'], gh.fields.public]).toEqual(['2026-11-25T10:00:00.000000Z', 'PushEvent', 'octocat', true]);
    expect([ts(other), other.message]).toEqual(['2026-11-25T11:00:00.000000Z', 'a row with created_at']);
  });
});

describe('OTLP JSON logs', () => {
  const batch = {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [{
        scope: { name: 'app.logger', version: '1.2' },
        logRecords: [
          { timeUnixNano: '1795600800123456789', severityNumber: 9, severityText: 'INFO', body: { stringValue: 'order placed' }, attributes: [{ key: 'order.id', value: { intValue: '42' } }, { key: 'big', value: { intValue: '9007199254740993' } }, { key: 'ok', value: { boolValue: true } }], traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' },
          { timeUnixNano: '0', observedTimeUnixNano: '1795600801000000000', severityNumber: 'SEVERITY_NUMBER_ERROR', body: { kvlistValue: { values: [{ key: 'error', value: { stringValue: 'card declined' } }] } } },
          { timeUnixNano: '1795600802000000000', severityNumber: 13, body: { stringValue: 'slow' } },
        ],
      }],
    }, { resource: {}, scopeLogs: [{ logRecords: [{ timeUnixNano: '1795600803000000000', severityText: 'fatal' }] }] }],
  };

  it('makes one record per logRecord, with time, severity, body, attributes and resource fields', () => {
    const records = parse(JSON.stringify(batch) + '\n' + JSON.stringify({ resourceLogs: [] }) + '\n{"msg":"after"}\n');
    expect(records.map((r) => [r.line, ts(r), r.severity, r.severityText, r.message])).toEqual([
      [1, '2026-11-25T10:00:00.123456Z', S.Info, 'INFO', 'order placed'],
      [1, '2026-11-25T10:00:01.000000Z', S.Error, '', '{"error":"card declined"}'],
      [1, '2026-11-25T10:00:02.000000Z', S.Warn, '', 'slow'],
      [1, '2026-11-25T10:00:03.000000Z', S.Fatal, 'fatal', ''],
      [3, null, S.Unknown, '', 'after'],
    ]);
    expect(records[0].fields).toEqual({
      'order.id': 42, big: '9007199254740993', ok: true, traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174',
      'resource.service.name': 'checkout', 'scope.name': 'app.logger', 'scope.version': '1.2',
    });
  });

  it('a batch that is not shaped as OTLP says is one malformed record naming where', () => {
    const [r] = parse('{"resourceLogs":[{"scopeLogs":[{"logRecords":[7]}]}]}\n');
    expect([r.malformed, r.message]).toEqual([true, 'OTLP logs batch: resourceLogs[0].scopeLogs[0].logRecords[0]: expected an object']);
  });
});

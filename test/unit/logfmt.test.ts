/**
 * The built-in logfmt processor (issue 8 item 3) on lines written by real
 * loggers (test/fixtures/logfmt/README.md says which), its quoting rules,
 * and its detector: it must take logfmt files and leave text logs alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLogfmt, logfmtProcessor, parseLogfmt } from '../../app/processors/logfmt.js';
import { type LogRecord } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { formatTime, UTC } from '../../contract/timestamps.js';
import { feedInChunks } from '../helpers/feed.js';
import { REPO } from '../helpers/paths.js';

const S = Severity;
const fixture = (name: string) => readFileSync(path.join(REPO, 'test/fixtures/logfmt', name), 'utf8');
const parseAll = (text: string, chunk = 1 << 20): LogRecord[] =>
  feedInChunks(logfmtProcessor.open({ zone: UTC, options: {}, source: 'test' }), Buffer.from(text), chunk);
const ts = (r: LogRecord) => (r.time === null ? null : formatTime(r.time));
const view = (r: LogRecord) => [ts(r), r.severity, r.severityText, r.message, r.fields];

describe('parseLogfmt', () => {
  it('reads quoted values with Go escapes, bare keys, empty values and = inside values', () => {
    expect(parseLogfmt('key="a \\"q\\" b" bare empty= path="C:\\\\temp" u="\\u00e9\\x41\\n" eq=a=b')).toEqual({
      pairs: [
        { key: 'key', value: 'a "q" b' }, { key: 'bare', value: null }, { key: 'empty', value: '' },
        { key: 'path', value: 'C:\\temp' }, { key: 'u', value: 'éA\n' }, { key: 'eq', value: 'a=b' },
      ],
    });
  });

  it('says where a line stops being logfmt', () => {
    expect(parseLogfmt('msg="never closed')).toEqual({ error: 'a quoted value that never ends', column: 5 });
    expect(parseLogfmt('a=1 ="x"')).toEqual({ error: 'a value without a key', column: 5 });
  });
});

describe('logfmt processor on real loggers', () => {
  it('logrus TextFormatter: quoted time, level words, escapes in msg and fields', () => {
    const records = parseAll(fixture('logrus.log'));
    expect(records.map(view)).toEqual([
      ['2026-11-26T00:55:33.782031Z', S.Info, 'info', 'A group of walrus emerges from the ocean', { animal: 'walrus', size: '10' }],
      ['2026-11-26T00:55:33.782267Z', S.Warn, 'warning', "The group's number increased tremendously!", { number: '122', omg: 'true' }],
      ['2026-11-26T00:55:33.782280Z', S.Error, 'error', 'quote "inside" and a\nnewline', { path: 'C:\\temp\\"x"' }],
      ['2026-11-26T00:55:33.782295Z', S.Debug, 'debug', 'debugging', {}],
      ['2026-11-26T00:55:33.782301Z', S.Trace, 'trace', 'tracing', {}],
    ]);
  });

  it('go-kit/log: ts after level, caller and empty values as fields', () => {
    expect(parseAll(fixture('gokit.log')).map(view)).toEqual([
      ['2026-11-26T00:55:33.782320Z', S.Info, 'info', 'listening', { caller: 'main.go:26', addr: ':8080', empty: '' }],
      ['2026-11-26T00:55:33.782391Z', S.Error, 'error', 'dial failed', { caller: 'main.go:27', err: 'connection refused: "db"', tags: 'a b=c' }],
    ]);
  });

  it('slog TextHandler: upper-case levels, INFO+2 read as info', () => {
    const records = parseAll(fixture('slog.log'));
    expect(records.map((r) => [ts(r), r.severity, r.severityText, r.message])).toEqual([
      ['2026-11-26T00:56:46.664000Z', S.Info, 'INFO', 'server started'],
      ['2026-11-26T00:56:46.665000Z', S.Debug, 'DEBUG', 'cache warm'],
      ['2026-11-26T00:56:46.665000Z', S.Warn, 'WARN', 'slow request'],
      ['2026-11-26T00:56:46.665000Z', S.Error, 'ERROR', 'request failed'],
      ['2026-11-26T00:56:46.665000Z', S.Info, 'INFO+2', 'between info and warn'],
      ['2026-11-26T00:56:46.665000Z', S.Info, 'INFO', 'message with = and\nnewline'],
    ]);
    expect(records[3].fields).toEqual({ status: '503', err: 'dial tcp: connection "refused"' });
    expect(records[4].fields).toEqual({ user: 'bob smith' });
  });

  it('Grafana t= (and log15 lvl=dbug with a +0000 offset), Heroku router at=', () => {
    expect(parseAll(fixture('grafana.log')).map((r) => [ts(r), r.severity, r.message])).toEqual([
      ['2026-11-25T10:00:00.520963Z', S.Info, 'Starting Grafana'],
      ['2026-11-25T10:00:01.000963Z', S.Warn, 'falling back to legacy setting'],
      ['2026-11-25T10:00:02.100000Z', S.Error, 'Failed to look up user'],
      ['2019-08-15T10:11:12.000000Z', S.Debug, 'Connecting to DB'],
    ]);
    const heroku = parseAll(fixture('heroku-router.log'));
    expect(heroku.map((r) => [r.severity, r.fields.status, r.fields.desc])).toEqual([[S.Info, '200', undefined], [S.Error, '503', 'Request timeout']]);
  });

  it('is chunk-boundary invariant', () => {
    const text = fixture('logrus.log') + fixture('gokit.log');
    const whole = parseAll(text);
    for (let size = 1; size <= Buffer.byteLength(text) + 1; size += 7) expect(parseAll(text, size), `chunk ${size}`).toEqual(whole);
  });

  it('keeps lines that are not logfmt as records of their own; an unclosed quote is malformed with its column', () => {
    const records = parseAll('level=error msg=boom\npanic: runtime error: "index" out of range\n\tmain.go:12 +0x1d\n2026-11-25 10:00:00 INFO user=bob\nmsg="oops\n');
    expect(records.map((r) => [r.line, r.malformed, r.severity, r.message])).toEqual([
      [1, false, S.Error, 'boom'],
      [2, false, S.Unknown, 'panic: runtime error: "index" out of range'],
      [3, false, S.Unknown, '\tmain.go:12 +0x1d'],
      [4, false, S.Unknown, '2026-11-25 10:00:00 INFO user=bob'],
      [5, true, S.Unknown, 'not logfmt at column 5: a quoted value that never ends'],
    ]);
  });

  it('a small number under level is unknown, not a syslog fatal', () => {
    expect(parseAll('ts=2026-11-25T10:00:00Z level=1 msg=x\n')[0].severity).toBe(S.Unknown);
  });
});

describe('logfmt detection', () => {
  const score = (text: string) => detectLogfmt(Buffer.from(text));

  it('claims logfmt written by logrus, go-kit, slog, Grafana and Heroku', () => {
    for (const f of ['logrus.log', 'gokit.log', 'slog.log', 'grafana.log', 'heroku-router.log']) expect(score(fixture(f)), f).toBe(85);
  });

  it('leaves text logs with a few key=value pairs, JSON and CSV alone', () => {
    expect(score('2026-11-25 10:00:00,123 INFO app: user=bob action=login\n2026-11-25 10:00:01,123 WARN app: slow ms=1500\n')).toBe(0);
    expect(score('Nov 25 10:00:00 host sshd[1]: Accepted publickey for bob from 10.0.0.1 port=22\n')).toBe(0);
    expect(score('INFO starting up\nretries=3 backoff=2s\n')).toBe(0);
    expect(score('{"time":"2026-11-25T10:00:00Z","level":"info","msg":"x"}\n')).toBe(0);
    expect(score('a=1,b=2\nc=3,d=4\n')).toBe(0);
    expect(score('key=value other=thing\n')).toBe(0); // pairs, but no time, level or message key
  });
});

/**
 * The header-defined columnar processors (w3c, zeek) on fixtures written to
 * the formats' documented shapes (test/fixtures/columnar/): directives are
 * not records, the header's columns become fields, times and HTTP statuses
 * are read, and any chunking of the input gives the same records.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusSeverity } from '../../app/processors/columnar.js';
import { BUILTINS } from '../../app/processors/registry.js';
import { splitValues, w3cProcessor } from '../../app/processors/w3c.js';
import { epochMicros, zeekProcessor } from '../../app/processors/zeek.js';
import type { Processor } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { UTC } from '../../contract/timestamps.js';
import { feedInChunks } from '../helpers/feed.js';
import { REPO } from '../helpers/paths.js';

const fixture = (name: string) => readFileSync(path.join(REPO, 'test/fixtures/columnar', name));
const parseAll = (p: Processor, data: Buffer, chunk = 1 << 20) => feedInChunks(p.open({ zone: UTC, options: {}, source: 'test' }), data, chunk);
const us = (iso: string) => Date.parse(iso) * 1000;

function chunkInvariant(p: Processor, data: Buffer) {
  const whole = parseAll(p, data);
  for (const size of [1, 2, 3, 7, 64, 333]) expect(parseAll(p, data, size), `chunk size ${size}`).toEqual(whole);
  return whole;
}

describe('w3c processor', () => {
  it('reads an IIS log: directives are not records, a new #Fields: changes the columns, date+time in UTC, sc-status levels', () => {
    const records = chunkInvariant(w3cProcessor, fixture('u_ex261125.log'));
    expect(records.map((r) => [r.line, r.severity, r.severityText, r.message])).toEqual([
      [5, Severity.Info, '200', 'GET /index.html 200'],
      [6, Severity.Info, '304', 'GET /css/site.css 304'],
      [7, Severity.Info, '200', 'GET /search?q=blue+shoes&page=2 200'],
      [8, Severity.Warn, '404', 'GET /wp-login.php 404'],
      [9, Severity.Error, '500', 'POST /api/orders 500'],
      [14, Severity.Info, '200', 'GET /health 200'],
      [15, Severity.Warn, '403', 'GET /admin 403'],
      [16, Severity.Error, '503', 'DELETE /api/orders/17 503'],
    ]);
    expect(records[0].time).toBe(us('2026-11-25T00:00:01Z'));
    expect(records[7].time).toBe(us('2026-11-25T03:12:46.250Z'));
    // every column a field by its name; `-` is no value; date/time went into the time
    expect({ ...records[4].fields }).toEqual({
      's-ip': '10.0.0.4', 'cs-method': 'POST', 'cs-uri-stem': '/api/orders', 's-port': '443', 'cs-username': 'alice',
      'c-ip': '198.51.100.20', 'cs(User-Agent)': 'curl/8.5.0', 'sc-status': '500', 'sc-substatus': '0', 'sc-win32-status': '0', 'time-taken': '2011',
    });
    // the second #Fields: added sc-bytes and cs-bytes
    expect(records[6].fields).toMatchObject({ 'sc-substatus': '14', 'sc-win32-status': '5', 'sc-bytes': '1233', 'cs-bytes': '140', 'time-taken': '1' });
    // IIS writes CRLF: no \r in any value
    expect(records.every((r) => !Object.values(r.fields).some((v) => v.includes('\r')))).toBe(true);
    expect(records.every((r) => r.offset >= 0 && !r.malformed)).toBe(true);
  });

  it('dates time-only records from #Date: (the W3C draft example), across midnight, with quoted values', () => {
    const records = chunkInvariant(w3cProcessor, fixture('w3c-draft.log'));
    expect(records.map((r) => r.time)).toEqual([
      us('1996-01-12T00:34:23Z'), us('1996-01-12T12:21:16Z'), us('1996-01-12T12:45:52Z'), us('1996-01-12T23:57:34Z'),
      us('1996-01-13T00:02:10Z'), us('1996-01-13T00:03:00Z'),
    ]);
    expect(records.map((r) => r.severity)).toEqual(Array(6).fill(Severity.Unknown)); // no sc-status column
    expect(records[5].fields['cs-uri']).toBe('/foo/a file.html?x="y"');
  });

  it('takes #Date: in the CLF form, quoted date and time values, and date-local/time-local in --tz', () => {
    const log = [
      '#Software: a W3C writer', '#Version: 1.0', '#Date: 28/Jun/2026 07:28:59', '#Fields: time cs-method cs-uri sc-status',
      '07:30:00 GET /a 200', '#Fields: date time cs-method cs-uri sc-status', '"2026-06-29" "08:00:01" GET /b ""',
      '#Fields: date-local time-local cs-method cs-uri sc-status', '2026-06-29 10:00:02.5 GET /c 201', '',
    ].join('\n');
    const records = feedInChunks(w3cProcessor.open({ zone: { kind: 'fixed', offsetMinutes: 120, label: '+02:00' }, options: {}, source: 't' }), Buffer.from(log), 5);
    expect(records.map((r) => [r.time, r.severity, r.message])).toEqual([
      [us('2026-06-28T07:30:00Z'), Severity.Info, 'GET /a 200'],
      [us('2026-06-29T08:00:01Z'), Severity.Info, 'GET /b'], // a request with no status recorded: info
      [us('2026-06-29T08:00:02.500Z'), Severity.Info, 'GET /c 201'],
    ]);
  });

  it('reads Oracle Web Cache\'s date and time at its #GMT-Offset:, and notes an offset it cannot read', () => {
    const records = chunkInvariant(w3cProcessor, fixture('webcache_access_log'));
    expect(records.map((r) => [r.line, r.time, r.message])).toEqual([
      [7, us('2026-11-25T08:00:18Z'), 'GET /images/logo.gif 200'], [8, us('2026-11-25T08:00:19Z'), 'POST /app/login 302'],
    ]);
    const stream = w3cProcessor.open({ zone: UTC, options: {}, source: 't' });
    const bad = feedInChunks(stream, Buffer.from('#Version: 1.0\n#GMT-Offset: Pacific\n#Fields: date time cs-uri\n2026-11-25 00:00:18 /x\n'), 9);
    expect(bad.map((r) => r.time)).toEqual([us('2026-11-25T00:00:18Z')]);
    expect(stream.notes!()).toEqual(['#GMT-Offset: "Pacific" is not an offset such as -0800: its times are read as GMT']);
  });

  it('reads the Windows Firewall log\'s date and time on the local clock (`#Time Format: Local`) in --tz; a new header goes back to UTC', () => {
    const plus2 = { kind: 'fixed', offsetMinutes: 120, label: '+02:00' } as const;
    const firewall = fixture('pfirewall.log');
    const records = feedInChunks(w3cProcessor.open({ zone: plus2, options: {}, source: 't' }), firewall, 7);
    expect(records.map((r) => [r.line, r.time, r.message.split(' ').slice(0, 2).join(' ')])).toEqual([
      [6, us('2026-11-25T07:14:02Z'), 'DROP TCP'], [7, us('2026-11-25T07:14:05Z'), 'ALLOW UDP'],
    ]);
    expect(w3cProcessor.detect!(firewall)).toBe(95);
    // An IIS header after it (concatenated logs): its date and time are UTC again.
    const iis = Buffer.concat([firewall, Buffer.from('#Software: Microsoft Internet Information Services 10.0\n#Fields: date time cs-uri sc-status\n2026-11-25 09:15:00 /x 200\n')]);
    expect(feedInChunks(w3cProcessor.open({ zone: plus2, options: {}, source: 't' }), iis, 64).at(-1)!.time).toBe(us('2026-11-25T09:15:00Z'));
  });

  it('makes a data line before any #Fields: malformed, with its line, and notes ragged lines', () => {
    const stream = w3cProcessor.open({ zone: UTC, options: {}, source: 't' });
    const records = feedInChunks(stream, Buffer.from('#Version: 1.0\n10:00:00 GET /x\n#Fields: time cs-uri\n10:00:01 /y extra\n'), 4);
    expect(records.map((r) => [r.line, r.malformed, r.message])).toEqual([[2, true, 'w3c: no #Fields: directive before this line'], [4, false, '/y']]);
    expect(records[1].fields).toMatchObject({ 'cs-uri': '/y', col3: 'extra' });
    expect(stream.notes!().join('\n')).toContain('1 line has a different number of values than #Fields: names (first: line 4)');
  });

  it('splits values at blanks, keeping quoted values whole', () => {
    expect(splitValues('a  b\t"c d" "e ""f"" g" -')).toEqual(['a', 'b', 'c d', 'e "f" g', '-']);
    expect(splitValues('"unterminated x')).toEqual(['unterminated x']);
  });

  it('detects W3C by its first directive, not .log', () => {
    expect(w3cProcessor.detect!(fixture('u_ex261125.log'))).toBe(95);
    expect(w3cProcessor.detect!(Buffer.from('\uFEFF#Version: 1.0\n#Date: 12-Jan-1996 00:00:00\n#Fields: time cs-uri\n'))).toBe(95);
    expect(w3cProcessor.detect!(Buffer.from('# a comment\n#Fields: time\n'))).toBe(0);
    expect(w3cProcessor.detect!(Buffer.from('2026-11-25 00:00:01 GET / 200\n'))).toBe(0);
  });
});

describe('zeek processor', () => {
  it('reads a conn log: directives are not records, epoch ts to the microsecond, unset and empty values', () => {
    const records = chunkInvariant(zeekProcessor, fixture('conn.log'));
    expect(records.map((r) => [r.line, r.time, r.severity, r.message])).toEqual([
      [9, 1795564800_000012, Severity.Unknown, 'tcp 10.0.0.5:51234 -> 93.184.216.34:443 ssl SF'],
      [10, 1795564801_532000, Severity.Unknown, 'udp 10.0.0.5:53124 -> 10.0.0.2:53 dns SF'],
      [11, 1795564803_900000, Severity.Unknown, 'tcp 10.0.0.9:49822 -> 198.51.100.7:22 S0'],
      [12, 1795564810_250001, Severity.Unknown, 'tcp 10.0.0.5:51240 -> 93.184.216.34:80 http SF'],
    ]);
    const f = records[2].fields;
    expect(f.service).toBeUndefined(); // `-`: unset
    expect(f.duration).toBeUndefined();
    expect(f.tunnel_parents).toBe(''); // `(empty)`
    expect(f.ts).toBeUndefined(); // it is the time
    expect(f).toMatchObject({ uid: 'CtPZjS20MLrsMUOJi2', conn_state: 'S0', history: 'S', orig_pkts: '1' });
  });

  it('reads an http log: status_code by the HTTP rule, a request without a response is info', () => {
    const records = chunkInvariant(zeekProcessor, fixture('http.log'));
    expect(records.map((r) => [r.severity, r.severityText, r.message])).toEqual([
      [Severity.Info, '200', 'GET example.com/ 200'],
      [Severity.Warn, '404', 'GET example.com/missing 404'],
      [Severity.Error, '502', 'POST example.com/api/v1/login 502'],
      [Severity.Info, '', 'GET example.com/slow'],
    ]);
    expect(records[2].fields.user_agent).toBe('Mozilla/5.0 (X11; Linux x86_64)');
  });

  it('follows a second header in the same file (concatenated logs)', () => {
    const two = Buffer.concat([fixture('conn.log'), fixture('http.log')]);
    const records = chunkInvariant(zeekProcessor, two);
    expect(records.length).toBe(8);
    expect(records[4]).toMatchObject({ line: 13 + 9, severity: Severity.Info, message: 'GET example.com/ 200' });
  });

  it('reads epoch seconds exactly, and detects by #separator', () => {
    expect(epochMicros('1320279566.452687')).toBe(1320279566452687);
    expect(epochMicros('1320279566')).toBe(1320279566000000);
    expect(epochMicros('1320279566.4526879')).toBe(1320279566452687);
    expect(epochMicros('-')).toBeNull();
    expect(zeekProcessor.detect!(fixture('http.log'))).toBe(95);
    expect(zeekProcessor.detect!(Buffer.from('#fields\tts\n'))).toBe(0);
  });
});

describe('columnar routing facts', () => {
  it('the HTTP rule: 5xx error, 4xx warn, other statuses and none info, anything else unknown', () => {
    expect(['500', '599', '404', '200', '304', '101', undefined, '-', 'abc', '600'].map(statusSeverity)).toEqual([
      Severity.Error, Severity.Error, Severity.Warn, Severity.Info, Severity.Info, Severity.Info, Severity.Info, Severity.Info, Severity.Unknown, Severity.Unknown,
    ]);
  });

  it('w3c and zeek are built in and have no resync: their files are never split into byte ranges', () => {
    expect(BUILTINS.map((p) => p.name)).toEqual(expect.arrayContaining(['w3c', 'zeek']));
    expect(w3cProcessor.resync).toBeUndefined();
    expect(zeekProcessor.resync).toBeUndefined();
  });
});

/**
 * The text processor on the line shapes real loggers write: where the stamp
 * is (text-time.ts), where the level is (text-level.ts), `key=value`
 * fields (text-fields.ts). The files under test/fixtures/text/ were written
 * by the real programs (see its README.md); the inline lines are shapes
 * written here after each format's documentation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textProcessor } from '../../app/processors/text.js';
import { findSeverity } from '../../app/processors/text-level.js';
import type { LogRecord } from '../../contract/processor.js';
import { severityName } from '../../contract/severity.js';
import { parseZone, UTC } from '../../contract/timestamps.js';
import { feedInChunks } from '../helpers/feed.js';
import { REPO } from '../helpers/paths.js';

const parse = (text: string, chunk = 1 << 20, zone = UTC) => feedInChunks(textProcessor.open({ zone, options: {}, source: 'test' }), Buffer.from(text), chunk);
const fixture = (name: string) => readFileSync(path.join(REPO, 'test/fixtures/text', name), 'utf8');
const iso = (r: LogRecord) => (r.time === null ? null : new Date(r.time / 1000).toISOString().replace('Z', '') + String(r.time % 1000).padStart(3, '0') + 'Z');
const levels = (records: LogRecord[]) => records.map((r) => severityName(r.severity));
const counts = (records: LogRecord[]) => {
  const c: Record<string, number> = {};
  for (const r of records) c[severityName(r.severity)] = (c[severityName(r.severity)] ?? 0) + 1;
  return c;
};

/** Same records whatever the chunk size (a record held open is read again with the next chunk). */
function parseInvariant(text: string, zone = UTC): LogRecord[] {
  const whole = parse(text, 1 << 20, zone);
  for (const size of [1, 2, 3, 7, 16, 61, 200]) expect(parse(text, size, zone), `chunk size ${size}`).toEqual(whole);
  return whole;
}

describe('text: logs written by real programs (test/fixtures/text)', () => {
  it('Python logging, `%(asctime)s %(levelname)s %(name)s: %(message)s`: millis, level, message, traceback attached', () => {
    const records = parseInvariant(fixture('python-default.log'));
    expect(records).toHaveLength(10);
    expect(counts(records)).toEqual({ debug: 1, info: 5, warn: 1, error: 2, fatal: 1 });
    expect(iso(records[0])).toBe('2026-11-26T00:57:11.441000Z');
    expect(iso(records[9])).toBe('2026-11-26T00:57:11.670000Z');
    expect(records[0].message).toBe('app: starting with config=/etc/app.conf workers=4');
    expect(records[0].fields).toEqual({ config: '/etc/app.conf', workers: '4' });
    expect(records[7].message.split('\n')).toHaveLength(6);
    expect(records[7].message).toMatch(/^app: division failed\nTraceback .*\nZeroDivisionError: division by zero$/s);
  });

  it('Python logging basicConfig default `LEVEL:logger:message`: levels, and the traceback stays with its record', () => {
    const records = parseInvariant(fixture('python-basic.log'));
    expect(records).toHaveLength(10);
    expect(counts(records)).toEqual({ debug: 1, info: 5, warn: 1, error: 2, fatal: 1 });
    expect(records[7].message).toMatch(/^app:division failed\nTraceback[^]*ZeroDivisionError: division by zero$/);
    expect(records.every((r) => r.time === null)).toBe(true);
  });

  it('Ruby Logger: the stamp after `I, [`, the pid, the level word, ANY as unknown', () => {
    const records = parseInvariant(fixture('ruby-logger.log'));
    // The `# Logfile created on …` header is a record of its own, timed by its stamp.
    expect(records).toHaveLength(8);
    expect(levels(records)).toEqual(['unknown', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown', 'info']);
    expect(iso(records[1])).toBe('2026-11-26T00:59:50.196343Z');
    expect(iso(records[7])).toBe('2026-11-26T00:59:50.196489Z');
    expect(records[1].fields).toEqual({ pid: '24833', host: 'db1', port: '5432' });
    expect(records[4].message).toBe("Main: request failed: bad input\nrb.rb:9:in `<main>'");
  });

  it("redis-server's log: the stamp after `pid:role`, the marks as levels (`-` verbose is info)", () => {
    const records = parseInvariant(fixture('redis.log'));
    expect(records).toHaveLength(15);
    expect(counts(records)).toEqual({ info: 5, notice: 3, warn: 7 });
    expect(iso(records[0])).toBe('2026-11-26T01:01:47.923000Z');
    expect(iso(records[14])).toBe('2026-11-26T01:01:49.782000Z');
    expect(records[3]).toMatchObject({ severityText: '*', message: 'monotonic clock: POSIX clock_gettime' });
    expect(records[3].fields.pid).toBe('377');
  });

  it('rsyslog RFC 5424 output: `<PRI>1 stamp`, severity = PRI mod 8', () => {
    const records = parseInvariant(fixture('rsyslog-5424.log'));
    expect(levels(records)).toEqual(['info', 'warn', 'error', 'notice', 'debug', 'fatal']);
    expect(records.map((r) => r.severityText)).toEqual(['<14>', '<12>', '<131>', '<29>', '<15>', '<34>']);
    expect(iso(records[0])).toBe('2026-11-26T01:02:04.705316Z');
    expect(iso(records[5])).toBe('2026-11-26T01:02:04.769109Z');
    expect(records[2].fields).toEqual({ status: '500' });
  });

  it('glog: the level letter and a year-less stamp dated by the header line', () => {
    const records = parseInvariant(fixture('glog.INFO'));
    // `Log file created at: 2026/11/26 01:07:05` and the header lines after it are one record.
    expect(records).toHaveLength(6);
    expect(records[0].message.split('\n')).toHaveLength(4);
    expect(levels(records)).toEqual(['unknown', 'info', 'info', 'warn', 'error', 'info']);
    expect(iso(records[1])).toBe('2026-11-26T01:07:05.122133Z');
    expect(iso(records[5])).toBe('2026-11-26T01:07:05.151719Z');
    expect(records[4].message).toBe('17405 main.go:14] upstream failed status=502');
  });

  it("java.util.logging's SimpleFormatter: the stamp line, then `LEVEL: message` on the next", () => {
    const records = parseInvariant(fixture('jul-simple.log'));
    expect(records.map((r) => [r.line, severityName(r.severity), r.severityText])).toEqual([
      [1, 'info', 'INFO'], [3, 'debug', 'FINE'], [5, 'warn', 'WARNING'], [7, 'error', 'SEVERE'], [15, 'debug', 'CONFIG'], [17, 'info', 'INFO'],
    ]);
    expect(iso(records[0])).toBe('2026-11-26T01:27:50.000000Z');
    expect(iso(records[5])).toBe('2026-11-26T01:27:51.000000Z');
    expect(records[0]).toMatchObject({ message: 'server started port=8080', fields: { source: 'App main', port: '8080' } });
    expect(records[3].message.split('\n')[0]).toBe('parse failed');
    expect(records[3].message).toContain('\tat App.main(App.java:15)');
  });

  it("MariaDB's error log: the space-padded hour (`2026-11-26  5:21:51`), `[Note]` as info, the banner line kept", () => {
    const records = parseInvariant(fixture('mariadb-error.log'));
    expect(records).toHaveLength(17);
    expect(counts(records)).toEqual({ info: 11, warn: 5, error: 1 });
    expect(iso(records[0])).toBe('2026-11-26T05:21:51.000000Z');
    expect(iso(records[16])).toBe('2026-11-26T05:22:04.000000Z');
    expect(records[5].message).toMatch(/^0 \[Note\] mariadbd: ready for connections\.\nVersion: '10\.11/);
    expect(records[13]).toMatchObject({ severityText: 'ERROR', message: '12 [ERROR] mariadbd: Got an error writing communication packets' });
  });

  it("MariaDB's general log: one record per entry, an entry without a stamp at the time of the one before, multi-line queries kept", () => {
    const records = parseInvariant(fixture('mariadb-general.log'));
    // The three header lines, then 26 entries.
    expect(records).toHaveLength(29);
    expect(records.slice(0, 3).every((r) => r.time === null)).toBe(true);
    expect(records.slice(3).every((r) => r.time !== null)).toBe(true);
    expect(iso(records[3])).toBe('2026-11-26T05:21:57.000000Z');
    expect(records[4]).toMatchObject({ message: 'Query\tcreate database shop', fields: { thread: '3', command: 'Query' } });
    expect(iso(records[4])).toBe('2026-11-26T05:21:57.000000Z');
    expect(records[9].message).toBe('Query\tselect *\nfrom t\nwhere id = 1');
    const late = records.find((r) => r.line === 27)!;
    expect(iso(late)).toBe('2026-11-26T05:22:00.000000Z');
    expect(iso(records[28])).toBe('2026-11-26T05:22:02.000000Z');
    expect(records[28].fields).toEqual({ thread: '12', command: 'Query' });
  });

  it("MariaDB's slow query log: one record per entry, from `# Time:` or `# User@Host:`, the statement with it", () => {
    const records = parseInvariant(fixture('mariadb-slow.log'));
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 11, 17, 24, 30, 38, 44, 50, 57, 64, 71, 78]);
    expect(records.slice(3).map((r) => iso(r)!.slice(11, 19))).toEqual([
      '05:21:57', '05:21:57', '05:21:57', '05:21:57', '05:21:57', '05:21:57', '05:21:57', '05:22:00', '05:22:01', '05:22:02', '05:22:03', '05:22:02',
    ]);
    expect(records[3].message.split('\n')).toEqual([
      '# Time: 261126  5:21:57', '# User@Host: root[root] @ localhost []', '# Thread_id: 3  Schema:   QC_hit: No',
      '# Query_time: 0.000645  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0', '# Rows_affected: 1  Bytes_sent: 11',
      'SET timestamp=1795670517;', 'create database shop;',
    ]);
    expect(records[7].message.endsWith('select *\nfrom t\nwhere id = 1;')).toBe(true);
  });

  it("supervisord's log: its four-letter levels (`DEBG`, `CRIT`), a child's stderr kept with the line that logs it", () => {
    const records = parseInvariant(fixture('supervisord.log'));
    expect(records).toHaveLength(35);
    expect(counts(records)).toEqual({ debug: 16, info: 13, warn: 4, fatal: 2 });
    expect(iso(records[0])).toBe('2026-11-26T05:38:22.903000Z');
    expect(iso(records[34])).toBe('2026-11-26T05:38:30.447000Z');
    expect(records[9]).toMatchObject({ severityText: 'DEBG', message: "'crash' stderr output:\nboom" });
  });

  it("squid's access log: epoch seconds, and the HTTP status after the result code as the level", () => {
    const records = parseInvariant(fixture('squid-access.log'));
    expect(records.map((r) => [iso(r), severityName(r.severity), r.severityText])).toEqual([
      ['2026-11-26T05:42:20.941000Z', 'error', '503'],
      ['2026-11-26T05:42:20.964000Z', 'error', '503'],
      ['2026-11-26T05:42:20.992000Z', 'error', '502'],
      ['2026-11-26T05:42:21.048000Z', 'info', '200'],
      ['2026-11-26T05:42:21.078000Z', 'warn', '404'],
    ]);
  });

  it('journalctl -o short-iso: `Error: ` after the tag is a level, a kernel subsystem named `… Trace:` mid-sentence is not', () => {
    const records = parseInvariant(fixture('journalctl-short-iso.log'));
    expect(records).toHaveLength(12);
    expect(records.map((r) => severityName(r.severity))).toEqual([
      'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'error', 'warn',
    ]);
    expect(iso(records[11])).toBe('2026-11-26T05:47:37.000000Z');
  });

  it('PostgreSQL without a log_line_prefix: one record per message line, the statement continued under it; a date in prose is no stamp', () => {
    const records = parseInvariant(fixture('postgres-noprefix.log'));
    expect(records).toHaveLength(30);
    expect(counts(records)).toEqual({ info: 24, warn: 1, error: 5 });
    expect(records.every((r) => r.time === null)).toBe(true);
    expect(records[3].message).toBe('database system was shut down at 2026-11-26 05:23:42 UTC');
    expect(records[16]).toMatchObject({ severityText: 'STATEMENT', message: "SELECT\n\t  id\n\tFROM t\n\tWHERE id = 'x';" });
  });

  it('dmesg -r: `<PRI>` before the seconds since boot gives each kernel line its level', () => {
    const records = parseInvariant(fixture('dmesg-r.log'));
    expect(records.map((r) => r.severityText)).toEqual(['<5>', '<4>', '<4>', '<6>', '<6>', '<7>', '<7>', '<5>']);
    expect(counts(records)).toEqual({ debug: 2, info: 2, notice: 2, warn: 2 });
    expect(records.every((r) => r.time === null)).toBe(true);
    expect(records[2].message).toBe("[    0.000000] [Firmware Bug]: TSC doesn't count with P0 frequency!");
  });

  it("haproxy's HTTP log on stdout (raw): the status as the level, and its stderr `[WARNING]  (pid) : ` lines as records of their own", () => {
    const records = parseInvariant(fixture('haproxy-raw.log'));
    expect(records.map((r) => [r.line, severityName(r.severity), r.severityText])).toEqual([
      [1, 'info', '200'], [2, 'error', '503'], [3, 'warn', '403'], [4, 'error', '502'], [5, 'error', '503'], [6, 'info', '200'],
      [7, 'warn', 'WARNING'], [9, 'warn', 'WARNING'], [11, 'warn', 'WARNING'],
    ]);
    expect(iso(records[0])).toBe('2026-11-26T05:22:40.866000Z');
    expect(iso(records[5])).toBe('2026-11-26T05:22:46.950000Z');
    expect(records[5].message.includes('\n')).toBe(false);
    // The stop event as stdout wrote it (untimed, unmarked) stays with stderr's copy.
    expect(records[6]).toMatchObject({ time: null, message: 'Proxy fe stopped (cumulated conns: FE: 6, BE: 0).\nProxy fe stopped (cumulated conns: FE: 6, BE: 0).', fields: { pid: '13723' } });
  });

  it("haproxy's `short` format: `<PRI>` levels, the request's time a column in, untimed events their own records", () => {
    const records = parseInvariant(fixture('haproxy-short.log'));
    expect(records).toHaveLength(12);
    expect(records.map((r) => r.severityText)).toEqual(['<6>', '<6>', '<6>', '<6>', '<6>', '<6>', 'WARNING', '<4>', 'WARNING', '<4>', 'WARNING', '<4>']);
    expect(counts(records)).toEqual({ info: 6, warn: 6 });
    expect(records.slice(0, 6).every((r) => r.time !== null)).toBe(true);
    expect(iso(records[5])).toBe('2026-11-26T05:23:09.646000Z');
    expect(records[7]).toMatchObject({ time: null, message: 'Proxy fe stopped (cumulated conns: FE: 6, BE: 0).' });
  });

  it('strace -tt, -f -tt and -ttt: time of day (dated today), after a pid, epoch seconds', () => {
    const tt = parseInvariant(fixture('strace-tt.log'));
    expect(tt).toHaveLength(8);
    expect(tt.every((r) => r.time !== null)).toBe(true);
    expect(iso(tt[0])!.slice(11)).toBe('00:57:27.571357Z');
    expect(iso(tt[7])!.slice(11)).toBe('00:57:27.582497Z');
    const f = parseInvariant(fixture('strace-f-tt.log'));
    expect(f).toHaveLength(15);
    expect(f[14]).toMatchObject({ message: '+++ exited with 0 +++', fields: { pid: '16762' } });
    expect(iso(f[14])!.slice(11)).toBe('00:57:27.753749Z');
    const ttt = parseInvariant(fixture('strace-ttt.log'));
    expect(iso(ttt[0])).toBe('2026-11-26T00:57:27.796328Z');
    expect(ttt[0].message.startsWith('execve("/usr/bin/true"')).toBe(true);
  });
});

describe('text: stamps after a prefix, year-less and date-less', () => {
  it('reads each shape once, chunk-boundary invariant', () => {
    const lines = [
      '2026-03-01 10:00:00,001 INFO first: dates the year-less stamps below',
      'E0302 11:00:00.123456 4242 main.cc:10] glog error',
      '03-02 11:00:01.500  1000  2000  2001 W Tag: logcat threadtime',
      '03-02 11:00:02.000 D/Tag( 2000): logcat brief',
      'Mar-02 11:00:03.000 [main] DEBUG nextflow.cli.Launcher - run',
      '20260302 11:00:04.250 - INFO - robot framework',
      'W [02/Mar/2026:11:00:05 +0100] cups warning',
      '[ INFO 2026-03-02 11:00:06 main] katello',
      'MainThread::ERROR::2026-03-02 11:00:07,100::vdsm::74::vds::(run) vdsm',
      '(sqlalchemy.pool.QueuePool): 2026-03-02 11:00:08,355 DEBUG openstack with a logger prefix',
      'amLog:03/02/2026 01:00:09:515 PM UTC: openam',
      '<134>Mar  2 11:00:10 host app[1]: bsd syslog with a PRI',
      '@400000006a0000000000000000000000 not tai64n: too long',
      '@4000000069a56dc61dcd6500 tai64n',
      '1772449212.500 squid epoch',
      '2026-03-02T11:00:13 PM UTC [42]DEBUG:vmware:am/pm',
      '',
    ].join('\n');
    const records = parseInvariant(lines);
    expect(records.map((r) => [iso(r), severityName(r.severity)])).toEqual([
      ['2026-03-01T10:00:00.001000Z', 'info'],
      ['2026-03-02T11:00:00.123456Z', 'error'],
      ['2026-03-02T11:00:01.500000Z', 'warn'],
      ['2026-03-02T11:00:02.000000Z', 'debug'],
      ['2026-03-02T11:00:03.000000Z', 'debug'],
      ['2026-03-02T11:00:04.250000Z', 'info'],
      ['2026-03-02T10:00:05.000000Z', 'warn'],
      ['2026-03-02T11:00:06.000000Z', 'info'],
      ['2026-03-02T11:00:07.100000Z', 'error'],
      ['2026-03-02T11:00:08.355000Z', 'debug'],
      ['2026-03-02T13:00:09.515000Z', 'unknown'],
      [iso(records[11]), 'info'], // syslog's own year rule (this year unless ahead), unchanged
      // A 32-digit @ line is not TAI64N: it continues the record before.
      ['2026-03-02T11:00:12.500000Z', 'unknown'],
      ['2026-03-02T11:00:12.500000Z', 'unknown'],
      ['2026-03-02T23:00:13.000000Z', 'debug'],
    ]);
    expect(records[11].message.endsWith('not tai64n: too long')).toBe(true);
    expect(records[8].fields.thread).toBe('MainThread');
    expect(records[9].fields.logger).toBe('sqlalchemy.pool.QueuePool');
  });

  it("log4j's and logback's default layouts: ISO8601 with a comma, and the consoles' time of day", () => {
    const records = parseInvariant([
      '2026-11-25 20:43:13,459 [main] INFO  com.example.App - started',
      '20:43:14.001 [main] ERROR com.example.App - failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.App.main(App.java:9)',
      '20:43:14.002 [worker-1] WARN  c.e.Pool - slow',
      '',
    ].join('\n'));
    expect(records.map((r) => [iso(r), severityName(r.severity), r.message.split('\n').length])).toEqual([
      ['2026-11-25T20:43:13.459000Z', 'info', 1],
      ['2026-11-25T20:43:14.001000Z', 'error', 3],
      ['2026-11-25T20:43:14.002000Z', 'warn', 1],
    ]);
    expect(records[0].message).toBe('[main] INFO  com.example.App - started');
  });

  it('dates a time of day by the record before it, and the next day past midnight', () => {
    const records = parseInvariant('2026-05-01 23:59:58 INFO dated\n23:59:59.100 a\n00:00:00.200 b\n');
    expect(records.map(iso)).toEqual(['2026-05-01T23:59:58.000000Z', '2026-05-01T23:59:59.100000Z', '2026-05-02T00:00:00.200000Z']);
  });

  it('reads a year-less stamp in the --tz zone, with the year of the record before', () => {
    const records = parse('2025-12-31 23:00:00 INFO x\n01-01 00:30:00.000 1 2 3 I Tag: next year\n', 1 << 20, parseZone('+02:00'));
    expect(records.map(iso)).toEqual(['2025-12-31T21:00:00.000000Z', '2025-12-31T22:30:00.000000Z']);
  });

  it('without a dated record, a year-less stamp is this year (not ahead) and a time of day is today or yesterday', () => {
    const [r] = parse('E0101 00:00:01.000000 1 a.cc:1] x\n');
    expect(new Date(r.time! / 1000).getUTCFullYear()).toBe(new Date().getUTCFullYear());
    const [t] = parse('00:00:00.000001 x\n');
    expect(t.time! / 1000).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - t.time! / 1000).toBeLessThan(86_400_000);
  });

  it('finds a stamp a few columns in (ALB, S3, CUPS page_log, a banner), and keeps the whole line', () => {
    const records = parseInvariant([
      'h2 2026-02-10T22:08:42.945958Z app/lb/50dc 10.0.0.1:2817 - 0.000 200 200 "GET http://x/ HTTP/2.0"',
      'printer1 alice 401 [18/May/2026:13:21:15 -0700] 1 3 #dept 10.1.1.1',
      '========== Start of state dump at Thu Jun 2 08:00:01 UTC 2026 ==========',
      'ps auxww',
      '',
    ].join('\n'));
    expect(records.map((r) => [iso(r), r.message.split('\n').length])).toEqual([
      ['2026-02-10T22:08:42.945958Z', 1],
      ['2026-05-18T20:21:15.000000Z', 1],
      ['2026-06-02T08:00:01.000000Z', 2],
    ]);
    expect(records[0].message.startsWith('h2 2026-02-10T22:08:42.945958Z app/lb')).toBe(true);
  });

  it('never splits a record at a date inside a continuation line of a file whose stamps start the line', () => {
    const records = parseInvariant([
      '2026-02-10 10:00:00,000 ERROR job failed',
      'Caused by: java.lang.IllegalStateException: expired at 2026-02-10 09:59:59',
      'retry scheduled for 2026-02-10T10:05:00Z',
      '2026-02-10 10:00:01,000 INFO next',
      '',
    ].join('\n'));
    expect(records.map((r) => r.message.split('\n').length)).toEqual([3, 1]);
  });
});

describe('text: levels where loggers write them, never in prose', () => {
  const level = (line: string) => {
    const [r] = parse(line + '\n');
    return [severityName(r.severity), r.severityText];
  };

  it('takes the word in the slot right after the stamp, in any case', () => {
    expect(level('2026-06-02T11:58:12.193Z info vpxd[45715] [Originator@6876 sub=vpxLro] x')).toEqual(['info', 'info']);
    expect(level('2026-06-02T11:59:41.498Z warning vpxd[47756] y')).toEqual(['warn', 'warning']);
    expect(level('2026-04-24T22:09:20.856Z\terror\tinternal/queue.go:128\tExporting failed.')).toEqual(['error', 'error']);
    expect(level('2026-04-24T21:08:10.313913+00:00 err rbd  [22968]creds:ERROR:x')).toEqual(['error', 'err']);
    expect(level('2026-07-20 22:59:27,672:DEBUG:Hello, World!')).toEqual(['debug', 'DEBUG']);
    expect(level('2026-06-02T05:34:56.746Z In(14) ConfigStore[1001430703]: x')).toEqual(['info', 'In']);
    expect(level('2026-08-08T15:08:36.834Z Wa(180) vmkwarning: cpu0:263421)WARNING: x')).toEqual(['warn', 'Wa']);
  });

  it('takes words glued to punctuation, Monolog channel.LEVEL:, and RFC 5424 structured data', () => {
    expect(level('2026-04-24T21:09:29.296 25376]INFO:somemodule:Something very INFOrmative.')).toEqual(['info', 'INFO']);
    expect(level('2026-06-01T13:23:25.515 [2376]DEBUG:vmware.vherd:method = x')).toEqual(['debug', 'DEBUG']);
    expect(level('[2026-04-24 19:51:59.688][8][info][config] [src/a.cc:168] loading')).toEqual(['info', 'info']);
    expect(level('[2026-05-15 18:19:32] local.ERROR: Target class does not exist.')).toEqual(['error', 'ERROR']);
    expect(level('2026-08-27T14:22:01.888Z host NSX 4828 SWITCHING [abc@6876 comp="edge" level="INFO"] arp entry created')).toEqual(['info', 'INFO']);
    expect(level('[INFO:choose_repo] choose_repo:47 2026-06-20 17:26:10,691: Setting region')).toEqual(['info', 'INFO']);
  });

  it('takes no level from prose, lower-case words that start sentences, or class names', () => {
    expect(level('2026-01-01 10:00:00 the error was fixed')).toEqual(['unknown', '']);
    expect(level('2026-01-01 10:00:00 query took 5 ms')).toEqual(['unknown', '']);
    expect(level('2026-01-01 10:00:00 Exception in main java.lang.Error: boom')).toEqual(['unknown', '']);
    expect(level('2026-01-01 10:00:00 user:debug mode on')).toEqual(['unknown', '']);
    expect(findSeverity(' an error occurred in the warning system', true)).toBeNull();
  });
});

describe('text: AWS access logs take their level from the HTTP status', () => {
  it('ELB, ALB and S3 layouts: 5xx error, 4xx warn, else info; other lines with numbers are not read so', () => {
    const records = [
      '2026-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 503 503 0 29 "GET http://x:80/ HTTP/1.1" "curl/8" - -',
      'https 2026-08-10T23:39:43.065466Z app/my-lb/50dc6c 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 404 404 0 57 "GET https://x:443/ HTTP/1.1" "curl/8" ECDHE TLSv1.2',
      `${'7'.repeat(64)} bucket1 [06/Feb/2026:00:00:38 +0000] 192.0.2.3 ${'7'.repeat(64)} 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" -`,
      '2026-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 - - 0 29 "- - - " "-" - -',
      '2026-05-13T23:39:44Z worker 1 2 0.5 0.5 0.5 503 retries left',
    ].map((line) => parse(line + '\n')[0]);
    expect(records.map((r) => [severityName(r.severity), r.severityText])).toEqual([
      ['error', '503'], ['warn', '404'], ['info', '200'], ['unknown', ''], ['unknown', ''],
    ]);
  });
});

describe('text: uWSGI request log', () => {
  it('reads the ctime after the request prefix, the pid, and the HTTP status as the level', () => {
    const records = parse([
      '[pid: 4242|app: 0|req: 1/1] 10.0.0.7 () {38 vars in 696 bytes} [Thu Mar 12 22:49:12 2026] POST /api => generated 47 bytes in 129 msecs (HTTP/1.1 200) 9 headers in 378 bytes (1 switches on core 3)',
      '[pid: 4242|app: 0|req: 2/2] 10.0.0.7 () {34 vars in 617 bytes} [Thu Mar 12 22:49:15 2026] GET /gone => generated 9 bytes in 68 micros (HTTP/1.1 404) 2 headers in 73 bytes (1 switches on core 0)',
      '',
    ].join('\n'));
    expect(records.map((r) => [iso(r), severityName(r.severity), r.severityText, r.fields.pid])).toEqual([
      ['2026-03-12T22:49:12.000000Z', 'info', '200', '4242'],
      ['2026-03-12T22:49:15.000000Z', 'warn', '404', '4242'],
    ]);
    expect(records[1].message.startsWith('GET /gone => generated')).toBe(true);
  });
});

describe('text: key=value fields', () => {
  it('extracts the obvious pairs of the first line, quoted values unquoted, first key wins', () => {
    const [r] = parse('2026-01-01 10:00:00 INFO user=alice path="/a b" took=5ms, status=200) user=bob url=http://x/?a=1&b=2 a==b\n  more=continuation\n');
    expect(r.fields).toEqual({ user: 'alice', path: '/a b', took: '5ms', status: '200', url: 'http://x/?a=1&b=2' });
  });

  it('a line without pairs has no fields', () => {
    expect(parse('2026-01-01 10:00:00 INFO nothing = here\n')[0].fields).toEqual({});
  });
});

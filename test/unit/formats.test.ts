/**
 * The format-file engine (app/formats): reading and refusing files, the
 * timestamp formats, level mapping, multi-line records, content detection,
 * and every shipped format file loading with its own samples.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDirs, loadFile, loadFormats } from '../../app/formats/catalog.js';
import { detectScore, type CompiledFormat } from '../../app/formats/compile.js';
import { formatProcessor } from '../../app/formats/processor.js';
import { compileTimeFormat, TimeFormatError } from '../../app/formats/timefmt.js';
import { describeRejection } from '../../app/plugins/catalog.js';
import { Severity } from '../../contract/severity.js';
import { formatTime, parseZone, UTC } from '../../contract/timestamps.js';
import { tempDir } from '../helpers/cli.js';
import { feedInChunks } from '../helpers/feed.js';
import { REPO } from '../helpers/paths.js';

/** Writes a format file with `formats` as its JSON and loads it. */
function load(formats: unknown, raw?: string) {
  const file = path.join(tempDir(), 'fmt.json');
  writeFileSync(file, raw ?? JSON.stringify(formats));
  return { file, results: loadFile(file) };
}

function loaded(formats: unknown): CompiledFormat {
  const [res] = load(formats).results;
  if (!('format' in res)) throw new Error(describeRejection(res.rejection));
  return res.format;
}

function rejection(formats: unknown, raw?: string): string {
  const [res] = load(formats, raw).results;
  if (!('rejection' in res)) throw new Error('expected a rejection');
  return describeRejection(res.rejection).replace(/"[^"]*fmt\.json"/g, '"fmt.json"');
}

const APP = {
  app: {
    title: 'test app log',
    regex: { std: { pattern: '^(?<timestamp>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) (?<level>\\w+) \\[(?<thread>[^\\]]+)\\] (?<body>.*)$' } },
    'timestamp-format': ['%Y-%m-%d %H:%M:%S.%L'],
    level: { error: 'ERR|ERROR', warning: '^W', info: 'INF' },
    value: { thread: { kind: 'string' } },
    sample: [{ line: '2026-11-25 10:00:00.123 ERR [main] boom', level: 'error' }],
  },
};

function parse(cf: CompiledFormat, text: string, chunk = 1 << 20, zone = UTC) {
  return feedInChunks(formatProcessor(cf).open({ zone, options: {}, source: 'test' }), Buffer.from(text), chunk);
}

describe('format files: typed values', () => {
  it('gives integer, float and boolean values their type, and keeps a value that does not read as its kind as text', () => {
    const cf = loaded({ app: {
      ...APP.app,
      regex: { std: { pattern: '^(?<timestamp>\\S+ \\S+) (?<level>\\w+) \\[(?<thread>[^\\]]+)\\] status=(?<status>\\S+) took=(?<took>\\S+) cached=(?<cached>\\S+) (?<body>.*)$' } },
      value: { thread: { kind: 'string' }, status: { kind: 'integer' }, took: { kind: 'float' }, cached: { kind: 'boolean' } },
      sample: [{ line: '2026-11-25 10:00:00.123 ERR [main] status=500 took=0.25 cached=false boom', level: 'error' }],
    } });
    const records = parse(cf, '2026-11-25 10:00:00.123 ERR [7] status=500 took=0.25 cached=TRUE boom\n2026-11-25 10:00:01.000 INF [main] status=- took=1e3 cached=no ok\n');
    expect(records.map((r) => r.fields)).toEqual([
      { level: 'ERR', thread: '7', status: 500, took: 0.25, cached: true },
      { level: 'INF', thread: 'main', status: '-', took: 1000, cached: 'no' },
    ]);
  });
});

describe('format files: loading', () => {
  it('reads a format in lnav\'s schema', () => {
    const cf = loaded(APP);
    expect(cf.def).toMatchObject({ name: 'app', title: 'test app log', multiline: true, timestampField: 'timestamp', levelField: 'level', bodyField: 'body' });
    expect(cf.def.values.thread.kind).toBe('string');
  });

  it('rejects a regex JavaScript cannot compile, naming the pattern and the reason', () => {
    expect(rejection({ app: { ...APP.app, regex: { std: { pattern: '^(?<timestamp>\\d+' } } } })).toBe(
      'format "app" ("fmt.json") has an invalid regex "std"\n'
      + 'DETAIL: Invalid regular expression: /^(?<timestamp>\\d+/: Unterminated group\n'
      + 'HINT: Patterns are JavaScript regular expressions with named captures, (?<timestamp>...); PCRE-only syntax (possessive quantifiers, atomic groups, \\K) has to be rewritten.');
  });

  it('rejects a format whose sample does not parse, with the sample and how far the pattern got', () => {
    const msg = rejection({ app: { ...APP.app, sample: [APP.app.sample[0], { line: '2026-11-25 10:00:01.000 INFO main no brackets' }] } });
    expect(msg).toBe('format "app" ("fmt.json") failed its sample check: sample 2 does not parse\n'
      + 'DETAIL: sample: 2026-11-25 10:00:01.000 INFO main no brackets\n'
      + '        reason: no pattern matches ("std" matches up to character 29 ("2026-11-25 10:00:01.000 INFO "), then expects \\[(?<thread>[^\\]]+)\\] (?<body>.*)$)\n'
      + 'HINT: Every "sample" must parse with the format\'s own patterns: fix the pattern or the sample (`logmill formats` checks again).');
  });

  it('rejects a sample whose stamp misses the timestamp-format, or whose level is not the one the sample states', () => {
    expect(rejection({ app: { ...APP.app, 'timestamp-format': ['%d/%m/%Y %H:%M:%S.%L'] } }))
      .toContain('reason: timestamp "2026-11-25 10:00:00.123" does not match its timestamp-format (%d/%m/%Y %H:%M:%S.%L)');
    expect(rejection({ app: { ...APP.app, sample: [{ line: '2026-11-25 10:00:00.123 INF [main] ok', level: 'warning' }] } }))
      .toContain('reason: its level is info (from "INF"), the sample says warning');
    expect(rejection({ app: { ...APP.app, value: { thread: { kind: 'integer' } } } }))
      .toContain('reason: value "thread" is "main", not an integer');
  });

  it('rejects what it cannot honour and what it does not know, by name', () => {
    expect(rejection({ app: { ...APP.app, json: true } })).toContain('format "app" ("fmt.json") uses "json", which logmill does not support\nDETAIL: JSON-lines formats');
    expect(rejection({ app: { ...APP.app, 'levle-field': 'x' } })).toContain('has an unknown key "levle-field"');
    expect(rejection({ app: { ...APP.app, sample: [] } })).toContain('has no "sample" lines');
    expect(rejection({ app: { ...APP.app, 'timestamp-format': ['%H:%M:%S'] } })).toContain('has an invalid timestamp-format "%H:%M:%S"\nDETAIL: the format has no date');
    expect(rejection({ 'Bad Name': APP.app })).toContain('format "Bad Name" ("fmt.json") has an invalid name');
    expect(rejection(null, '{ "app": { "regex": }')).toMatch(/^format file "fmt.json" is not valid JSON\nDETAIL: Unexpected token '}'/);
  });

  it('keeps lnav\'s display-only keys as ignored, not refused', () => {
    expect(loaded({ app: { ...APP.app, highlights: {}, 'opid-field': 'thread' } }).def.ignored).toEqual(['highlights', 'opid-field']);
  });

  it('gives a name to one format only: built-ins and plugins first, then the first file', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(APP));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ app: APP.app, text: APP.app }));
    const cat = loadFormats([dir], new Set(['text', 'json']));
    expect(cat.formats.map((f) => path.basename(f.def.file))).toEqual(['a.json']);
    expect(cat.rejected.map((r) => r.headline.replaceAll(dir + '/', ''))).toEqual([
      'format "app" ("b.json") not loaded: name "app" is already taken by the format in "a.json"',
      'format "text" ("b.json") not loaded: name "text" is already taken by a built-in processor or a plugin',
    ]);
  });

  it('finds format directories as it finds plugin directories', () => {
    expect(formatDirs('x')).toEqual([path.resolve('x')]);
    expect(formatDirs(undefined, { LOGMILL_FORMATS: '/a:/b' })).toEqual(['/a', '/b']);
    const dirs = formatDirs(undefined, { XDG_CONFIG_HOME: '/cfg' });
    // The first is `plugins/formats` beside the installed logmill (dist/app/formats/catalog.js → plugins/formats).
    expect(dirs[0]).toMatch(/\/plugins\/formats$/);
    expect(dirs[1]).toBe('/cfg/logmill/formats');
  });
});

describe('format files: timestamp formats', () => {
  const at = (format: string, text: string, zone = UTC, ref = Date.parse('2026-11-25T12:00:00Z')) => {
    const us = compileTimeFormat(format)(text, zone, ref);
    return us === null ? null : formatTime(us);
  };

  it('reads lnav\'s directives', () => {
    expect(at('%Y-%m-%d %H:%M:%S.%L', '2026-11-25 10:00:00.123')).toBe('2026-11-25T10:00:00.123000Z');
    expect(at('%Y-%m-%dT%H:%M:%S.%f%z', '2016-08-10T22:08:42.945958Z')).toBe('2016-08-10T22:08:42.945958Z');
    expect(at('%d/%b/%Y:%H:%M:%S %z', '10/Feb/2012:16:42:07 -0500')).toBe('2012-02-10T21:42:07.000000Z');
    expect(at('%a %b %e %H:%M:%S %Y', 'Sun Mar  6 22:49:12 2016')).toBe('2016-03-06T22:49:12.000000Z');
    expect(at('%m/%d/%Y %I:%M:%S:%L %p %Z', '06/09/2014 04:08:22:515 PM UTC')).toBe('2014-06-09T16:08:22.515000Z');
    expect(at('%m/%d/%Y %I:%M:%S:%L %p %Z', '06/09/2014 12:08:22:515 AM PDT')).toBe('2014-06-09T07:08:22.515000Z');
    expect(at('%s', '1700000000.25')).toBe('2023-11-14T22:13:20.250000Z');
    expect(at('%F %T', '2026-11-25 10:00:00')).toBe('2026-11-25T10:00:00.000000Z');
  });

  it('uses --tz for stamps without a zone, and the syslog year rule without a year', () => {
    expect(at('%Y-%m-%d %H:%M:%S', '2026-07-01 12:00:00', parseZone('Europe/Berlin'))).toBe('2026-07-01T10:00:00.000000Z');
    expect(at('%b %d %H:%M:%S', 'Nov 20 08:00:00')).toBe('2026-11-20T08:00:00.000000Z');
    expect(at('%b %d %H:%M:%S', 'Dec 20 08:00:00')).toBe('2025-12-20T08:00:00.000000Z');
  });

  it('does not match text that is not the whole stamp, and refuses directives it does not know', () => {
    expect(at('%Y-%m-%d %H:%M:%S', '2026-11-25 10:00:00 extra')).toBeNull();
    expect(at('%Y-%m-%d %H:%M:%S', '2026-02-30 10:00:00')).toBeNull();
    expect(() => compileTimeFormat('%Y-%m-%d %Q')).toThrow(TimeFormatError);
    expect(() => compileTimeFormat('%Y-%m-%d %H:%M:%S %')).toThrow('ends with a lone %');
  });
});

describe('format files: records', () => {
  it('maps levels lowest first, then falls back to logmill\'s own table', () => {
    const cf = loaded(APP);
    const records = parse(cf, ['2026-11-25 10:00:00.000 ERR [a] x', '2026-11-25 10:00:01.000 WERR [a] y',
      '2026-11-25 10:00:02.000 INF [a] z', '2026-11-25 10:00:03.000 notice [a] n', '2026-11-25 10:00:04.000 chatter [a] c', ''].join('\n'));
    expect(records.map((r) => [r.severity, r.severityText])).toEqual([
      [Severity.Error, 'ERR'], [Severity.Warn, 'WERR'], [Severity.Info, 'INF'], [Severity.Notice, 'notice'], [Severity.Unknown, 'chatter'],
    ]);
    const numeric = loaded({ n: { regex: { s: { pattern: '^(?<level>\\d+) (?<body>.*)$' } }, level: { info: 30, error: 50 }, sample: [{ line: '50 x', level: 'error' }] } });
    expect(parse(numeric, '30 a\n50 b\n').map((r) => r.severity)).toEqual([Severity.Info, Severity.Error]);
  });

  it('attaches unmatched lines to the record before them, keeps a banner as its own record, same in any chunks', () => {
    const cf = loaded(APP);
    const log = ['started by cron', '2026-11-25 10:00:00.000 ERROR [main] request failed', 'java.lang.IllegalStateException: x',
      '\tat A.b(A.java:1)', '', '2026-11-25 10:00:01.500 INFO [w-1] ok', ''].join('\n');
    const whole = parse(cf, log);
    expect(whole.map((r) => ({ line: r.line, time: r.time === null ? null : formatTime(r.time), sev: r.severity, msg: r.message, fields: { ...r.fields }, malformed: r.malformed }))).toEqual([
      { line: 1, time: null, sev: Severity.Unknown, msg: 'started by cron', fields: {}, malformed: false },
      { line: 2, time: '2026-11-25T10:00:00.000000Z', sev: Severity.Error, msg: 'request failed\njava.lang.IllegalStateException: x\n\tat A.b(A.java:1)', fields: { level: 'ERROR', thread: 'main' }, malformed: false },
      { line: 6, time: '2026-11-25T10:00:01.500000Z', sev: Severity.Info, msg: 'ok', fields: { level: 'INFO', thread: 'w-1' }, malformed: false },
    ]);
    for (let size = 1; size <= log.length; size += 3) expect(parse(cf, log, size), `chunk ${size}`).toEqual(whole);
  });

  it('makes unmatched lines malformed when the format is not multiline, and a stamp that does not parse malformed', () => {
    const cf = loaded({ app: { ...APP.app, multiline: false } });
    const records = parse(cf, '2026-11-25 10:00:00.000 INFO [m] a\nnot a record\n2026-13-25 10:00:00.000 INFO [m] b\n');
    expect(records.map((r) => [r.line, r.malformed, r.message])).toEqual([
      [1, false, 'a'],
      [2, true, 'line matches no pattern of format "app" (and the format is not multiline)'],
      [3, true, 'timestamp "2026-13-25 10:00:00.000" does not match its timestamp-format (%Y-%m-%d %H:%M:%S.%L)'],
    ]);
  });

  it('resyncs a byte range at the next line a pattern matches', () => {
    const p = formatProcessor(loaded(APP));
    const data = Buffer.from('x continuation\nmore\n2026-11-25 10:00:00.000 INFO [m] a\n');
    expect(p.resync!(data)).toBe(data.indexOf('2026'));
  });
});

describe('format files: content detection', () => {
  const cf = loaded(APP);
  const line = (i: number) => `2026-11-25 10:00:0${i}.000 INFO [m] msg ${i}`;

  it('scores a file whose lines match, not one whose lines do not', () => {
    expect(detectScore(cf, Buffer.from([line(1), line(2), '  at x', ''].join('\n')))).toBe(50 + Math.round(50 * 2 / 3));
    expect(detectScore(cf, Buffer.from('{"a":1}\n{"a":2}\n'))).toBe(0);
    // A banner first: the matching lines must be the majority.
    expect(detectScore(cf, Buffer.from(['banner', line(1), line(2), line(3), ''].join('\n')))).toBe(75);
    expect(detectScore(cf, Buffer.from(['banner', 'more', 'and more', line(1), ''].join('\n')))).toBe(25);
  });

  it('leaves a format with a file-pattern to files so named', () => {
    const named = loaded({ app: { ...APP.app, 'file-pattern': '\\.app\\.log$' } });
    expect(detectScore(named, Buffer.from(line(1) + '\n'))).toBe(0);
    expect(named.fileName!.test('/var/log/x.app.log')).toBe(true);
  });
});

describe('shipped format files', () => {
  it('all load, each checked by its own samples', () => {
    const dir = path.join(REPO, 'plugins', 'formats');
    const cat = loadFormats([dir], new Set(['json', 'text', 'csv', 'xml', 'access']));
    expect(cat.rejected.map(describeRejection)).toEqual([]);
    expect(cat.formats.length).toBeGreaterThanOrEqual(5);
    for (const f of cat.formats) expect(f.def.samples.length, f.def.name).toBeGreaterThan(0);
  });
});

/**
 * One bad record, or one plugin's bad batch, costs only itself or its file:
 * regression tests for the reliability audit's record-level failures, each
 * named after the audit row it pins (contract/BATCH.md says what the host
 * checks in a batch). Every test runs the built CLI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';

type FileReport = { path: string; records: number; malformed: number; error: string | null; notes: string[] };

function filesOf(stdout: string): Record<string, FileReport> {
  return Object.fromEntries(JSON.parse(stdout).files.map((f: FileReport) => [f.path, f]));
}

/** `n` lines of `INFO line N ...`, about 30 bytes each. */
function upperLines(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `INFO line number ${String(i).padStart(7, '0')} here\n`;
  return s;
}

describe('a plugin batch that lies fails its file, naming the plugin (audit A3, A26, A7)', () => {
  it('A3 count_stale, A26 abs_offset, A7 zero_records: each file fails loudly, the others are analyzed', async () => {
    const dir = fixturePluginDir(['count_stale', 'abs_offset', 'zero_records']);
    const cwd = path.dirname(dir);
    // Several ProcessorParse calls per file (1 MiB chunks), so that abs_offset's offsets go wrong after the first.
    writeFileSync(path.join(cwd, 'a.count_stale'), 'INFO a\nWARN b\nERROR c\nINFO d\nINFO e\n');
    writeFileSync(path.join(cwd, 'b.abs_offset'), upperLines(100_000)); // 3 MB
    writeFileSync(path.join(cwd, 'c.zero_records'), 'INFO one\nWARN two\n');
    writeFileSync(path.join(cwd, 'good.log'), '2026-11-23 05:54:40 INFO ok\n');
    const inputs = ['a.count_stale', 'b.abs_offset', 'c.zero_records', 'good.log'];
    const res = await logmill(['analyze', '-o', 'json', '--plugins', 'plugins', '--chunk-size', '1MiB', ...inputs], { cwd });
    expect(res.code).toBe(1);
    const files = filesOf(res.stdout);
    expect(files['good.log']).toMatchObject({ records: 1, error: null });
    // Its last call (eof, no input) claims the 5 records of the first again (the zero-fill that
    // would catch a call with input is pinned in test/unit/batch.test.ts).
    expect(files['a.count_stale']).toMatchObject({
      records: 5,
      error: '[plugin count_stale] a.count_stale: ProcessorParse consumed 0 bytes but its batch holds 5 records (a plugin bug: called again on the same input, it would emit them again)',
    });
    expect(files['b.abs_offset'].error).toMatch(
      /^\[plugin abs_offset\] b\.abs_offset: malformed record batch: record \d+: record offset \d+ is past the \d+ bytes passed in \(offsets must be relative to this call's input\) \(a plugin bug\)$/);
    expect(files['c.zero_records']).toMatchObject({
      records: 0,
      error: '[plugin zero_records] c.zero_records: ProcessorParse consumed 0 bytes but its batch holds 2 records (a plugin bug: called again on the same input, it would emit them again)',
    });
    // Records decoded before the bad batch count; none is invented or counted twice.
    expect(files['b.abs_offset'].records).toBeLessThan(100_000);
    for (const name of ['a.count_stale', 'b.abs_offset', 'c.zero_records']) expect(res.stderr).toContain(`logmill: [plugin ${name.slice(2)}] ${name}: `);
  });

  it('A26 abs_offset split into ranges (-j 2): the file fails instead of losing records silently', async () => {
    const dir = fixturePluginDir(['abs_offset']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'big.abs_offset'), upperLines(200_000)); // 6 MB: 6 ranges of 1 MiB
    const res = await logmill(['analyze', '-o', 'json', '--plugins', 'plugins', '-j', '2', '--split-min', '1MiB', '--chunk-size', '1MiB', 'big.abs_offset'], { cwd });
    expect(res.code).toBe(1);
    expect(filesOf(res.stdout)['big.abs_offset'].error).toMatch(/^\[plugin abs_offset\] big\.abs_offset: malformed record batch: record \d+: record offset \d+ is past the \d+ bytes passed in/);
  });

  it('A3 count_stale: parse prints each record once, then fails the file', async () => {
    const dir = fixturePluginDir(['count_stale']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.count_stale'), 'INFO a\nWARN b\nERROR c\nINFO d\nINFO e\n');
    writeFileSync(path.join(cwd, 'good.log'), 'INFO ok\n');
    const res = await logmill(['parse', '--plugins', 'plugins', 'a.count_stale', 'good.log'], { cwd });
    expect(res.code).toBe(1);
    const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => r.message)).toEqual(['INFO a', 'WARN b', 'ERROR c', 'INFO d', 'INFO e', 'ok']);
    expect(res.stderr).toContain('logmill: [plugin count_stale] a.count_stale: ');
  });
});

describe('a record with more fields than a batch record can hold is malformed, not cut short (audit B16)', () => {
  it('B16 wide_fields: a C plugin whose 16-bit field count wrapped gets those records reported malformed with file:line', async () => {
    const dir = fixturePluginDir(['wide_fields']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'w.wide_fields'), 'wide one\nnarrow\nwide two\n');
    const res = await logmill(['parse', '--plugins', 'plugins', 'w.wide_fields'], { cwd });
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.message, r.fields])).toEqual([['narrow', { k: 'v' }]]);
    const why = 'record has 655360 bytes after the last of the 1 fields its field_count says (more than 65,535 fields?)';
    expect(res.stderr).toBe(`logmill: w.wide_fields:1: malformed: ${why}\nlogmill: w.wide_fields:3: malformed: ${why}\n`);
  });
});

describe('a time out of range makes its record untimed, never a crash (audit A25, B15b)', () => {
  it('B15b poison.ndjson and A25 big_time: a report for every file, the bad times counted in a note, exit 0', async () => {
    const dir = fixturePluginDir(['big_time']);
    const cwd = path.dirname(dir);
    const logs = path.join(cwd, 'logs');
    mkdirSync(logs);
    writeFileSync(path.join(logs, 'ok.ndjson'), '{"time":"2026-11-23T05:54:40Z","level":"info","msg":"ok"}\n');
    writeFileSync(path.join(logs, 'poison.ndjson'), [
      '{"time":1e25,"level":"error","msg":"far future"}',
      '{"ts":"2026-11-23T05:54:41Z","level":"info","msg":"fine"}',
      '{"time":1e300,"msg":"no level, so the flattening path"}',
      '{"time":"NaN","level":"info","msg":"not a time"}',
      '{"time":-1e25,"level":"info","msg":"not a time either"}',
    ].join('\n') + '\n');
    writeFileSync(path.join(logs, 't.big_time'), 'INFO a\nWARN b\nERROR c\nINFO d\n');
    for (const output of ['text', 'json']) {
      const res = await logmill(['analyze', '-o', output, '--plugins', 'plugins', 'logs'], { cwd });
      expect(res.stderr).not.toContain('RangeError');
      expect(res.code).toBe(0);
      if (output === 'text') {
        expect(res.stdout).toContain('note: 2 timestamps out of range (years 0001-9999), treated as untimed');
        continue;
      }
      const out = JSON.parse(res.stdout);
      const files = filesOf(res.stdout);
      expect(files['logs/poison.ndjson']).toMatchObject({ records: 5, error: null, notes: ['2 timestamps out of range (years 0001-9999), treated as untimed'] });
      expect(files['logs/t.big_time']).toMatchObject({ records: 4, error: null, notes: ['2 timestamps out of range (years 0001-9999), treated as untimed'] });
      expect(files['logs/ok.ndjson']).toMatchObject({ records: 1, error: null, notes: [] });
      expect(out.records).toBe(10);
      expect(out.timeRange).toEqual({ first: '2026-11-23T05:54:40.000000Z', last: '2026-11-23T05:54:41.000000Z', untimed: 6 });
    }
    const parsed = await logmill(['parse', '--plugins', 'plugins', 'logs'], { cwd });
    expect(parsed.code).toBe(0);
    expect(parsed.stdout.trim().split('\n').map((l) => JSON.parse(l).ts)).toEqual([
      '2026-11-23T05:54:40.000000Z',
      null, '2026-11-23T05:54:41.000000Z', null, null, null,
      null, '2026-11-23T05:54:40.208000Z', null, '2026-11-23T05:54:40.208000Z',
    ]);
  });
});

describe('a JSON line nested 10,000 or 100,000 deep is one malformed record (audit B15)', () => {
  const deepFile = (cwd: string) => {
    const lines = ['{"level":"info","msg":"before"}'];
    lines.push('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)); // flattening path (no level key)
    lines.push('{"level":"info","msg":"deep","a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'); // fast path
    for (let i = 0; i < 100_000; i++) lines.push(`{"level":"info","msg":"after ${i}","n":${i}}`);
    writeFileSync(path.join(cwd, 'deep.ndjson'), lines.join('\n') + '\n');
  };

  it('B15 analyze: the 100,000 records after it count, with or without --field', async () => {
    const cwd = tempDir();
    deepFile(cwd);
    for (const extra of [[], ['--field', 'a']]) {
      const res = await logmill(['analyze', '-o', 'json', 'deep.ndjson', ...extra], { cwd });
      expect(res.code).toBe(0);
      const out = JSON.parse(res.stdout);
      expect(out.records).toBe(100_001);
      expect(out.malformed).toBe(2);
      expect(out.malformedExamples.map((e: { line: number; message: string }) => [e.line, e.message])).toEqual([
        [2, 'nested deeper than 1000 levels'],
        [3, 'nested deeper than 1000 levels'],
      ]);
    }
  });

  it('B15 parse: every other record is printed and the deep lines are named on stderr', async () => {
    const cwd = tempDir();
    deepFile(cwd);
    const res = await logmill(['parse', 'deep.ndjson'], { cwd });
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(100_001);
    expect(res.stderr).toBe('logmill: deep.ndjson:2: malformed: nested deeper than 1000 levels\nlogmill: deep.ndjson:3: malformed: nested deeper than 1000 levels\n');
  });
});

describe('fields named like Object.prototype members are ordinary fields (audit A27, B18)', () => {
  const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

  it('A27 parse keeps a __proto__ field exactly', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'ctor.ndjson'), '{"msg":"a","__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h","nested":{"__proto__":"n"}}\n');
    const res = await logmill(['parse', 'ctor.ndjson'], { cwd });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('"fields":{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h","nested.__proto__":"n"}');
  });

  it('B18 analyze --field constructor (and friends) lists the values, or says no record has the field', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'ctor.ndjson'), [
      '{"level":"info","msg":"a","__proto__":"p1","constructor":"c1","toString":"t1","hasOwnProperty":"h1"}',
      '{"level":"info","msg":"b","__proto__":"p1","constructor":"c2","toString":"t1","hasOwnProperty":"h1"}',
      '{"msg":"no level: the flattening path","constructor":"c2"}',
    ].join('\n') + '\n');
    writeFileSync(path.join(cwd, 'plain.ndjson'), '{"level":"info","msg":"nothing special"}\n');
    const fields = NAMES.flatMap((n) => ['--field', n]);
    const json = await logmill(['analyze', '-o', 'json', 'ctor.ndjson', 'plain.ndjson', ...fields], { cwd });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(Object.keys(out.fields)).toEqual(NAMES);
    expect(out.fields.constructor).toEqual([{ value: 'c2', count: 2 }, { value: 'c1', count: 1 }]);
    expect(out.fields['__proto__']).toEqual([{ value: 'p1', count: 2 }]);
    expect(out.fields.toString).toEqual([{ value: 't1', count: 2 }]);
    expect(out.fields.hasOwnProperty).toEqual([{ value: 'h1', count: 2 }]);

    const text = await logmill(['analyze', 'plain.ndjson', ...fields], { cwd });
    expect(text.code).toBe(0);
    for (const n of NAMES) expect(text.stdout).toContain(`Top values of ${n}\n  (no record has this field)\n`);
  });
});

describe('no control character from a log, a file name or a plugin reaches the terminal (audit C1, C5)', () => {
  const EVIL = '\x1b]0;pwned\x07 \x1b[2J hidden\rBAD\bX \u009b31m';
  // ESC, BEL, CR, BS, and C1 controls (a JS string's U+0080-U+009F).
  const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/;

  it('C1 analyze text: messages, a field, the file name and a path argument are shown escaped; JSON keeps them exact', async () => {
    const cwd = tempDir();
    const evilName = `evil${EVIL}.log`;
    writeFileSync(path.join(cwd, evilName), [
      { time: '2026-11-23T05:54:40Z', level: 'error', msg: `${EVIL} in a message` },
      { time: '2026-11-23T05:54:41Z', level: 'info', msg: `all systems normal ${EVIL}` },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(path.join(cwd, 'app.ndjson'), JSON.stringify({ level: 'error', msg: `json ${EVIL}`, user: EVIL }) + '\n');
    const missing = `missing${EVIL}.log`;
    const text = await logmill(['analyze', '--field', 'user', '.', missing], { cwd });
    expect(text.code).toBe(1);
    expect(text.stdout).not.toMatch(CONTROL);
    expect(text.stderr).not.toMatch(CONTROL);
    expect(text.stdout).toContain('evil^[]0;pwned^G ^[[2J hidden^MBAD^HX <U+009B>31m.log');
    expect(text.stdout).toContain('Top values of user');
    expect(text.stdout).toContain('^[]0;pwned^G ^[[2J hidden^MBAD^HX <U+009B>31m');
    expect(text.stderr).toContain('logmill: missing^[]0;pwned^G');

    const json = await logmill(['analyze', '-o', 'json', '--field', 'user', '.'], { cwd });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.files.map((f: FileReport) => f.path).sort()).toEqual(['app.ndjson', evilName]);
    expect(out.fields.user).toEqual([{ value: EVIL, count: 1 }]);
    expect(out.errors.map((e: { message: string }) => e.message).sort()).toEqual([`${EVIL} in a message`, `json ${EVIL}`]);
  });

  it('C1 parse: NDJSON keeps the exact strings, stderr shows them escaped', async () => {
    const cwd = tempDir();
    // JSON.parse quotes the start of a bad line in its message: the malformed reason carries the log's bytes.
    writeFileSync(path.join(cwd, 'app.ndjson'), JSON.stringify({ level: 'error', msg: EVIL, user: EVIL }) + `\nx${EVIL}\n`);
    const res = await logmill(['parse', 'app.ndjson'], { cwd });
    expect(res.code).toBe(0);
    const [record] = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(record).toMatchObject({ message: EVIL, fields: { user: EVIL } });
    expect(res.stderr).toContain('logmill: app.ndjson:2: malformed: invalid JSON: Unexpected token \'x\', "x^[]0;pwned"... is not valid JSON\n');
    expect(res.stderr).not.toMatch(CONTROL);
  });

  it('C1 usage errors: a typed value quoted back (an unknown --format) is shown escaped', async () => {
    const res = await logmill(['analyze', '--format', 'x\x1b]0;pwned\x07\x1b[2J', 'a.log'], { cwd: tempDir() });
    expect(res.code).toBe(2);
    expect(res.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(res.stderr).toContain('unknown format "x^[]0;pwned^G^[[2J"');
  });

  it('C5 parse -o csv: a cell that a spreadsheet would run as a formula starts with a quote', async () => {
    const cwd = tempDir();
    const messages = ['=HYPERLINK("http://evil.example","click")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)', '\t=1+1', '\r=1+1', 'plain = fine', "'quoted already"];
    writeFileSync(path.join(cwd, 'formula.ndjson'), messages.map((msg) => JSON.stringify({ level: '=1+1', msg })).join('\n') + '\n');
    const res = await logmill(['parse', '-o', 'csv', 'formula.ndjson'], { cwd });
    expect(res.code).toBe(0);
    const rows = parseCsv(res.stdout);
    expect(rows[0]).toEqual(['ts', 'severity', 'severity_text', 'message', 'fields', 'file', 'line']);
    expect(rows.slice(1).map((r) => r[3])).toEqual([
      '\'=HYPERLINK("http://evil.example","click")', '\'+cmd|\' /C calc\'!A0', "'-2+3", "'@SUM(1+1)", "'\t=1+1", "'\r=1+1", 'plain = fine', "'quoted already",
    ]);
    expect(rows.slice(1).map((r) => r[2])).toEqual(messages.map(() => "'=1+1"));
  });
});

/** RFC 4180: rows of cells, quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  return rows;
}

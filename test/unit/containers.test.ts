/**
 * Container logs (issue 8, left out when it closed): kubelet's CRI log
 * format (containerd, CRI-O) read as its own shape, and Docker json-file;
 * a line the runtime cut into 16 KiB parts is one record again, joined per
 * stream (a stderr line may sit between a stdout line's parts); a line
 * without its last part is kept; the container's line is read as a plain
 * line would be. Fixtures are written by test/helpers/container-logs.ts as
 * the runtimes write them.
 */
import { describe, expect, it } from 'vitest';
import { criProcessor } from '../../app/processors/cri.js';
import { jsonProcessor, jsonSplittable } from '../../app/processors/json.js';
import { PartialLines } from '../../app/processors/partials.js';
import { BUILTINS } from '../../app/processors/registry.js';
import type { LogRecord, Processor } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { formatTime, UTC } from '../../contract/timestamps.js';
import { type ContainerWrite, criLog, dockerJsonLog, RUNTIME_LINE_MAX } from '../helpers/container-logs.js';
import { feedInChunks } from '../helpers/feed.js';

const S = Severity;
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const ts = (r: LogRecord) => (r.time === null ? null : formatTime(r.time));

function parseWith(p: Processor, data: Buffer, chunk = 1 << 20): { records: LogRecord[]; notes: string[] } {
  const stream = p.open({ zone: UTC, options: {}, source: 'test' });
  const records = feedInChunks(stream, data, chunk);
  return { records, notes: stream.notes?.() ?? [] };
}

/** The same records whatever the chunking (a part, a joined line, straddling any chunk boundary). */
function chunkInvariant(p: Processor, data: Buffer, sizes = [7, 333, 4096, 20_000]) {
  const whole = parseWith(p, data);
  for (const size of sizes) expect(parseWith(p, data, size), `chunk size ${size}`).toEqual(whole);
  return whole;
}

/** A klog line (Kubernetes components) of 40,000 bytes: three parts for a runtime. */
const KLOG = 'E1125 10:00:00.250000       1 big.go:12] payload=';
const LONG = KLOG + 'x'.repeat(40_000 - KLOG.length);
/** A JSON line of 20,000 bytes: two parts. */
const LONG_JSON = JSON.stringify({ level: 'warn', ts: '2026-11-25T09:59:59Z', msg: 'big object', blob: 'y'.repeat(20_000) });

const writes: ContainerWrite[] = [
  { stream: 'stdout', text: 'plain start, no level here', ms: T0 },
  { stream: 'stdout', text: LONG, ms: T0 + 1000 },
  { stream: 'stdout', text: '{"level":"error","ts":"2026-11-25T10:00:02.5Z","msg":"db down","retries":3}', ms: T0 + 3000 },
  { stream: 'stderr', text: 'time=2026-11-25T10:00:04Z level=warn msg="slow query" ms=900', ms: T0 + 4000 },
  { stream: 'stdout', text: '2026-11-25 10:00:05.123 info starting worker id=7', ms: T0 + 5000 },
  { stream: 'stdout', text: LONG_JSON, ms: T0 + 6000 },
];

/** Lines of a runtime's output with `extra` put after line `at` (0-based): another stream's line between a line's parts. */
function insertLines(log: Buffer, at: number, extra: Buffer): Buffer {
  const lines = log.toString('latin1').split('\n');
  const tail = lines.pop();
  lines.splice(at + 1, 0, ...extra.toString('latin1').replace(/\n$/, '').split('\n'));
  return Buffer.from(lines.join('\n') + '\n' + tail, 'latin1');
}

const interleaved: ContainerWrite[] = [
  { stream: 'stderr', text: 'WARN between the parts', ms: T0 + 1500 },
  { stream: 'stderr', text: 'ERROR still between', ms: T0 + 1600 },
];

/** What both runtimes' files must read as: [line, time, severity, message (long ones by length), fields]. */
const expected = (stderrLines: [number, number]) => [
  [1, '2026-11-25T10:00:00.000000Z', S.Unknown, 'plain start, no level here', { stream: 'stdout' }],
  [stderrLines[0], '2026-11-25T10:00:01.500000Z', S.Warn, 'WARN between the parts', { stream: 'stderr' }],
  [stderrLines[1], '2026-11-25T10:00:01.600000Z', S.Error, 'ERROR still between', { stream: 'stderr' }],
  // klog's `E` letter, the first part's time, the whole 40,000 bytes once, its `payload=` pair a field.
  [2, '2026-11-25T10:00:01.000000Z', S.Error, 40_000, { stream: 'stdout', payload: 40_000 - KLOG.length }],
  // A JSON line is its object: its time, level, message and fields.
  [7, '2026-11-25T10:00:02.500000Z', S.Error, 'db down', { stream: 'stdout', retries: 3 }],
  // A logfmt line likewise.
  [8, '2026-11-25T10:00:04.000000Z', S.Warn, 'slow query', { stream: 'stderr', ms: '900' }],
  // Text: the level slot after the stamp (lower case), pairs as fields, the line as written.
  [9, '2026-11-25T10:00:05.000000Z', S.Info, '2026-11-25 10:00:05.123 info starting worker id=7', { stream: 'stdout', id: '7' }],
  // A JSON line cut in two parts is parsed once joined.
  [10, '2026-11-25T09:59:59.000000Z', S.Warn, 'big object', { stream: 'stdout', blob: 20_000 }],
];

/** Long texts by their length: a failure's diff stays readable. */
const short = (v: unknown) => (typeof v === 'string' && v.length > 1000 ? v.length : v);
const view = (r: LogRecord) => [r.line, ts(r), r.severity, short(r.message), Object.fromEntries(Object.entries(r.fields).map(([k, v]) => [k, short(v)]))];

describe('CRI log format (containerd, CRI-O)', () => {
  it('joins P parts per stream into one record, stderr lines between them, and reads the container line as a plain line', () => {
    // Lines: 1 plain, 2-4 LONG's parts (P P F), then the two stderr lines go after line 3 (between P and P... of stdout).
    const log = insertLines(criLog(writes), 2, criLog(interleaved));
    const lines = log.toString('latin1').split('\n');
    expect(lines.slice(1, 6).map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['stdout P', 'stdout P', 'stderr F', 'stderr F', 'stdout F']);
    expect(lines[1].length - '2026-11-25T10:00:01Z stdout P '.length).toBe(RUNTIME_LINE_MAX);
    const { records, notes } = chunkInvariant(criProcessor, log);
    expect(records.map(view)).toEqual(expected([4, 5]));
    expect(records[3].message).toBe(LONG);
    expect(notes).toEqual([]);
  });

  it('a line whose last part never came is still a record, as written, and the file says so', () => {
    const log = criLog([
      { stream: 'stdout', text: 'first', ms: T0 },
      { stream: 'stderr', text: 'panic: half a line', end: false, ms: T0 + 1000 },
      { stream: 'stdout', text: 'z'.repeat(RUNTIME_LINE_MAX + 10), end: false, ms: T0 + 2000 },
    ]);
    const { records, notes } = chunkInvariant(criProcessor, log, [1, 5, 100]);
    expect(records.map((r) => [r.line, r.message.length > 100 ? r.message.length : r.message, r.fields.stream])).toEqual([
      [1, 'first', 'stdout'], [2, 'panic: half a line', 'stderr'], [3, RUNTIME_LINE_MAX + 10, 'stdout'],
    ]);
    expect(notes).toEqual(['2 partial lines at the end with no final part (first: line 2), kept as written']);
  });

  it('a character cut between two parts is joined whole; CRI-O offsets and tag lists are read; a line not in the shape is malformed', () => {
    const e = Buffer.from('é'); // two bytes: the part boundary falls between them
    const log = Buffer.concat([
      Buffer.from('2026-11-25T11:00:00.123456789+01:00 stdout P caf'), e.subarray(0, 1), Buffer.from('\n'),
      Buffer.from('2026-11-25T11:00:00.223456789+01:00 stdout F:x '), e.subarray(1), Buffer.from(' au lait\n'),
      Buffer.from('not a cri line\n'),
      Buffer.from('2026-11-25T10:00:01Z stderr F \n'),
    ]);
    const { records, notes } = chunkInvariant(criProcessor, log, [1, 2, 50]);
    expect(records.map((r) => [r.line, ts(r), r.message, r.malformed])).toEqual([
      [1, '2026-11-25T10:00:00.123456Z', 'café au lait', false],
      [3, null, 'cri: not a CRI log line (TIME STREAM TAG MESSAGE)', true],
      [4, '2026-11-25T10:00:01.000000Z', '', false],
    ]);
    expect(records[1].fields.raw).toBe('not a cri line');
    expect(notes).toEqual([]);
  });

  it('is routed by content, is built in, and has no resync (its files are never split into byte ranges)', () => {
    expect(criProcessor.detect!(criLog(writes))).toBe(95);
    // A file that starts with a cut line: its first line is 16 KiB long; a head that ends inside a line.
    expect(criProcessor.detect!(criLog(writes.slice(1)))).toBe(95);
    expect(criProcessor.detect!(criLog([{ stream: 'stdout', text: 'q'.repeat(100_000), ms: T0 }]).subarray(0, 65536))).toBe(95);
    expect(criProcessor.detect!(Buffer.from('2026-11-25T10:00:00Z INFO stdout F hello\n'))).toBe(0);
    expect(criProcessor.detect!(Buffer.from('{"log":"x\\n","stream":"stdout","time":"2026-11-25T10:00:00Z"}\n'))).toBe(0);
    expect(BUILTINS.map((p) => p.name)).toContain('cri');
    expect(criProcessor.resync).toBeUndefined();
  });
});

describe('Docker json-file partial lines', () => {
  it('joins entries without a newline per stream into one record with the first part\'s time, as CRI', () => {
    const log = insertLines(dockerJsonLog(writes), 2, dockerJsonLog(interleaved));
    const entries = log.toString().trim().split('\n').map((l) => JSON.parse(l) as { log: string; stream: string });
    expect(entries.slice(1, 6).map((e) => [e.stream, e.log.endsWith('\n')])).toEqual([
      ['stdout', false], ['stdout', false], ['stderr', true], ['stderr', true], ['stdout', true],
    ]);
    const { records, notes } = chunkInvariant(jsonProcessor, log);
    expect(records.map(view)).toEqual(expected([4, 5]));
    expect(notes).toEqual([]);
  });

  it('a part with no last part at the end of the file is a record, with a note', () => {
    const log = dockerJsonLog([
      { stream: 'stdout', text: 'done', ms: T0 },
      { stream: 'stdout', text: 'exiting without a newline', end: false, ms: T0 + 1000 },
    ]);
    const { records, notes } = chunkInvariant(jsonProcessor, log, [1, 10]);
    expect(records.map((r) => [r.line, ts(r), r.message])).toEqual([
      [1, '2026-11-25T10:00:00.000000Z', 'done'], [2, '2026-11-25T10:00:01.000000Z', 'exiting without a newline'],
    ]);
    expect(notes).toEqual(['1 partial line at the end with no final part (first: line 2), kept as written']);
  });

  it('joins only in a file that starts as a Docker log, the same rule that keeps such a file whole, so a split file reads as one pass', () => {
    const cut = dockerJsonLog([{ stream: 'stdout', text: 'w'.repeat(RUNTIME_LINE_MAX + 5), ms: T0 }]);
    const mixed = Buffer.concat([Buffer.from('{"ts":"2026-11-25T09:00:00Z","msg":"not docker"}\n'), cut]);
    expect(parseWith(jsonProcessor, mixed).records.map((r) => r.message.length)).toEqual(['not docker'.length, RUNTIME_LINE_MAX, 5]);
    expect(jsonSplittable(mixed)).toBe(true);
    expect(parseWith(jsonProcessor, cut).records.map((r) => r.message.length)).toEqual([RUNTIME_LINE_MAX + 5]);
  });

  it('a Docker json-file log is never split into byte ranges; other NDJSON still is', () => {
    expect(jsonSplittable(dockerJsonLog(writes))).toBe(false);
    expect(jsonSplittable(Buffer.from('{"ts":"2026-11-25T10:00:00Z","msg":"a"}\n{"ts":"2026-11-25T10:00:01Z","msg":"b"}\n'))).toBe(true);
  });
});

describe('joining parts', () => {
  it('a line that never ends is given out in pieces past the limit, nothing dropped, with a note', () => {
    const lines = new PartialLines<string>(10);
    const at = (line: number) => ({ line, offset: line * 100, head: `t${line}` });
    const out = [
      lines.partial('stdout', 'aaaaaa', at(1)), lines.partial('stderr', 'x', at(2)), lines.partial('stdout', 'bbbbbb', at(3)),
      lines.partial('stdout', 'cc', at(4)), lines.full('stdout', 'dd'), lines.full('stderr', 'y'), lines.full('stdout', 'whole'),
    ];
    expect(out.map((j) => j && [j.stream, j.text, j.line, j.head])).toEqual([
      undefined, undefined, ['stdout', 'aaaaaabbbbbb', 1, 't1'], undefined, ['stdout', 'ccdd', 4, 't4'], ['stderr', 'xy', 2, 't2'], undefined,
    ]);
    expect(lines.drain()).toEqual([]);
    expect(lines.notes()).toEqual(['1 partial line joined past 10 characters (or bytes), given out in several records']);
  });
});

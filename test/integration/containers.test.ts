/**
 * Container logs through the real CLI: a CRI file and a Docker json-file log
 * whose long lines the runtime cut into 16 KiB parts (stderr lines between a
 * stdout line's parts) are routed by content, counted with each long line
 * once, printed by `parse` with the whole line once, and give the same
 * answer with --jobs 1 and --jobs 4 with a --split-min far below their size:
 * a line's parts may straddle any byte a range could start at, so these
 * files are read in one range.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { type ContainerWrite, criLog, dockerJsonLog } from '../helpers/container-logs.js';

/** A seeded generator, so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const LEVELS = ['INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

/**
 * A service's output: short lines, and every few lines a request dump of
 * 20-60 KB (two to four parts), with stderr lines written while it is being
 * copied (between its parts).
 */
function service(lines: number): { writes: ContainerWrite[]; long: number } {
  const r = rng(5);
  const writes: ContainerWrite[] = [];
  let long = 0;
  let ms = T0;
  for (let i = 0; i < lines; i++) {
    ms += 1 + Math.floor(r() * 50);
    const level = LEVELS[Math.floor(r() * LEVELS.length)];
    if (r() < 0.08) {
      long++;
      writes.push({ stream: 'stdout', text: `${level} dump id=${i} body=` + 'abcdefghij'.repeat(2000 + Math.floor(r() * 4000)), ms });
    } else {
      writes.push({ stream: r() < 0.3 ? 'stderr' : 'stdout', text: `${level} request ${i} took ${Math.floor(r() * 900)} ms user=u${Math.floor(r() * 5)}`, ms });
    }
  }
  return { writes, long };
}

/** Puts the stderr line that follows each cut stdout line between that line's first two parts, as the two copy goroutines can. */
function interleave(log: Buffer, partialStdout: (line: string) => boolean, stderr: (line: string) => boolean): Buffer {
  const lines = log.toString('utf8').replace(/\n$/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!partialStdout(lines[i])) continue;
    let end = i; // the cut line's last part
    while (end < lines.length && partialStdout(lines[end])) end++;
    if (end + 1 < lines.length && stderr(lines[end + 1])) {
      const [moved] = lines.splice(end + 1, 1);
      lines.splice(i + 1, 0, moved);
      end++;
    }
    i = end;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

const docker = (line: string) => JSON.parse(line) as { log: string; stream: string };

async function analyze(cwd: string, name: string, args: string[]) {
  const res = await logmill(['analyze', '--output', 'json', '--chunk-size', '64KiB', '--field', 'stream', ...args, name], { cwd });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout);
}

/** The report without the per-file `ranges` count, which says how the work was cut, not what was found. */
function answer(report: { files: { ranges?: number }[] }) {
  return { ...report, files: report.files.map(({ ranges: _, ...f }) => f) };
}

describe('container logs through the CLI', () => {
  const { writes, long } = service(1500);

  it.each([
    ['app-7f9c_prod_api-1234.log', 'cri', () => interleave(criLog(writes), (l) => /^\S+ stdout P /.test(l), (l) => /^\S+ stderr /.test(l))],
    ['1234abcd-json.log', 'json', () => interleave(dockerJsonLog(writes), (l) => docker(l).stream === 'stdout' && !docker(l).log.endsWith('\n'), (l) => docker(l).stream === 'stderr')],
  ])('%s: one record per line written, the same with --jobs 1 and --jobs 4', async (name, format, make) => {
    const cwd = tempDir();
    const data = make();
    writeFileSync(path.join(cwd, name), data);
    const fileLines = data.toString().split('\n').length - 1;
    expect(fileLines).toBeGreaterThanOrEqual(writes.length + long); // every long line is in two parts or more
    expect(data.length).toBeGreaterThan(2 << 20);
    const one = await analyze(cwd, name, ['--jobs', '1']);
    expect(one.files[0]).toMatchObject({ format, reason: `by content: ${format} scored ${format === 'cri' ? 95 : 90}`, records: writes.length, malformed: 0, notes: [] });
    expect(one.fields.stream).toEqual([
      { value: 'stdout', count: writes.filter((w) => w.stream === 'stdout').length },
      { value: 'stderr', count: writes.filter((w) => w.stream === 'stderr').length },
    ]);
    const many = await analyze(cwd, name, ['--jobs', '4', '--split-min', '256KiB']);
    expect(many.files[0].ranges).toBe(1);
    expect(answer(many)).toEqual(answer(one));
  }, 120_000);

  it.each([
    ['pod.log', criLog],
    ['ctr-json.log', dockerJsonLog],
  ] as const)('parse prints a cut line of %s once, whole, with its first part\'s place', async (name, write) => {
    const cwd = tempDir();
    const longLine = 'WARN big ' + 'z'.repeat(40_000);
    writeFileSync(path.join(cwd, name), write([
      { stream: 'stdout', text: 'INFO before', ms: T0 },
      { stream: 'stdout', text: longLine, ms: T0 + 1000 },
      { stream: 'stderr', text: 'ERROR after', ms: T0 + 2000 },
    ]));
    const res = await logmill(['parse', name], { cwd });
    expect(res.code).toBe(0);
    const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.ts, r.severity, r.message.length > 100 ? r.message === longLine : r.message, r.fields, r.source.line])).toEqual([
      ['2026-11-25T10:00:00.000000Z', 'info', 'INFO before', { stream: 'stdout' }, 1],
      ['2026-11-25T10:00:01.000000Z', 'warn', true, { stream: 'stdout' }, 2],
      ['2026-11-25T10:00:02.000000Z', 'error', 'ERROR after', { stream: 'stderr' }, 5], // the long line's three parts are lines 2-4
    ]);
  });
});

/**
 * A small plain file routed to a built-in processor is analyzed in the main
 * process (app/workers/pool.ts, runsHere): no worker is started for it, and
 * everything else (plugins, stdin, gzip, byte ranges, large files, parse)
 * still goes to a worker.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Summary } from '../../app/analysis/summary.js';
import { BUILTIN_KEY, IN_PROCESS_MAX_BYTES, Pool, runsHere } from '../../app/workers/pool.js';
import type { Job } from '../../app/workers/protocol.js';
import { UTC } from '../../contract/timestamps.js';
import { tempDir } from '../helpers/cli.js';
import { childrenOf } from '../helpers/proc.js';

function job(file: string, size: number, over: Partial<Job> = {}): Job {
  return {
    mode: 'analyze', input: { kind: 'file', path: file, name: file, explicit: true }, readAs: { encoding: 'plain', size },
    processor: 'text', settings: { zone: UTC, options: {}, chunkSize: 1 << 20, maxRecordBytes: 1 << 20 }, filter: {}, fields: [], ...over,
  };
}

describe('built-in jobs in the main process', () => {
  it('analyzes a two-line log without starting a worker', async () => {
    const file = path.join(tempDir(), 'two.log');
    writeFileSync(file, '2026-11-23T00:00:00Z INFO hello\n2026-11-23T00:00:01Z ERROR bad thing 42\n');
    const pool = new Pool(2, { timeoutMs: 0 });
    try {
      const done = await pool.run(BUILTIN_KEY, job(file, 70));
      expect(done.report.records).toBe(2);
      const summary = Summary.revive(done.summary!);
      expect(summary.topPatterns(5).map((p) => p.pattern)).toEqual(['bad thing <num>', 'hello']);
      expect(childrenOf(process.pid)).toEqual([]); // an idle worker would still be alive here
    } finally {
      pool.close();
    }
  });

  it('sends everything else to a worker', () => {
    const small = job('/x.log', 100);
    expect(runsHere(BUILTIN_KEY, small)).toBe(true);
    expect(runsHere(BUILTIN_KEY, job('/x.log', IN_PROCESS_MAX_BYTES))).toBe(true);
    expect(runsHere(BUILTIN_KEY, job('/x.log', IN_PROCESS_MAX_BYTES + 1))).toBe(false);
    expect(runsHere('/plugins/csv.so', small)).toBe(false);
    expect(runsHere(BUILTIN_KEY, { ...small, mode: 'parse' })).toBe(false);
    expect(runsHere(BUILTIN_KEY, { ...small, input: { kind: 'stdin', name: '<stdin>', explicit: true } })).toBe(false);
    expect(runsHere(BUILTIN_KEY, { ...small, readAs: { encoding: 'gzip', size: 100 } })).toBe(false);
    expect(runsHere(BUILTIN_KEY, { ...small, range: { start: 0, end: 50 } })).toBe(false);
  });
});

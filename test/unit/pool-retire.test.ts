/**
 * Workers end as soon as no job waits for them (app/workers/pool.ts,
 * retireIdleIfNoWork), not when the command closes the pool: an idle worker
 * holds ~90 MB that would still count while the main process merges the
 * partial summaries and writes the report (the peak of a split run).
 * While jobs are queued, a finished worker is kept and reused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Summary } from '../../app/analysis/summary.js';
import type * as PoolModule from '../../app/workers/pool.js';
import type { Job } from '../../app/workers/protocol.js';
import { UTC } from '../../contract/timestamps.js';
import { tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { childrenOf, ended, until } from '../helpers/proc.js';

// The built pool (the global setup builds dist/): its workers run dist/app/workers/worker.js.
const { BUILTIN_KEY, Pool } = (await import(pathToFileURL(path.join(REPO, 'dist', 'app', 'workers', 'pool.js')).href)) as typeof PoolModule;

function rangeJob(file: string, size: number, start: number, end: number): Job {
  return {
    mode: 'analyze', input: { kind: 'file', path: file, name: file, explicit: true }, readAs: { encoding: 'plain', size },
    processor: 'text', settings: { zone: UTC, options: {}, chunkSize: 1 << 20, maxRecordBytes: 1 << 20 }, filter: {}, fields: [],
    range: { start, end },
  };
}

function log(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `2026-11-23T00:00:${String(i % 60).padStart(2, '0')}Z ${i % 7 ? 'INFO' : 'ERROR'} request ${i} done`).join('\n') + '\n';
}

const alive = () => childrenOf(process.pid).filter((pid) => !ended(pid));

describe('worker pool: idle workers end when no job waits', () => {
  it('ends every worker once the last job is done, before the pool is closed', async () => {
    const file = path.join(tempDir(), 'app.log');
    const text = log(4000);
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    const pool = new Pool(2, { timeoutMs: 0 });
    try {
      // Four ranges on two job slots: two wait in the queue, so the first workers are reused for them.
      const cuts = [0, size / 4, size / 2, (3 * size) / 4, size].map(Math.floor);
      const done = await Promise.all(cuts.slice(0, 4).map((start, i) => pool.run(BUILTIN_KEY, rangeJob(file, size, start, cuts[i + 1]))));
      const summary = new Summary();
      for (const d of done) summary.merge(Summary.revive(d.summary!));
      expect(summary.records).toBe(4000);
      // The pool is still open: only the retirement after the last job can have ended the workers.
      await until(() => alive().length === 0, 20_000, 'every worker ended');
      expect(pool.isClosed).toBe(false);
      // A later job still runs (on a new worker).
      const again = await pool.run(BUILTIN_KEY, rangeJob(file, size, 0, size));
      expect(again.report.records).toBe(4000);
    } finally {
      pool.close();
    }
  });

  it('starts workers with their memory held near their live data (a small young generation, a 20 % old-generation growth, 2 malloc arenas)', async () => {
    const pool = new Pool(1, { timeoutMs: 0 });
    try {
      const w = (await pool.dedicated(BUILTIN_KEY))!;
      const pid = w.child.pid!;
      // Around exec the child's cmdline and environ read empty (or as its parent's): wait until
      // both are the worker's own.
      const cmdline = () => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = () => readFileSync(`/proc/${pid}/environ`, 'utf8');
      await until(() => /[/\\]worker\.c?js\0/.test(cmdline()) && environ() !== '', 20_000, 'the worker has exec-ed node with its entry script');
      const args = cmdline().split('\0');
      expect(args).toContain('--max-semi-space-size=1');
      expect(args).toContain('--heap-growing-percent=20');
      const env = environ().split('\0');
      expect(env).toContain(process.env.MALLOC_ARENA_MAX ? `MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}` : 'MALLOC_ARENA_MAX=2');
      pool.giveBack(w);
    } finally {
      pool.close();
    }
  });
});

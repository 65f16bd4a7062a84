/**
 * From inputs to jobs: read each input's head, route it (app/routing.ts),
 * cut large splittable files into byte ranges, and run the jobs on the
 * worker pool. Results come back per input, in input order, with the
 * failures of a worker (a crash, a timeout) turned into that input's error.
 */
import type { Input } from './inputs/expand.js';
import { encodingNote, InputReadError, probeInput, type Probe, type ReadAs } from './inputs/read.js';
import { probeStdin } from './inputs/stdin.js';
import { emptyReport, type ByteRange, type InputReport, type RangeResult } from './pipeline.js';
import type { ProcessorInfo } from './processors/registry.js';
import { DETECT_BYTES, route } from './routing.js';
import type { RunSettings } from './settings.js';
import { WorkerFailure, type JobListener } from './workers/pool.js';
import type { Job, JobDone } from './workers/protocol.js';

export interface Planned {
  input: Input;
  report: InputReport;
  /** How the worker reads the input's bytes, decided once here (inputs/read.ts). */
  readAs: ReadAs;
  processor?: ProcessorInfo;
  ranges?: ByteRange[];
}

export async function plan(inputs: readonly Input[], settings: RunSettings, split: boolean): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (const input of inputs) {
    const report = emptyReport(input.name);
    const p: Planned = { input, report, readAs: { encoding: 'plain', size: 0 } };
    planned.push(p);
    let probe: Probe;
    try {
      probe = input.kind === 'stdin' ? await probeStdin(DETECT_BYTES) : await probeInput(input, DETECT_BYTES);
    } catch (err) {
      report.error = err instanceof InputReadError ? err.message : (err as Error).message;
      continue;
    }
    p.readAs = { encoding: probe.encoding, size: probe.size };
    const head = probe.head;
    if (!head) {
      report.notes.push('empty file (0 bytes)');
      continue;
    }
    const routed = await route(input.name, head, settings.registry, settings.format);
    if ('error' in routed) {
      // Like ripgrep: binary files met while walking a directory are skipped, not failures.
      if (routed.binary && !input.explicit) report.notes.push(`skipped: ${routed.error.split(':')[0]} (name the file to see why)`);
      else report.error = routed.error;
      continue;
    }
    p.processor = routed.processor;
    report.format = routed.processor.name;
    report.reason = routed.reason;
    const note = encodingNote(probe.encoding);
    if (note) report.notes.push(note);
    // Only bytes as they are on disk can be entered in the middle: gzip and UTF-16 are read in one pass.
    if (split && probe.encoding === 'plain' && routed.processor.splittable(head)) {
      p.ranges = ranges(probe.size, settings.pool.jobs, settings.splitMin);
    }
    report.ranges = p.ranges?.length ?? 1;
  }
  return planned;
}

/** An entry met while walking that is not read (a FIFO, a socket): listed in the report with why. */
export function notedOnly(name: string, note: string): Planned {
  const report = emptyReport(name);
  report.notes.push(note);
  return { input: { kind: 'file', path: name, name, explicit: false }, report, readAs: { encoding: 'plain', size: 0 } };
}

/**
 * Equal byte ranges for a file of at least `splitMin` bytes, each at least
 * splitMin / 2, about two per job so that one slow range does not idle the rest.
 */
export function ranges(size: number, jobs: number, splitMin: number): ByteRange[] | undefined {
  if (jobs < 2 || size < splitMin) return undefined;
  const count = Math.max(2, Math.min(jobs * 2, Math.floor(size / (splitMin / 2))));
  const step = Math.ceil(size / count);
  return Array.from({ length: count }, (_, i) => ({ start: i * step, end: Math.min(size, (i + 1) * step) }));
}

export type JobOutcome = { done: JobDone } | { failure: string };

/**
 * Runs the jobs of one planned input (one, or one per range) and returns
 * their outcomes in range order. A worker failure becomes a message naming
 * the processor (and plugin), the input and the cause. `listener`: one for
 * all the jobs, or a function that makes each job's, called in range order.
 */
export function runPlanned(p: Planned, settings: RunSettings, make: (range?: ByteRange) => Omit<Job, 'readAs'>,
  listener?: JobListener | ((range?: ByteRange) => JobListener)): Promise<JobOutcome[]> {
  const proc = p.processor!;
  const jobs: Job[] = (p.ranges ?? [undefined]).map((r) => ({ ...make(r), readAs: p.readAs, format: proc.format }));
  const listen = typeof listener === 'function' ? listener : () => listener;
  return Promise.all(jobs.map(async (job): Promise<JobOutcome> => {
    const heard = listen(job.range);
    try {
      return { done: await settings.pool.run(proc.key, job, heard) };
    } catch (err) {
      if (!(err instanceof WorkerFailure)) throw err;
      const who = proc.origin.kind === 'plugin' ? `plugin ${proc.name}` : proc.name;
      return { failure: `[${who}] ${p.input.name}: ${err.message}` };
    }
  }));
}

/**
 * Whether the ranges of one input fit together: where each range begins (its
 * first record, or the first past its end if it had none) must be the record
 * the range before met first at or past its end. A resync that took a byte
 * inside a record for a boundary (a newline in a quoted CSV field) shows up
 * here, and the input fails with why instead of counting records twice or
 * not at all. Returns that reason, or null when the ranges agree.
 */
export function rangeMismatch(p: Planned, results: readonly (RangeResult | undefined)[]): string | null {
  let expect: number | null | undefined; // undefined: range 0, which starts at byte 0
  const who = p.processor?.origin.kind === 'plugin' ? `plugin ${p.processor.name}` : p.processor?.name;
  for (const r of results) {
    if (!r || (r.first === null && r.stop === null)) continue;
    const begins = r.first ?? r.stop;
    if (expect !== undefined && begins !== expect) {
      return `[${who}] ${p.input.name}: split into byte ranges, the records do not line up: a range began at byte ${begins}, `
        + `but the range before it ${expect === null ? 'read to the end of the file' : `ended at the record at byte ${expect}`} `
        + '(the processor\'s resync took a byte inside a record for a boundary); no result for this file: run with --jobs 1';
    }
    expect = r.stop;
  }
  // The last range that read records stopped at one, but no range after it began there: its resync
  // missed that record start, and the records from it to the end of the file were read by no range.
  if (typeof expect === 'number') {
    return `[${who}] ${p.input.name}: split into byte ranges, the records do not line up: a range ended at the record at byte ${expect}, `
      + 'but no range after it began there (the processor\'s resync did not find that record start); no result for this file: run with --jobs 1';
  }
  return null;
}

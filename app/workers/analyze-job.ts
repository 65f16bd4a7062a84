/**
 * One `analyze` job: parse an input (or a byte range of it) with a processor
 * and summarize it locally. Worker processes run it (app/workers/worker.ts);
 * the main process runs it too for a small plain file routed to a built-in
 * processor (app/workers/pool.ts, runsHere): built-in code only, never a
 * plugin's, so the isolation guarantee holds and a two-line log costs no
 * second process.
 */
import type { Processor } from '../../contract/processor.js';
import { matches } from '../analysis/filters.js';
import { Summary, type MessageKeyer } from '../analysis/summary.js';
import { runInput, type RecordHandler } from '../pipeline.js';
import type { Job, JobDone } from './protocol.js';

/** A processor that can emit one reused record per batch (app/plugins/adapter.ts): the summary keeps no record. */
interface ReusesRecords {
  withReusedRecords(): Processor;
}

/**
 * `keyer`: the worker's C pattern scanner for string messages (Summary.keyWith),
 * passed by app/workers/worker.ts; never in the main process.
 */
export async function analyzeJob(id: number, job: Job, processor: Processor, progress: (bytes: number) => void, keyer?: MessageKeyer | null): Promise<JobDone> {
  const summary = new Summary({ fields: job.fields, countBy: job.countBy, stats: job.stats });
  if (keyer) summary.keyWith(keyer);
  const handler: RecordHandler = {
    record: (r, from) => { if (matches(job.filter, r, from.name)) summary.add(r, from.name); },
    malformed: (r, from) => summary.addMalformed(r, from.name),
    afterChunk: (from) => progress(from.bytes),
  };
  const source = 'withReusedRecords' in processor ? (processor as Processor & ReusesRecords).withReusedRecords() : processor;
  const { report, range } = await runInput(job.input, job.readAs, source, job.settings, handler, job.range);
  return { type: 'done', id, report, range, summary: summary.pack() };
}

/**
 * A worker process: where processors run, plugins included, so that a
 * plugin that crashes, aborts or hangs takes down only this process. It is
 * started by app/workers/pool.ts with LD_BIND_NOW=1 (an unresolved symbol
 * fails the load, not a parse), loads at most one plugin (so at most one Go
 * runtime per process, the configuration Go supports), and runs one job at
 * a time: parse an input or a byte range of it, summarizing locally
 * (analyze) or streaming the formatted records back in chunks (parse).
 * Nothing per record crosses the process boundary. Standard input, when a
 * job reads it, is this process's stdin, fed by the main process.
 */
import { Worker as Thread } from 'node:worker_threads';
import type { LogRecord, Processor } from '../../contract/processor.js';
import { matches } from '../analysis/filters.js';
import type { MessageKeyer } from '../analysis/summary.js';
import type { FormatDefinition } from '../formats/definition.js';
import { runInput, type RecordHandler } from '../pipeline.js';
import { Rejection } from '../plugins/discovery.js';
import { checkSample } from '../plugins/sample.js';
import type { Verified } from '../plugins/trust.js';
import { builtinProcessor } from '../processors/registry.js';
import { toCsv, toNdjson } from '../render/records.js';
import { SqlBatchBuilder } from '../sql/rows.js';
import { analyzeJob } from './analyze-job.js';
import { followClose, followOpen, followRead } from './follow.js';
import { emptyFollowResult, RECORDS_AHEAD, type FromWorker, type Job, type JobDone, type MalformedNote, type ToWorker } from './protocol.js';

const MAX_MALFORMED_LINES = 200;
/** parse: records sent as soon as this much text is ready (if few messages are in flight). */
const EARLY_BYTES = 256 << 10;
let plugin: Processor | undefined;

function send(msg: FromWorker): void {
  process.send!(msg);
}

function processorFor(name: string, format?: FormatDefinition): Processor {
  if (!format && plugin?.name === name) return plugin;
  const builtin = builtinProcessor(name, format);
  if (!builtin) throw new Error(`worker has no processor "${name}"`);
  return builtin;
}

async function load(file: string, verified: Verified): Promise<void> {
  // Imported here so workers for built-in processors never load ffi-rs.
  const { loadPlugin } = await import('../plugins/loader.js');
  try {
    const p = loadPlugin(file, verified);
    plugin = p;
    send({ type: 'loaded', plugin: p.meta });
  } catch (err) {
    if (!(err instanceof Rejection)) throw err;
    send({ type: 'rejected', rejection: { file: err.file, headline: err.headline, detail: err.detail, hint: err.hint } });
  }
}

/** Inputs from this many bytes have their string messages keyed by the C scanner (below it, loading ffi-rs costs more than it saves). */
const KEYER_MIN_BYTES = 4 << 20;

/** The C pattern scanner (app/plugins/native.ts) for an analyze job large enough; null if it was not built. */
async function messageKeyer(job: Job): Promise<MessageKeyer | null> {
  const bytes = job.range ? job.range.end - job.range.start : job.readAs.size;
  if (bytes < KEYER_MIN_BYTES) return null;
  const { patternKeysLibrary } = await import('../plugins/native.js');
  return patternKeysLibrary();
}

async function runJob(id: number, job: Job): Promise<JobDone> {
  const processor = processorFor(job.processor, job.format);
  const progress = (bytes: number) => send({ type: 'progress', id, bytes });
  if (job.mode === 'analyze') return analyzeJob(id, job, processor, progress, await messageKeyer(job));
  const out = new RecordStream(id, job.output === 'sql' ? new SqlBatchBuilder() : new TextBatch(job.output === 'csv' ? toCsv : toNdjson));
  const malformed: MalformedNote[] = [];
  let dropped = 0;
  const handler: RecordHandler = {
    record: (r: LogRecord, from) => {
      out.lastLine = r.line;
      if (matches(job.filter, r, from.name)) out.write(r, from.name);
    },
    malformed: (r) => {
      if (malformed.length < MAX_MALFORMED_LINES) malformed.push({ line: r.line, offset: r.offset, reason: r.message });
      else dropped++;
    },
    afterChunk: async (from) => {
      progress(from.bytes);
      await out.flush();
    },
  };
  const { report, range } = await runInput(job.input, job.readAs, processor, job.settings, handler, job.range);
  await out.flush();
  await out.drained();
  return { type: 'done', id, report, range, malformed, ...(dropped > 0 ? { malformedMore: dropped } : {}) };
}

/**
 * parse: records go back to the main process as they are parsed, as text
 * (TextBatch) or as columns for `logmill sql` (sql/rows.ts), in messages
 * of about EARLY_BYTES (sent while the chunk is still being
 * emitted, so the first records do not wait for the whole chunk) or a whole
 * chunk's worth, with at most RECORDS_AHEAD unacknowledged once a chunk is
 * done: when stdout is slow, so is this worker, and memory stays bounded by
 * a chunk's records. Nothing is written to disk.
 */
class RecordStream {
  private inFlight = 0;
  private wake?: () => void;
  lastLine = 0;

  constructor(private readonly id: number, private readonly batch: TextBatch | SqlBatchBuilder) {
    acks.set(id, () => {
      this.inFlight--;
      this.wake?.();
    });
  }

  write(r: LogRecord, file: string): void {
    this.batch.add(r, file);
    if (this.batch.size >= EARLY_BYTES && this.inFlight < RECORDS_AHEAD) this.send();
  }

  /** Sends what is buffered, after waiting until fewer than RECORDS_AHEAD messages are unacknowledged. */
  async flush(): Promise<void> {
    if (this.batch.size === 0) return;
    await this.until(() => this.inFlight < RECORDS_AHEAD);
    this.send();
  }

  /** Every message acknowledged: the job's records are out before its `done`. */
  async drained(): Promise<void> {
    await this.until(() => this.inFlight === 0);
    acks.delete(this.id);
  }

  private send(): void {
    this.inFlight++;
    send({ type: 'records', id: this.id, data: this.batch.take(), lastLine: this.lastLine });
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
  }
}

/** parse's NDJSON or CSV rows (render/records.ts), sent as UTF-8 bytes that the main process writes as they are. */
class TextBatch {
  private parts: string[] = [];
  size = 0;

  constructor(private readonly format: (r: LogRecord, file: string) => string) {}

  add(r: LogRecord, file: string): void {
    const text = this.format(r, file);
    this.parts.push(text);
    this.size += text.length;
  }

  take(): Buffer {
    const data = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    return data;
  }
}

/** Acknowledgements of record chunks, per job id (they bypass the message queue below: the job awaits them). */
const acks = new Map<number, () => void>();

// Messages are handled one at a time, in order: a follow session's reads must not interleave.
let queue: Promise<unknown> = Promise.resolve();
process.on('message', (msg: ToWorker) => {
  if (msg.type === 'ack') {
    acks.get(msg.id)?.();
    return;
  }
  const work = async () => {
    switch (msg.type) {
      case 'load':
        return load(msg.file, msg.verified);
      case 'detect':
        return send({ type: 'score', id: msg.id, score: processorFor(plugin!.name).detect?.(msg.head) ?? 0 });
      case 'job':
        return send(await runJob(msg.id, msg.job));
      case 'sample':
        return send({ type: 'sample-result', id: msg.id, result: checkSample(plugin!, msg.sample, () => send({ type: 'progress', id: msg.id, bytes: 0 })) });
      case 'follow-open':
        try {
          await followOpen(msg, processorFor(msg.processor, msg.format));
          return send(emptyFollowResult(msg.id, msg.sid, msg.from, msg.lines));
        } catch (err) {
          return send(emptyFollowResult(msg.id, msg.sid, msg.from, msg.lines, (err as Error).message));
        }
      case 'follow-read':
        return send(await followRead(msg.id, msg.sid, msg.idle));
      case 'follow-close':
        await followClose(msg.sid);
        return send(emptyFollowResult(msg.id, msg.sid, 0, 0));
    }
  };
  queue = queue.then(work).catch((err) => {
    // A bug on our side, not the plugin's: say so and let the pool report it.
    process.stderr.write(`logmill worker: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(70);
  });
});
// The main process going away (Ctrl-C, a crash) ends the worker too.
process.on('disconnect', () => process.exit(0));
if (process.env.LOGMILL_WATCH_PARENT) watchParent();

/**
 * Without setpriv's parent-death signal (pool.ts, forkWorker): a thread that
 * SIGKILLs this process once its parent is gone. 'disconnect' cannot fire
 * while the main thread is stuck in plugin code; this thread still runs.
 */
function watchParent(): void {
  const code = `const { workerData } = require('node:worker_threads');
    setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 200);`;
  new Thread(code, { eval: true, workerData: process.ppid }).unref();
}

/**
 * The worker pool: processes that run processors, so plugin code never runs
 * in the main process. Workers are keyed by what they host: one plugin file
 * each (so at most one Go runtime per process), or none for the built-in
 * processors. At most `jobs` jobs run at once; idle workers are reused for
 * their key and retired when too many processes are alive, or when a job
 * ends and no other job waits. One worker
 * process, how it is started, watched and ended: app/workers/process.ts.
 */
import type { PluginMeta } from '../plugins/discovery.js';
import type { SampleResult } from '../plugins/sample.js';
import type { Verified } from '../plugins/trust.js';
import { DEFAULT_LOAD_TIMEOUT_MS, DEFAULT_WORKER_MEMORY, LoadTimeout, Worker, WorkerFailure, type JobListener, type WorkerLimits } from './process.js';
import type { Job, JobDone, RejectionData } from './protocol.js';

export { DEFAULT_LOAD_TIMEOUT_MS, describeExit, LoadTimeout, stopAllWorkers, Worker, WorkerFailure, type JobListener } from './process.js';

export const BUILTIN_KEY = '<builtin>';

/** Plain files up to this size, routed to a built-in processor, are analyzed in the main process. */
export const IN_PROCESS_MAX_BYTES = 1 << 20;

/**
 * Whether a job runs in the main process instead of a worker: an `analyze`
 * of a small whole plain file by a built-in processor. Starting a worker
 * costs more than such a file's parse, and built-in code may run here
 * (plugin code never does). Standard input, gzip (which may unpack to far
 * more than it reads) and byte ranges of large files go to workers, whose
 * memory is watched.
 */
export function runsHere(key: string, job: Job): boolean {
  return key === BUILTIN_KEY && job.mode === 'analyze' && job.input.kind === 'file' && job.range === undefined
    && job.readAs.encoding === 'plain' && job.readAs.size <= IN_PROCESS_MAX_BYTES;
}

/**
 * A worker key names one build of a plugin: its path, plus a generation when
 * the same path has been rebuilt (`logmill watch`), so a new build always
 * gets fresh processes (dlopen caches by path; Go cannot unload).
 */
export function pluginKey(file: string, generation = 0): string {
  return generation === 0 ? file : `${file}\0${generation}`;
}

function fileOf(key: string): string {
  const nul = key.indexOf('\0');
  return nul < 0 ? key : key.slice(0, nul);
}

export class Pool {
  private readonly idle = new Map<string, Worker[]>();
  private readonly all = new Set<Worker>();
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  /** What the main process checked for each plugin key: a worker loads exactly that (app/plugins/trust.ts). */
  private readonly verified = new Map<string, Verified>();
  /** Why the last fresh worker for a key could not load its plugin, for the job that needed it. */
  private readonly loadFailures = new Map<string, string>();

  private readonly limits: WorkerLimits;
  readonly loadTimeoutMs: number;

  constructor(readonly jobs: number, opts: { timeoutMs: number; loadTimeoutMs?: number; memoryBytes?: number }) {
    this.limits = { timeoutMs: opts.timeoutMs, memoryBytes: opts.memoryBytes ?? DEFAULT_WORKER_MEMORY };
    this.loadTimeoutMs = opts.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  }

  /** Records what the main process checked for `key`: every worker for it loads exactly that, or nothing. */
  checked(key: string, verified: Verified): void {
    this.verified.set(key, verified);
  }

  /** Closed: what a worker reports now is about the shutdown, not the plugin. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Starts a worker for `key` (see pluginKey) and checks the plugin that
   * `verified` describes; the worker stays for later jobs. A check takes a job
   * slot, like a job: checking every plugin at once on a busy machine made
   * each of them time out.
   */
  async probe(key: string, verified: Verified): Promise<{ plugin: PluginMeta } | { rejection: RejectionData } | { failure: string; timedOut: boolean }> {
    this.checked(key, verified);
    await this.slot();
    const w = this.spawn(key);
    try {
      const res = await this.loadOn(w);
      if ('plugin' in res) this.release(w);
      else this.retire(w);
      return res;
    } catch (err) {
      this.retire(w);
      return { failure: (err as Error).message, timedOut: err instanceof LoadTimeout };
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** The load of w's plugin build, as it was checked. */
  private loadOn(w: Worker): Promise<{ plugin: PluginMeta } | { rejection: RejectionData }> {
    const verified = this.verified.get(w.key);
    if (!verified) return Promise.reject(new WorkerFailure(`plugin "${fileOf(w.key)}" was never checked`));
    return w.load(fileOf(w.key), verified, this.loadTimeoutMs);
  }

  /** The plugin's Detect score for a file head, or 0 if its worker fails. */
  async detect(key: string, head: Buffer): Promise<number> {
    const w = await this.acquire(key, false);
    if (!w) return 0;
    try {
      const msg = await w.request({ type: 'detect', id: this.nextId++, head });
      return msg.type === 'score' ? msg.score : 0;
    } catch {
      return 0;
    } finally {
      this.release(w);
    }
  }

  /** `plugins check --sample`: the checks of app/plugins/sample.ts, run on a worker for `key`. */
  async checkSample(key: string, sample: Buffer): Promise<SampleResult> {
    const w = await this.acquire(key, false);
    if (!w) throw new WorkerFailure(`the plugin could not be loaded again in a new worker: ${this.loadFailures.get(key) ?? 'unknown reason'}`);
    try {
      const msg = await w.request({ type: 'sample', id: this.nextId++, sample });
      return (msg as { result: SampleResult }).result;
    } finally {
      this.release(w);
    }
  }

  /** Runs a job on a worker for `key` (a plugin file, or BUILTIN_KEY), or here when runsHere says so. */
  async run(key: string, job: Job, listener?: JobListener): Promise<JobDone> {
    await this.slot();
    try {
      if (runsHere(key, job)) return await this.runHere(job, listener);
      const w = await this.acquire(key, true);
      if (!w) throw new WorkerFailure(`the plugin could not be loaded again in a new worker: ${this.loadFailures.get(key) ?? 'unknown reason'}`);
      try {
        const msg = await w.request({ type: 'job', id: this.nextId++, job }, listener);
        return msg as JobDone;
      } finally {
        this.release(w);
        this.retireIdleIfNoWork();
      }
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** A built-in job in this process; a bug in it fails its input as a worker's death would. */
  private async runHere(job: Job, listener?: JobListener): Promise<JobDone> {
    const [{ analyzeJob }, { builtinProcessor }] = await Promise.all([import('./analyze-job.js'), import('../processors/registry.js')]);
    const processor = builtinProcessor(job.processor, job.format);
    if (!processor) throw new WorkerFailure(`no built-in processor "${job.processor}"`);
    try {
      return await analyzeJob(this.nextId++, job, processor, (bytes) => listener?.progress?.(bytes));
    } catch (err) {
      throw new WorkerFailure(`built-in processor failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /**
   * A worker owned by the caller until `release`d (or dead): for long-lived
   * follow sessions (`logmill watch`). Null if the plugin no longer loads.
   */
  async dedicated(key: string): Promise<Worker | null> {
    return this.acquire(key, false);
  }

  /** Gives back a worker from `dedicated`. */
  giveBack(w: Worker): void {
    this.release(w);
  }

  /** A fresh request id, for callers that talk to a dedicated worker. */
  id(): number {
    return this.nextId++;
  }

  /** Retires idle workers hosting anything not in `keep`. */
  trim(keep: ReadonlySet<string>): void {
    for (const [key, list] of this.idle) {
      if (keep.has(key)) continue;
      for (const w of list) this.retire(w);
    }
  }

  /** Ends every worker. Commands call it when done: live workers keep the process running. */
  close(): void {
    this.closed = true;
    for (const w of this.all) w.kill();
    this.all.clear();
    this.idle.clear();
  }

  private slot(): Promise<void> {
    if (this.running < this.jobs) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => { this.running++; resolve(); }));
  }

  private async acquire(key: string, evict: boolean): Promise<Worker | null> {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const w = list.pop()!;
      if (!w.dead) {
        w.busy = true;
        return w;
      }
      this.all.delete(w);
    }
    // Keep the process count near the job count: retire an idle worker of another key.
    if (evict && this.all.size >= this.jobs + 1) {
      for (const [k, l] of this.idle) {
        if (k !== key && l.length > 0) {
          this.retire(l.pop()!);
          break;
        }
      }
    }
    const w = this.spawn(key);
    w.busy = true;
    if (key === BUILTIN_KEY) return w;
    try {
      const res = await this.loadOn(w);
      if ('plugin' in res) return w;
      this.loadFailures.set(key, res.rejection.headline);
    } catch (err) {
      this.loadFailures.set(key, (err as Error).message);
    }
    this.retire(w);
    return null;
  }

  private spawn(key: string): Worker {
    // Once closed (the command ended or was interrupted), queued work must not start new processes.
    if (this.closed) throw new WorkerFailure('logmill is stopping');
    const w = new Worker(key, this.limits);
    this.all.add(w);
    return w;
  }

  private release(w: Worker): void {
    w.busy = false;
    if (w.dead) {
      this.all.delete(w);
      return;
    }
    const list = this.idle.get(w.key) ?? [];
    list.push(w);
    this.idle.set(w.key, list);
  }

  /**
   * After a job: when no job waits, the idle workers have nothing left to do
   * (commands queue all their jobs at once, after planning), so they end now
   * instead of at close(). Each holds ~90 MB (a Node heap, its read and batch
   * buffers, the plugin's runtime) that would otherwise still count while the
   * main process merges the partial summaries and writes the report: with
   * --jobs 2 that was the peak of the whole run (bench/memtrace.ts).
   */
  private retireIdleIfNoWork(): void {
    if (this.queue.length > 0) return;
    for (const list of [...this.idle.values()]) for (const w of [...list]) this.retire(w);
  }

  private retire(w: Worker): void {
    w.kill();
    this.all.delete(w);
    const list = this.idle.get(w.key);
    if (list) this.idle.set(w.key, list.filter((x) => x !== w));
  }
}

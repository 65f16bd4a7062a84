/**
 * The worker pool: processes that run processors, so plugin code never runs
 * in the main process. Workers are keyed by what they host: one plugin file
 * each (so at most one Go runtime per process), or none for the built-in
 * processors. At most `jobs` jobs run at once; idle workers are reused for
 * their key and retired when too many processes are alive.
 *
 * A worker that dies (a signal, an abort, a Go fatal error) or makes no
 * progress for `timeoutMs` fails only the job it was running; the caller
 * gets a WorkerFailure naming the plugin, the input and the cause.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PluginMeta } from '../plugins/discovery.js';
import type { Verified } from '../plugins/trust.js';
import type { FromWorker, Job, JobDone, RejectionData, ToWorker } from './protocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker.js', import.meta.url));
export const BUILTIN_KEY = '<builtin>';
const WORKER_SEMI_SPACE_MB = 2;

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

export class WorkerFailure extends Error {}

/** A plugin that did not finish loading within --plugin-load-timeout: not a crash, and said so. */
export class LoadTimeout extends WorkerFailure {}

/** How long loading and checking a plugin may take by default (--plugin-load-timeout), in ms. */
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000;

const SIGNAL_NAMES: Record<string, string> = {
  SIGSEGV: 'segmentation fault', SIGABRT: 'abort', SIGBUS: 'bus error', SIGILL: 'illegal instruction',
  SIGFPE: 'arithmetic exception', SIGKILL: 'killed', SIGTERM: 'terminated', SIGSYS: 'bad system call',
};

/** How a worker process ended, for messages: `worker crashed with SIGSEGV (segmentation fault)`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `worker crashed with ${signal} (${SIGNAL_NAMES[signal] ?? `signal ${osConstants.signals[signal] ?? '?'}`})`;
  return `worker exited with code ${code}`;
}

interface Pending {
  resolve(msg: FromWorker): void;
  reject(err: Error): void;
  progress?(bytes: number): void;
}

export class Worker {
  readonly child: ChildProcess;
  busy = false;
  dead = false;
  private stderrTail = '';
  private lastProgress = Date.now();
  private readonly pending = new Map<number, Pending>();
  private loadWaiter?: Pending;
  private timer?: NodeJS.Timeout;

  constructor(readonly key: string, private readonly timeoutMs: number) {
    this.child = fork(WORKER_MAIN, [], {
      // A worker's garbage is short-lived records: a small young generation keeps its
      // RSS near its live data (the whole tree must stay under ~300 MB), at little cost.
      execArgv: [...process.execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, LD_BIND_NOW: '1' },
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4096);
    });
    this.child.on('message', (msg: FromWorker) => this.onMessage(msg));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
    this.child.on('error', (err) => this.onExit(null, null, err));
  }

  /**
   * Loads and checks the plugin `verified` describes; resolves with its
   * metadata or rejection. Loading has its own limit, not the parse
   * watchdog's: `timeoutMs` in all (--plugin-load-timeout, 0 = none), and
   * running out of it rejects with a LoadTimeout, not a crash.
   */
  load(file: string, verified: Verified, timeoutMs: number): Promise<{ plugin: PluginMeta } | { rejection: RejectionData }> {
    return new Promise((resolve, reject) => {
      const timer = timeoutMs > 0 ? setTimeout(() => this.loadTimedOut(timeoutMs), timeoutMs) : undefined;
      this.loadWaiter = {
        resolve: (msg) => {
          clearTimeout(timer);
          resolve(msg.type === 'loaded' ? { plugin: msg.plugin } : { rejection: (msg as { rejection: RejectionData }).rejection });
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.post({ type: 'load', file, verified });
    });
  }

  private loadTimedOut(timeoutMs: number): void {
    const w = this.loadWaiter;
    this.loadWaiter = undefined;
    this.kill();
    w?.reject(new LoadTimeout(`no answer within ${timeoutMs / 1000} s (--plugin-load-timeout); worker killed`));
  }

  request(msg: ToWorker & { id: number }, progress?: (bytes: number) => void): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject, progress });
      this.watch();
      this.post(msg);
    });
  }

  kill(): void {
    if (!this.dead) this.child.kill('SIGKILL');
    this.dead = true;
  }


  private post(msg: ToWorker): void {
    this.lastProgress = Date.now();
    this.child.send(msg);
  }

  /** Starts the no-progress watchdog while something is in flight. */
  private watch(): void {
    if (this.timer || this.timeoutMs <= 0) return;
    this.timer = setInterval(() => {
      if (Date.now() - this.lastProgress > this.timeoutMs) {
        this.fail(`no progress for ${this.timeoutMs / 1000} s (--plugin-timeout); worker killed`);
        this.kill();
      }
    }, Math.min(1000, this.timeoutMs / 4));
    this.timer.unref();
  }

  private settleIfIdle(): void {
    if (this.pending.size === 0 && !this.loadWaiter && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private onMessage(msg: FromWorker): void {
    this.lastProgress = Date.now();
    if (msg.type === 'loaded' || msg.type === 'rejected') {
      const w = this.loadWaiter;
      this.loadWaiter = undefined;
      this.settleIfIdle();
      w?.resolve(msg);
      return;
    }
    if (msg.type === 'progress') {
      this.pending.get(msg.id)?.progress?.(msg.bytes);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    this.settleIfIdle();
    p.resolve(msg);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    if (this.dead && this.pending.size === 0 && !this.loadWaiter) return;
    this.dead = true;
    const cause = err ? `worker could not run: ${err.message}` : describeExit(code, signal);
    const detail = lastMeaningfulLine(this.stderrTail);
    this.fail(detail ? `${cause}: ${detail}` : cause);
  }

  private fail(message: string): void {
    const err = new WorkerFailure(message);
    const w = this.loadWaiter;
    this.loadWaiter = undefined;
    w?.reject(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.settleIfIdle();
  }
}

/** The line of a dying worker's stderr that says what happened (a Go panic, a symbol lookup error). */
function lastMeaningfulLine(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.find((l) => /^(panic:|fatal error:|runtime error:)|symbol lookup error|undefined symbol|Assertion/.test(l));
  return (telling ?? '').replace(/^node: /, '').slice(0, 300);
}

interface Warming {
  worker: Worker;
  /** Taken by an acquire (or retired by trim): the background completion leaves it alone. */
  claimed: boolean;
  ready: Promise<Worker | null>;
}

export class Pool {
  private readonly idle = new Map<string, Worker[]>();
  private readonly all = new Set<Worker>();
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private nextId = 1;
  /** Workers started by `prewarm` and still loading their plugin, per key. */
  private readonly warming = new Map<string, Warming[]>();
  /** The keys the last `trim` kept: a prewarmed worker for another key is retired when ready. */
  private keep: ReadonlySet<string> | null = null;
  private closed = false;
  /** What the main process checked for each plugin key: a worker loads exactly that (app/plugins/trust.ts). */
  private readonly verified = new Map<string, Verified>();
  /** Why the last fresh worker for a key could not load its plugin, for the job that needed it. */
  private readonly loadFailures = new Map<string, string>();

  constructor(readonly jobs: number, private readonly timeoutMs: number, readonly loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS) {}

  /** Records what the main process checked for `key`: every worker for it loads exactly that, or nothing. */
  checked(key: string, verified: Verified): void {
    this.verified.set(key, verified);
  }

  /** Closed: what a worker reports now is about the shutdown, not the plugin. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Starts a worker for `key` and loads its plugin in the background, for a
   * plugin whose contract check was cached (app/plugins/catalog.ts), so the
   * first job or Detect does not wait for the load. The first `acquire` of
   * the key takes it over; if it fails to load, nothing is reported (the job
   * that needs it starts another worker and reports that one's failure).
   */
  prewarm(key: string): void {
    if (this.closed) return;
    const w = this.spawn(key);
    w.busy = true;
    const entry: Warming = { worker: w, claimed: false, ready: this.loadOn(w).then((res) => ('plugin' in res ? w : null), () => null) };
    const list = this.warming.get(key) ?? [];
    list.push(entry);
    this.warming.set(key, list);
    void entry.ready.then((ok) => {
      const l = this.warming.get(key);
      if (l?.includes(entry)) l.splice(l.indexOf(entry), 1);
      if (!ok) this.retire(w);
      else if (entry.claimed) return;
      else if (this.keep && !this.keep.has(key)) this.retire(w);
      else this.release(w);
    });
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

  /** Runs a job on a worker for `key` (a plugin file, or BUILTIN_KEY). */
  async run(key: string, job: Job, progress?: (bytes: number) => void): Promise<JobDone> {
    await this.slot();
    try {
      const w = await this.acquire(key, true);
      if (!w) throw new WorkerFailure(`the plugin could not be loaded again in a new worker: ${this.loadFailures.get(key) ?? 'unknown reason'}`);
      try {
        const msg = await w.request({ type: 'job', id: this.nextId++, job }, progress);
        return msg as JobDone;
      } finally {
        this.release(w);
      }
    } finally {
      this.running--;
      this.queue.shift()?.();
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
    this.keep = keep;
    for (const [key, list] of this.warming) {
      if (keep.has(key)) continue;
      for (const e of list) {
        e.claimed = true;
        this.retire(e.worker);
      }
      this.warming.delete(key);
    }
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
    const warm = this.warming.get(key)?.shift();
    if (warm) {
      warm.claimed = true;
      const w = await warm.ready;
      if (w && !w.dead) return w;
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
    const w = new Worker(key, this.timeoutMs);
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

  private retire(w: Worker): void {
    w.kill();
    this.all.delete(w);
    const list = this.idle.get(w.key);
    if (list) this.idle.set(w.key, list.filter((x) => x !== w));
  }
}

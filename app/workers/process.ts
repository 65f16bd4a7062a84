/**
 * One worker process, as the main process sees it: started so that it
 * cannot outlive us (forkWorker), watched while it has work in flight (no
 * progress for `timeoutMs`, resident memory past `memoryBytes`), fed
 * standard input when its job reads it, and its end turned into a
 * WorkerFailure that names the cause (a signal, an exit code, a Go panic
 * line, the limit it broke). A worker that dies fails only the work it had.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { feedStdin, type StdinFeed } from '../inputs/stdin.js';
import type { PluginMeta } from '../plugins/discovery.js';
import type { Verified } from '../plugins/trust.js';
import type { FromWorker, RecordChunk, RejectionData, ToWorker } from './protocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker.js', import.meta.url));
/**
 * How a worker's memory is kept near its live data (the whole process tree
 * must stay under ~300 MB: issue 9, measured by bench/memtrace.ts). Its
 * garbage is short-lived records and batch decoding: a 1 MiB young
 * generation; an old generation grown by 20 % over its live data at each
 * full collection instead of V8's default (up to 4x), which let a worker
 * drift from ~80 to ~105 MB over a 50 MB CSV range; and two malloc arenas
 * instead of one per thread (V8's helper threads, the plugin's runtime).
 * Together about 13 MB less per worker, at no measurable CPU cost.
 */
const WORKER_V8_FLAGS = ['--max-semi-space-size=1', '--heap-growing-percent=20'];
const WORKER_MALLOC_ARENAS = '2';
const MiB = 1 << 20;

export class WorkerFailure extends Error {}

/** A plugin that did not finish loading within --plugin-load-timeout: not a crash, and said so. */
export class LoadTimeout extends WorkerFailure {}

/** How long loading and checking a plugin may take by default (--plugin-load-timeout), in ms. */
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000;

/** Every live worker process, so that an interruption can end them all at once. */
const live = new Set<Worker>();
let stopping = false;

/**
 * The run was interrupted (Ctrl-C, SIGTERM, a closed stdout): kills every
 * worker, whatever its plugin is doing (loading, parsing, hung), and lets no
 * pool start another. What waited on them fails at once.
 */
export function stopAllWorkers(): void {
  stopping = true;
  for (const w of live) w.kill();
}

/** After stopAllWorkers: starting a Worker throws. */
export function workersStopped(): boolean {
  return stopping;
}

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
  listener?: JobListener;
  /** The input a parse job streams, and the line of the last record received from it. */
  input?: string;
  lastLine?: number;
}

/** What a job's caller hears while it runs. */
export interface JobListener {
  progress?(bytes: number): void;
  /**
   * parse: formatted records, in input order. The worker waits for the
   * returned promise (it has at most RECORDS_AHEAD chunks unacknowledged), so
   * a slow consumer slows the worker instead of filling memory.
   */
  records?(chunk: RecordChunk): Promise<void>;
}

/** Limits a worker is held to while it has work in flight. */
export interface WorkerLimits {
  /** No message for this long fails the work and kills the worker (0 = no limit). */
  timeoutMs: number;
  /** Resident memory (native allocations included) above this kills the worker (0 = no limit). */
  memoryBytes: number;
}

export const DEFAULT_WORKER_MEMORY = 2048 * MiB;
const TICK_MS = 100;

export class Worker {
  readonly child: ChildProcess;
  busy = false;
  dead = false;
  private stderrTail = '';
  private lastProgress = Date.now();
  private readonly pending = new Map<number, Pending>();
  private loadWaiter?: Pending;
  private timer?: NodeJS.Timeout;
  /** Record chunks handed to a listener and not acknowledged yet: the worker waits on us, not on its plugin. */
  private owed = 0;
  private stdinFeed?: StdinFeed;

  constructor(readonly key: string, private readonly limits: WorkerLimits) {
    if (stopping) throw new WorkerFailure('logmill is stopping');
    this.child = forkWorker();
    live.add(this);
    this.child.stdin!.on('error', () => undefined); // the worker died while we fed it stdin: its exit says why
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
   * running out of it rejects with a LoadTimeout, not a crash. The memory
   * limit holds during a load too.
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
      this.watch();
      this.post({ type: 'load', file, verified });
    });
  }

  private loadTimedOut(timeoutMs: number): void {
    const w = this.loadWaiter;
    this.loadWaiter = undefined;
    this.kill();
    w?.reject(new LoadTimeout(`no answer within ${timeoutMs / 1000} s (--plugin-load-timeout); worker killed`));
  }

  request(msg: ToWorker & { id: number }, listener?: JobListener): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      // A byte range's lines count from the range's start: no "after file:line" for it (sql splits files).
      const streamed = msg.type === 'job' && msg.job.mode === 'parse' && !msg.job.range ? msg.job.input.name : undefined;
      this.pending.set(msg.id, { resolve, reject, listener, input: streamed });
      this.watch();
      this.post(msg);
      // Standard input reaches the worker through its stdin pipe, nothing spooled (app/inputs/stdin.ts).
      if (msg.type === 'job' && msg.job.input.kind === 'stdin') this.stdinFeed = feedStdin(this.child.stdin!);
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

  /** Starts the watchdog (no progress, memory) while something is in flight. */
  private watch(): void {
    if (this.timer || (this.limits.timeoutMs <= 0 && this.limits.memoryBytes <= 0)) return;
    this.timer = setInterval(() => this.check(), TICK_MS);
    this.timer.unref();
  }

  private check(): void {
    const { timeoutMs, memoryBytes } = this.limits;
    // Waiting for our acknowledgement or for more standard input is not the plugin's fault.
    if (this.owed > 0 || this.stdinFeed?.waiting()) this.lastProgress = Date.now();
    // A load has its own limit (load); --plugin-timeout is about parsing.
    if (timeoutMs > 0 && this.pending.size > 0 && Date.now() - this.lastProgress > timeoutMs) {
      this.stop(`no progress for ${timeoutMs / 1000} s (--plugin-timeout); worker killed`);
    } else if (memoryBytes > 0 && (residentBytes(this.child.pid) ?? 0) > memoryBytes) {
      this.stop(`worker used more than ${Math.round(memoryBytes / MiB)} MiB (--worker-memory); killed`);
    }
  }

  private stop(message: string): void {
    this.fail(message);
    this.kill();
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
      this.pending.get(msg.id)?.listener?.progress?.(msg.bytes);
      return;
    }
    if (msg.type === 'records') {
      this.onRecords(msg);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    this.settleIfIdle();
    p.resolve(msg);
  }

  private onRecords(chunk: RecordChunk): void {
    const p = this.pending.get(chunk.id);
    if (!p) return; // the job already failed: what it printed stays printed, the rest is dropped
    p.lastLine = chunk.lastLine;
    this.owed++;
    const ack = () => {
      this.owed--;
      if (!this.dead) this.post({ type: 'ack', id: chunk.id });
    };
    // A consumer that failed (stdout gone) has nothing to wait for either: its run is ending.
    void Promise.resolve(p.listener?.records?.(chunk)).then(ack, ack);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    live.delete(this);
    this.stdinFeed?.stop();
    if (this.dead && this.pending.size === 0 && !this.loadWaiter) return;
    this.dead = true;
    const cause = err ? `worker could not run: ${err.message}` : describeExit(code, signal);
    const detail = lastMeaningfulLine(this.stderrTail);
    this.fail(detail ? `${cause}: ${detail}` : cause);
  }

  private fail(message: string): void {
    const w = this.loadWaiter;
    this.loadWaiter = undefined;
    w?.reject(new WorkerFailure(message));
    for (const p of this.pending.values()) p.reject(new WorkerFailure(message + whereStopped(p)));
    this.pending.clear();
    this.settleIfIdle();
  }
}

/** For a streamed parse: where the records already printed end. */
function whereStopped(p: Pending): string {
  return p.input !== undefined && p.lastLine !== undefined ? ` after ${p.input}:${p.lastLine}, the last record parsed` : '';
}

/**
 * A worker process. It must not outlive us, even when its plugin is stuck in
 * native code ignoring signals and we are SIGKILLed: under util-linux
 * `setpriv --pdeathsig KILL` the kernel kills it when we die (the setting
 * survives the exec of node). Without setpriv, the worker watches its parent
 * from a thread of its own (worker.ts).
 */
function forkWorker(): ChildProcess {
  const nodeArgs = [...process.execArgv, ...WORKER_V8_FLAGS];
  return fork(WORKER_MAIN, [], {
    ...(SETPRIV ? { execPath: SETPRIV, execArgv: ['--pdeathsig', 'KILL', process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
    serialization: 'advanced',
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    env: { MALLOC_ARENA_MAX: WORKER_MALLOC_ARENAS, ...process.env, LD_BIND_NOW: '1', ...(SETPRIV ? {} : { LOGMILL_WATCH_PARENT: '1' }) },
  });
}

/** LOGMILL_NO_SETPRIV=1 takes the fallback even where setpriv exists (the tests check both). */
const SETPRIV = process.env.LOGMILL_NO_SETPRIV ? undefined : ['/usr/bin/setpriv', '/bin/setpriv'].find((f) => existsSync(f));

/** VmRSS of a process, from /proc; undefined if it is gone. */
function residentBytes(pid: number | undefined): number | undefined {
  try {
    const m = /^VmRSS:\s*(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The line of a dying worker's stderr that says what happened (a Go panic, a symbol lookup error). */
function lastMeaningfulLine(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.find((l) => /^(panic:|fatal error:|runtime error:)|symbol lookup error|undefined symbol|Assertion/.test(l));
  return (telling ?? '').replace(/^node: /, '').slice(0, 300);
}

/**
 * Follow sessions as the main process holds them: a FollowHandle per
 * followed file, hosted in one of a few long-lived workers per processor
 * build (FOLLOW_WORKERS_PER_KEY, whatever the file count), so `watch` on a
 * thousand files starts a handful of processes, not a thousand.
 *
 * The handle owns the file's committed offset and line count on this side.
 * Requests to one worker go one at a time, so when a worker dies the file
 * whose request it was running is known exactly: that read fails with the
 * worker's cause (the signal named), and every other file of that worker is
 * reopened in a fresh worker at its committed offset on its next read, so
 * it loses nothing. A worker that dies with nothing in flight (a plugin
 * thread crashing later) is reported at once through `onIdleCrash`.
 */
import path from 'node:path';
import type { Filter } from '../analysis/filters.js';
import type { PipelineSettings } from '../pipeline.js';
import type { ProcessorInfo } from '../processors/registry.js';
import { findByIdentity } from './identity.js';
import { describeExit, type Pool, type Worker } from '../workers/pool.js';
import { FILE_MOVED, type FollowResult, type ToWorker } from '../workers/protocol.js';

/** Follow workers per processor build (fewer if --jobs is lower); files share them. */
const FOLLOW_WORKERS_PER_KEY = 2;

interface FollowWorker {
  key: string;
  worker: Worker;
  handles: Set<FollowHandle>;
  /** Requests go one at a time: the tail of the chain. */
  queue: Promise<unknown>;
  inflight: FollowHandle | null;
  /** The handle read last: the suspect when the worker dies while idle. */
  lastRead: FollowHandle | null;
  /** Given back on purpose: its exit is not a crash. */
  retired: boolean;
  /** A request failed with the worker's death: already reported, on that file. */
  blamed: boolean;
}

export interface IdleCrash {
  key: string;
  message: string;
  handles: FollowHandle[];
  lastRead: FollowHandle | null;
}

export interface SessionSettings {
  pool: Pool;
  pipeline: PipelineSettings;
  filter: Filter;
  alert: Filter | null;
  onIdleCrash(crash: IdleCrash): void;
}

export class FollowSessions {
  private readonly groups = new Map<string, FollowWorker[]>();
  private readonly spawning = new Map<string, Promise<FollowWorker | null>>();
  private nextSid = 1;
  private closed = false;

  constructor(private readonly deps: SessionSettings) {}

  /** Opens a session for the file at `from`; throws with the reason if it cannot. */
  async open(file: { path: string; identity: string; processor: ProcessorInfo; from: number; lines: number }): Promise<FollowHandle> {
    const h = new FollowHandle(this, file.path, file.identity, file.processor, file.from, file.lines);
    await h.reopen();
    return h;
  }

  /** The number of live follow worker processes. */
  get workers(): number {
    return [...this.groups.values()].reduce((n, g) => n + g.length, 0);
  }

  /** Gives every follow worker back to the pool. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      for (const fw of group) {
        fw.retired = true;
        this.deps.pool.giveBack(fw.worker);
      }
    }
    this.groups.clear();
  }

  /** @internal Sends one request for `h` on its worker, after the ones before it. */
  send(fw: FollowWorker, h: FollowHandle, msg: ToWorker & { id: number }): Promise<FollowResult> {
    const run = async () => {
      if (fw.worker.dead) throw new StaleSession();
      fw.inflight = h;
      try {
        return (await fw.worker.request(msg)) as FollowResult;
      } catch (err) {
        fw.blamed = true; // its death is this request's failure (a crash, the --plugin-timeout watchdog)
        throw err;
      } finally {
        fw.inflight = null;
      }
    };
    const res = fw.queue.then(run, run);
    fw.queue = res.catch(() => undefined);
    return res;
  }

  /** @internal */
  openMessage(h: FollowHandle, sid: number): ToWorker & { id: number } {
    return {
      type: 'follow-open', id: this.deps.pool.id(), sid, path: h.path, name: h.path, identity: h.identity, processor: h.processor.name,
      format: h.processor.format, settings: this.deps.pipeline, filter: this.deps.filter, alert: this.deps.alert, from: h.committed, lines: h.lines,
    };
  }

  /** @internal */
  id(): number {
    return this.deps.pool.id();
  }

  /** @internal */
  sid(): number {
    return this.nextSid++;
  }

  /** @internal A live worker for the processor: a new one while there are fewer than the limit, else the least loaded. */
  async workerFor(p: ProcessorInfo): Promise<FollowWorker> {
    const alive = (this.groups.get(p.key) ?? []).filter((fw) => !fw.worker.dead);
    const enough = alive.length >= Math.min(FOLLOW_WORKERS_PER_KEY, this.deps.pool.jobs) || (alive.length > 0 && this.spawning.has(p.key));
    if (enough) return leastLoaded(alive);
    let spawn = this.spawning.get(p.key);
    if (!spawn) {
      spawn = this.spawn(p.key).finally(() => this.spawning.delete(p.key));
      this.spawning.set(p.key, spawn);
    }
    const fw = (await spawn) ?? (alive.length > 0 ? leastLoaded(alive) : null);
    if (!fw) throw new Error('the plugin could not be loaded in a worker');
    return fw;
  }

  private async spawn(key: string): Promise<FollowWorker | null> {
    if (this.closed) return null;
    const worker = await this.deps.pool.dedicated(key);
    if (!worker || worker.dead) return null;
    const fw: FollowWorker = { key, worker, handles: new Set(), queue: Promise.resolve(), inflight: null, lastRead: null, retired: false, blamed: false };
    worker.child.once('exit', (code, signal) => this.lost(fw, describeExit(code, signal)));
    const group = this.groups.get(key) ?? [];
    group.push(fw);
    this.groups.set(key, group);
    return fw;
  }

  /** A worker died: its in-flight request fails on its own; the other files move on their next read. */
  private lost(fw: FollowWorker, message: string): void {
    const group = this.groups.get(fw.key);
    if (group?.includes(fw)) group.splice(group.indexOf(fw), 1);
    if (fw.retired || this.closed) return;
    const handles = [...fw.handles];
    for (const h of handles) h.detach();
    if (fw.inflight || fw.blamed) return;
    this.deps.onIdleCrash({ key: fw.key, message, handles, lastRead: fw.lastRead });
  }
}

/** The worker died before this request was sent: nothing was read, reopen and ask again. */
class StaleSession extends Error {}

function leastLoaded(group: FollowWorker[]): FollowWorker {
  return group.reduce((a, b) => (b.handles.size < a.handles.size ? b : a));
}

/** One followed file's session: where it is committed, and the worker that reads it. */
export class FollowHandle {
  private fw: FollowWorker | null = null;
  private sid = 0;
  /** Bytes read past `committed` but not yet a complete record. */
  pending = 0;

  constructor(
    private readonly sessions: FollowSessions,
    /** Updated on rename; used when the session must be reopened. */
    public path: string,
    readonly identity: string,
    readonly processor: ProcessorInfo,
    public committed: number,
    public lines: number,
  ) {}

  /** Reads what was appended (`idle`: also emit a record held open for continuation lines). */
  async read(idle: boolean): Promise<FollowResult> {
    if (!this.fw) await this.reopen();
    let res: FollowResult;
    try {
      res = await this.readOnce(idle);
    } catch (err) {
      if (!(err instanceof StaleSession)) throw err;
      this.detach(); // its worker died running another file's request: move to a fresh one
      await this.reopen();
      res = await this.readOnce(idle);
    }
    this.committed = res.committed;
    this.lines = res.lines;
    this.pending = res.pending;
    return res;
  }

  private readOnce(idle: boolean): Promise<FollowResult> {
    const fw = this.fw!;
    fw.lastRead = this;
    return this.sessions.send(fw, this, { type: 'follow-read', id: this.sessions.id(), sid: this.sid, idle });
  }

  async close(): Promise<void> {
    const fw = this.fw;
    this.fw = null;
    if (!fw || fw.worker.dead) return;
    fw.handles.delete(this);
    await this.sessions.send(fw, this, { type: 'follow-close', id: this.sessions.id(), sid: this.sid }).catch(() => undefined);
  }

  /** @internal Its worker died while running another file's request. */
  detach(): void {
    this.fw = null;
    this.pending = 0;
  }

  /** @internal Opens the session (again) in a live worker, at the committed offset. */
  async reopen(): Promise<void> {
    try {
      await this.openOnce();
    } catch (err) {
      if (!(err instanceof StaleSession)) throw err;
      await this.openOnce(); // the worker it picked died meanwhile
    }
  }

  private async openOnce(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.openAt();
      } catch (err) {
        // Renamed between the main process's stat and the worker's open: look for it beside its old name.
        const moved = err instanceof Error && err.message === FILE_MOVED && attempt < 3 ? await findByIdentity(path.dirname(this.path), this.identity) : null;
        if (!moved) throw err;
        this.path = moved;
      }
    }
  }

  private async openAt(): Promise<void> {
    const fw = await this.sessions.workerFor(this.processor);
    const sid = this.sessions.sid();
    fw.handles.add(this);
    try {
      const res = await this.sessions.send(fw, this, this.sessions.openMessage(this, sid));
      if (res.error) throw new Error(res.error);
    } catch (err) {
      fw.handles.delete(this);
      throw err;
    }
    this.fw = fw;
    this.sid = sid;
  }
}

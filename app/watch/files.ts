/**
 * The followed log files of `logmill watch`, like `tail -F` and Fluent Bit's
 * tail input: files are known by identity (device + inode), not name, so a
 * rotated (renamed) file is read to its end and never read twice, a new file
 * under the old name starts from its beginning, and a truncated file
 * (copytruncate) starts over. Each file has a follow session in a worker
 * (app/workers/follow.ts) hosting its processor; its committed offset goes
 * to --state. A file no processor handles yet is held until a plugin for it
 * arrives.
 */
import { watch, type FSWatcher } from 'chokidar';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import fg from 'fast-glob';
import type { Filter } from '../analysis/filters.js';
import type { PipelineSettings } from '../pipeline.js';
import type { ProcessorInfo, Registry } from '../processors/registry.js';
import { readHead } from '../inputs/read.js';
import { DETECT_BYTES, extensionOf, route } from '../routing.js';
import type { Pool, Worker } from '../workers/pool.js';
import type { FollowResult } from '../workers/protocol.js';
import type { WatchOutput } from './output.js';
import type { WatchState } from './state.js';

/** Extensions that say nothing about the format: such files fall back to text. Others wait for a plugin. */
const GENERIC_EXTENSIONS = new Set(['log', 'txt', 'text', 'out', 'err']);

/**
 * A record held open for continuation lines is emitted once its file has
 * been quiet this long (Fluent Bit's multiline flush_timeout); a later
 * continuation line then starts a record of its own.
 */
const IDLE_MS = 1000;
const POLL_MS = 1000;

interface Tracked {
  id: string;
  path: string;
  processor?: ProcessorInfo;
  worker?: Worker;
  sid?: number;
  committed: number;
  /** committed + bytes read but not committed: where the next read starts. */
  readTo: number;
  lines: number;
  reading: Promise<void> | null;
  again: boolean;
  opening: Promise<void> | null;
  /** Fires when the file has been quiet for IDLE_MS with bytes pending. */
  idleTimer?: NodeJS.Timeout;
  held?: string;
  failed?: string;
}

export interface FollowStats {
  records: number;
  malformed: number;
  severity: number[];
  latestErrors: { file: string; line: number; message: string }[];
}

export interface FollowDeps {
  pool: Pool;
  registry: () => Registry;
  pipeline: PipelineSettings;
  alert: Filter | null;
  state: WatchState;
  output: WatchOutput;
  stats: FollowStats;
  /** Existing files start at their end (like `tail -F`) unless --state knows them. */
  fromEnd: boolean;
}

export class Follower {
  private readonly byId = new Map<string, Tracked>();
  private readonly workers = new Map<string, Worker>();
  private readonly ended = new Map<string, { offset: number; lines: number }>();
  private watcher?: FSWatcher;
  private nextSid = 1;
  private readonly matchers: ((p: string) => boolean)[];
  private readonly roots: string[];
  private startup = true;
  private stopping = false;
  private poll?: NodeJS.Timeout;
  private missing: string[] = [];
  private readonly queues = new Map<string, Promise<void>>();

  constructor(paths: string[], private readonly deps: FollowDeps) {
    this.roots = [];
    this.matchers = paths.map((arg) => {
      if (fg.isDynamicPattern(arg)) {
        const base = fg.generateTasks([arg])[0]?.base ?? '.';
        this.roots.push(base);
        const m = picomatch(path.resolve(arg));
        return (p: string) => m(path.resolve(p));
      }
      this.roots.push(arg);
      const abs = path.resolve(arg);
      return (p: string) => {
        const r = path.resolve(p);
        return (r === abs || r.startsWith(abs + path.sep)) && !path.relative(abs, r).split(path.sep).some((s) => s.startsWith('.'));
      };
    });
  }

  get count(): number {
    return [...this.byId.values()].filter((t) => !t.failed).length;
  }

  get held(): number {
    return [...this.byId.values()].filter((t) => t.held).length;
  }

  async start(): Promise<void> {
    // Like tail -F, a path that does not exist yet is looked for again every second (recheck).
    this.missing = this.roots.filter((root) => !existsSync(root));
    for (const root of this.missing) this.deps.output.event('watch-warning', { path: root, message: 'no such file or directory yet: it is followed once it appears' });
    const present = this.roots.filter((root) => !this.missing.includes(root));
    this.watcher = watch(present, { ignoreInitial: false, alwaysStat: true, followSymlinks: true });
    this.watcher.on('add', (p) => { const initial = this.startup; this.enqueue(p, () => this.onAdd(p, initial)); });
    this.watcher.on('change', (p) => this.enqueue(p, () => this.onChange(p)));
    this.watcher.on('unlink', (p) => this.enqueue(p, () => this.onUnlink(p)));
    this.watcher.on('error', (err) => this.deps.output.event('watch-error', { message: (err as Error).message }));
    // chokidar announces 'ready' after its first scan; with nothing to scan yet it never does.
    if (present.length > 0) await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.startup = false;
    // File events can be missed or merged (a truncation and a write in one tick):
    // like tail -F, also look at every followed file once a second.
    this.poll = setInterval(() => void this.recheck(), POLL_MS);
  }

  private async recheck(): Promise<void> {
    const appeared = this.missing.filter((root) => existsSync(root));
    if (appeared.length > 0) {
      this.missing = this.missing.filter((root) => !appeared.includes(root));
      this.watcher?.add(appeared);
    }
    for (const t of [...this.byId.values()]) {
      if (t.failed || this.queues.has(t.path)) continue;
      const st = await stat(t.path).catch(() => null);
      if (st && `${st.dev}:${st.ino}` === t.id && (st.size !== t.readTo || t.sid === undefined) && !t.held) {
        this.enqueue(t.path, () => this.onChange(t.path));
      }
    }
  }

  /** Plugins changed: held files may have a processor now. */
  retryHeld(): void {
    for (const t of this.byId.values()) if (t.held) void this.open(t);
  }

  /** Stops watching, lets reads in flight finish, closes every session. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    for (const t of this.byId.values()) clearTimeout(t.idleTimer);
    await this.watcher?.close();
    await Promise.all(this.queues.values());
    await Promise.all([...this.byId.values()].map((t) => t.reading));
    for (const w of this.workers.values()) this.deps.pool.giveBack(w);
  }

  /** Events for one path are handled one after another (a truncation must not race the next append). */
  private enqueue(p: string, handle: () => Promise<void>): void {
    const next = (this.queues.get(p) ?? Promise.resolve()).then(handle).catch((err) => {
      this.deps.output.event('watch-error', { file: p, message: (err as Error).message });
    });
    this.queues.set(p, next);
    void next.then(() => {
      if (this.queues.get(p) === next) this.queues.delete(p);
    });
  }

  private wanted(p: string): boolean {
    return this.matchers.some((m) => m(p));
  }

  /** `initial`: found by the startup scan, not created while watching. */
  private async onAdd(p: string, initial = false): Promise<void> {
    if (!this.wanted(p)) return;
    const st = await stat(p).catch(() => null);
    if (!st?.isFile()) return;
    const id = `${st.dev}:${st.ino}`;
    const known = this.byId.get(id);
    if (known) {
      known.path = p; // renamed: same file, same session
      return this.pump(known);
    }
    const saved = this.deps.state.get(id) ?? this.ended.get(id);
    let committed = saved && saved.offset <= st.size ? saved.offset : 0;
    let lines = saved && saved.offset <= st.size ? saved.lines : 0;
    if (!saved && initial && this.deps.fromEnd) {
      committed = st.size;
      lines = 0;
    }
    const t: Tracked = { id, path: p, committed, readTo: committed, lines, reading: null, again: false, opening: null };
    this.byId.set(id, t);
    if (!initial) this.deps.output.event('file-added', { file: p });
    await this.open(t);
  }

  private async onChange(p: string): Promise<void> {
    if (!this.wanted(p)) return;
    const st = await stat(p).catch(() => null);
    if (!st) return;
    const id = `${st.dev}:${st.ino}`;
    const t = this.byId.get(id);
    if (!t) {
      // A new file under a known name (rotation by rename + create): the old one is finished by its unlink.
      for (const old of this.byId.values()) if (old.path === p) void this.finish(old, 'file-rotated');
      return this.onAdd(p);
    }
    if (st.size < t.readTo) {
      // copytruncate: the content was copied away and the file emptied. Emit what
      // was held back (its bytes are gone from the file), then start over.
      // Like tail -F, a truncation followed at once by more writes than before is not seen.
      this.deps.output.event('file-truncated', { file: p, offset: t.readTo });
      await this.pump(t, true);
      await this.closeSession(t);
      t.committed = 0;
      t.readTo = 0;
      t.lines = 0;
      return this.open(t);
    }
    if (t.sid === undefined) return this.open(t); // empty or held until now
    return this.pump(t);
  }

  private async onUnlink(p: string): Promise<void> {
    for (const t of this.byId.values()) {
      if (t.path === p) await this.finish(t, 'file-rotated');
    }
  }

  /** Reads a file that went away (renamed or deleted) to its end through the open session, then forgets it. */
  private async finish(t: Tracked, event: string): Promise<void> {
    if (!this.byId.has(t.id)) return;
    await this.pump(t);
    await this.pump(t, true); // nothing more will be appended: emit what was held open
    await this.closeSession(t);
    this.byId.delete(t.id);
    this.ended.set(t.id, { offset: t.committed, lines: t.lines });
    this.deps.output.event(event, { file: t.path, offset: t.committed });
  }

  /** Routes the file and opens its follow session; holds it if no processor handles it yet. */
  private open(t: Tracked): Promise<void> {
    if (t.failed || t.sid !== undefined) return Promise.resolve();
    t.opening ??= this.route(t).finally(() => {
      t.opening = null;
    });
    return t.opening;
  }

  private async route(t: Tracked): Promise<void> {
    const head = await readHead({ kind: 'file', path: t.path, name: t.path, explicit: true }, DETECT_BYTES).catch(() => undefined);
    if (!head) return; // empty: routed on its first change
    const routed = await route(t.path, head, this.deps.registry());
    const ext = extensionOf(t.path);
    const waiting = 'error' in routed
      ? routed.error
      : routed.processor.name === 'text' && ext && !GENERIC_EXTENSIONS.has(ext) && routed.reason.startsWith('by default')
        ? `no processor for .${ext} files yet`
        : undefined;
    if (waiting || 'error' in routed) {
      if (t.held !== waiting) this.deps.output.event('file-held', { file: t.path, reason: waiting });
      t.held = waiting;
      return;
    }
    const wasHeld = t.held !== undefined;
    t.held = undefined;
    t.processor = routed.processor;
    const worker = await this.workerFor(routed.processor);
    if (!worker) return this.fail(t, `${routed.processor.name}: the plugin could not be loaded in a worker`);
    t.worker = worker;
    t.sid = this.nextSid++;
    const res = await this.request(t, { type: 'follow-open', id: this.deps.pool.id(), sid: t.sid, path: t.path, name: t.path, processor: routed.processor.name, settings: this.deps.pipeline, alert: this.deps.alert, from: t.committed, lines: t.lines });
    if (!res) return;
    if (res.error) return this.fail(t, res.error);
    this.deps.output.event(wasHeld ? 'file-released' : 'file-routed', { file: t.path, format: routed.processor.name, reason: routed.reason, from: t.committed });
    await this.pump(t);
  }

  /** Reads what was appended; serialized per file (a change during a read triggers one more read). */
  private pump(t: Tracked, idle = false): Promise<void> {
    if (t.sid === undefined || t.failed) return Promise.resolve();
    clearTimeout(t.idleTimer);
    if (t.reading) {
      t.again = true;
      return t.reading;
    }
    t.reading = (async () => {
      let pending = 0;
      do {
        t.again = false;
        const res = await this.request(t, { type: 'follow-read', id: this.deps.pool.id(), sid: t.sid!, idle: idle && !t.again });
        if (!res) return;
        this.apply(t, res);
        pending = res.pending;
      } while (t.again && !t.failed);
      if (pending > 0 && !idle && !this.stopping) {
        t.idleTimer = setTimeout(() => void this.pump(t, true), IDLE_MS);
      }
    })().finally(() => {
      t.reading = null;
    });
    return t.reading;
  }

  private apply(t: Tracked, res: FollowResult): void {
    const s = this.deps.stats;
    s.records += res.records;
    s.malformed += res.malformed;
    res.severity.forEach((n, i) => (s.severity[i] += n));
    for (const r of res.alerts) {
      this.deps.output.record(t.path, r);
      if (r.severity >= 6) s.latestErrors = [...s.latestErrors.slice(-4), { file: t.path, line: r.line, message: r.message }];
    }
    t.committed = res.committed;
    t.readTo = res.committed + res.pending;
    t.lines = res.lines;
    this.deps.state.set(t.id, { path: t.path, offset: t.committed, lines: t.lines });
    if (res.error) this.fail(t, res.error);
  }

  private async closeSession(t: Tracked): Promise<void> {
    clearTimeout(t.idleTimer);
    if (t.sid === undefined || !t.worker || t.worker.dead) return;
    const sid = t.sid;
    t.sid = undefined;
    await t.worker.request({ type: 'follow-close', id: this.deps.pool.id(), sid }).catch(() => undefined);
  }

  private async request(t: Tracked, msg: Parameters<Worker['request']>[0]): Promise<FollowResult | null> {
    try {
      return (await t.worker!.request(msg)) as FollowResult;
    } catch (err) {
      this.fail(t, (err as Error).message);
      return null;
    }
  }

  private fail(t: Tracked, message: string): void {
    if (t.failed) return;
    t.failed = message;
    const who = t.processor?.origin.kind === 'plugin' ? `plugin ${t.processor.name}` : t.processor?.name ?? 'logmill';
    this.deps.output.event('file-error', { file: t.path, message: `[${who}] ${t.path}: ${message}` });
  }

  /** One long-lived worker per processor build, shared by all its files' sessions. */
  private async workerFor(p: ProcessorInfo): Promise<Worker | null> {
    const existing = this.workers.get(p.key);
    if (existing && !existing.dead) return existing;
    const w = await this.deps.pool.dedicated(p.key);
    if (w) this.workers.set(p.key, w);
    return w;
  }
}

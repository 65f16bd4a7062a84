/**
 * The followed log files of `logmill watch`, like `tail -F` and Fluent Bit's
 * tail input. A file is known by device + inode and by its first bytes
 * (identity.ts), so:
 * - a renamed file is the same file: read on under its new name, or, when
 *   the new name is not watched, for ROTATE_WAIT_MS more (Fluent Bit's
 *   rotate_wait) so late writes to it are still read;
 * - a truncated file (copytruncate, detected by size or by a changed start)
 *   starts over, and its copy (a sibling that starts with the same bytes) is
 *   read from where the live file had been read, never from 0;
 * - a new file under a reused inode starts from its beginning.
 * Each file has a follow session (sessions.ts); its committed offset goes to
 * --state. A file no processor handles yet is held until a plugin arrives.
 */
import { watch, type FSWatcher } from 'chokidar';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Severity } from '../../contract/severity.js';
import type { Filter } from '../analysis/filters.js';
import type { PipelineSettings } from '../pipeline.js';
import type { Registry } from '../processors/registry.js';
import type { Pool } from '../workers/pool.js';
import type { FollowResult } from '../workers/protocol.js';
import { copiesOnDisk, findByIdentity, fingerprint, isGzip, matchesFingerprint, readStart, sameStart, startsWith, type Fingerprint } from './identity.js';
import type { WatchOutput } from './output.js';
import { PathMatcher } from './paths.js';
import { GZIP_SKIPPED, routeFollowed } from './route.js';
import { FollowSessions, type IdleCrash } from './sessions.js';
import type { WatchState } from './state.js';
import { Limiter, track, type Tracked } from './tracked.js';

/**
 * A record held open for continuation lines is emitted once its file has
 * been quiet this long (Fluent Bit's multiline flush_timeout); a later
 * continuation line then starts a record of its own.
 */
const IDLE_MS = 1000;
const POLL_MS = 1000;
/**
 * The followed paths are listed again this often (and once right after the
 * watchers are ready), so a file whose event was missed is still followed:
 * one created while chokidar made its first scan, or lost when inotify's
 * queue overflowed (Fluent Bit's tail rescans its paths likewise, every
 * refresh_interval).
 */
const RESCAN_MS = 30_000;
/** A renamed-away or deleted file is still read this long (Fluent Bit's rotate_wait, 5 s). */
export const ROTATE_WAIT_MS = 5000;
/** A plugin worker that dies idle this often after reading the same file fails that file. */
const IDLE_CRASHES_TO_FAIL = 2;

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
  /** --level, --since, --until: applied in the worker before counting. */
  filter: Filter;
  /** --format: every followed file is read with this processor. */
  format?: string;
  alert: Filter | null;
  state: WatchState;
  output: WatchOutput;
  stats: FollowStats;
  /** Existing files start at their end (like `tail -F`) unless --state knows them. */
  fromEnd: boolean;
}

type Position = { committed: number; lines: number } & Partial<Fingerprint>;

export class Follower {
  private readonly byId = new Map<string, Tracked>();
  private readonly ended = new Map<string, Position & { offset: number }>();
  private readonly skipped = new Set<string>();
  private readonly paths: PathMatcher;
  private readonly sessions: FollowSessions;
  private readonly routing: Limiter;
  /** What a new path is, and which files are copies of a truncated one, is decided one at a time. */
  private readonly identity = new Limiter(1);
  private watchers: FSWatcher[] = [];
  private startup = true;
  private stopping = false;
  private poll?: NodeJS.Timeout;
  private rescanTimer?: NodeJS.Timeout;
  private missing: string[] = [];
  private readonly queues = new Map<string, Promise<void>>();

  constructor(paths: string[], private readonly deps: FollowDeps) {
    this.paths = new PathMatcher(paths);
    this.sessions = new FollowSessions({ pool: deps.pool, pipeline: deps.pipeline, filter: deps.filter, alert: deps.alert, onIdleCrash: (c) => this.onIdleCrash(c) });
    // Routing asks each detecting plugin's worker for a score: one file at a time keeps that
    // to one process per plugin however many files arrive at once (D7: one per file before).
    this.routing = new Limiter(1);
  }

  get count(): number {
    return [...this.byId.values()].filter((t) => !t.failed && !t.transient).length;
  }

  get held(): number {
    return [...this.byId.values()].filter((t) => t.held).length;
  }

  async start(): Promise<void> {
    // Like tail -F, a path that does not exist yet is looked for again every second (recheck).
    this.missing = this.paths.roots.filter((root) => !existsSync(root));
    for (const root of this.missing) this.deps.output.event('watch-warning', { path: root, message: 'no such file or directory yet: it is followed once it appears' });
    const present = this.paths.roots.filter((root) => !this.missing.includes(root));
    const watchers = [watch(present, { ignoreInitial: false, alwaysStat: true, followSymlinks: true })];
    if (this.paths.fileDirs.length > 0) {
      // Other files in those directories are not followed: not even watched.
      const ignored = (p: string, st?: { isFile(): boolean }) => st?.isFile() === true && !this.paths.wanted(p);
      watchers.push(watch(this.paths.fileDirs, { ignoreInitial: false, alwaysStat: true, followSymlinks: true, depth: 0, ignored }));
    }
    this.watchers = watchers;
    for (const w of watchers) this.listen(w);
    // chokidar announces 'ready' after its first scan; with nothing to scan yet it never does.
    const scanning = watchers.filter((_, i) => i > 0 || present.length > 0);
    await Promise.all(scanning.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))));
    this.startup = false;
    // File events can be missed or merged (a truncation and a write in one tick):
    // like tail -F, also look at every followed file once a second.
    this.poll = setInterval(() => void this.recheck(), POLL_MS);
    void this.rescan();
    this.rescanTimer = setInterval(() => void this.rescan(), RESCAN_MS);
  }

  /** Follows every wanted file there is that no event announced (see RESCAN_MS). */
  private async rescan(): Promise<void> {
    for (const p of await this.paths.present()) {
      if (this.queues.has(p) || !(await this.unknown(p))) continue;
      // Queued behind any event for the path: by the time it runs, the event may have made it known.
      this.enqueue(p, async () => {
        if (await this.unknown(p)) await this.onAdd(p);
      });
    }
  }

  /** Whether the file at `p` was never seen: not followed, not skipped, not read to its end and let go. */
  private async unknown(p: string): Promise<boolean> {
    const st = await stat(p).catch(() => null);
    if (!st?.isFile()) return false;
    const id = `${st.dev}:${st.ino}`;
    return !this.byId.has(id) && !this.skipped.has(id) && !this.ended.has(id);
  }

  private listen(watcher: FSWatcher): void {
    watcher.on('add', (p) => { const initial = this.startup; this.enqueue(p, () => this.onAdd(p, initial)); });
    watcher.on('change', (p) => this.enqueue(p, () => this.onChange(p)));
    watcher.on('unlink', (p) => this.enqueue(p, () => this.onUnlink(p)));
    watcher.on('error', (err) => this.deps.output.event('watch-error', { message: (err as Error).message }));
  }

  private async recheck(): Promise<void> {
    const appeared = this.missing.filter((root) => existsSync(root));
    if (appeared.length > 0) {
      this.missing = this.missing.filter((root) => !appeared.includes(root));
      this.watchers[0]?.add(appeared);
    }
    for (const t of [...this.byId.values()]) {
      if (t.failed || t.held || t.copyOf) continue;
      if (t.rotating) {
        void this.pump(t); // its name is gone: read through the open session
        continue;
      }
      if (this.queues.has(t.path)) continue;
      const st = await stat(t.path).catch(() => null);
      if (!st) continue;
      const id = `${st.dev}:${st.ino}`;
      // Grown, not opened yet, or a new file under its name that no event announced (a watched
      // file, not a directory, loses its events once renamed away): onChange tells which.
      if (id === t.id ? st.size !== t.readTo || t.session === undefined : !this.byId.has(id)) {
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
    clearInterval(this.rescanTimer);
    for (const t of this.byId.values()) {
      clearTimeout(t.idleTimer);
      clearTimeout(t.rotating);
    }
    await Promise.all(this.watchers.map((w) => w.close()));
    await Promise.all(this.queues.values());
    await Promise.all([...this.byId.values()].map((t) => t.reading));
    this.sessions.close();
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

  /** `initial`: found by the startup scan, not created while watching. */
  private async onAdd(p: string, initial = false): Promise<void> {
    if (!this.paths.wanted(p)) return;
    const t = await this.identity.run(() => this.recognize(p, initial));
    if (t) await this.open(t);
  }

  /**
   * Decides what a path is: a known file renamed, a new file, or a copy of a
   * live one. One decision at a time (with claimCopies): a copy must not be
   * taken for a new file while its original's truncation is being handled.
   */
  private async recognize(p: string, initial: boolean): Promise<Tracked | undefined> {
    const st = await stat(p).catch(() => null);
    if (!st?.isFile()) return;
    const id = `${st.dev}:${st.ino}`;
    const known = this.byId.get(id);
    if (known) {
      void this.renamed(known, p);
      return;
    }
    if (this.skipped.has(id)) return;
    const head = await readStart(p);
    if (isGzip(head)) {
      this.skipped.add(id);
      this.deps.output.event('file-skipped', { file: p, reason: GZIP_SKIPPED });
      return;
    }
    const start = this.startingPoint(id, p, head, st.size, initial);
    const t = track(id, p, head, start, { copyOf: start.copyOf });
    this.byId.set(id, t);
    if (!initial) this.deps.output.event('file-added', { file: p });
    if (t.copyOf) {
      this.deps.output.event('file-copy', { file: p, of: t.copyOf.path, message: 'starts like a followed file: read from where that one is, once it is truncated or gone' });
      return;
    }
    return t;
  }

  /** Where a newly seen file starts: what is known of it by inode and fingerprint, or a copy of a live file. */
  private startingPoint(id: string, p: string, head: Buffer, size: number, initial: boolean): Position & { copyOf?: Tracked } {
    const saved = this.ended.get(id) ?? this.deps.state.get(id);
    if (saved && saved.offset <= size && matchesFingerprint(head, saved)) return { committed: saved.offset, lines: saved.lines };
    if (saved) {
      this.deps.output.event('file-replaced', { file: p, message: `inode ${id} is known, but its content is not the file read before: read from its start` });
    }
    const copyOf = this.liveOriginal(id, p, head);
    if (copyOf) return { committed: 0, lines: 0, copyOf };
    const moved = this.deps.state.findByStart(head, size);
    if (moved) return { committed: moved.offset, lines: moved.lines };
    if (initial && this.deps.fromEnd) return { committed: size, lines: 0 };
    return { committed: 0, lines: 0 };
  }

  /** A followed file in the same directory whose start `head` repeats: `head` is its copy. */
  private liveOriginal(id: string, p: string, head: Buffer): Tracked | undefined {
    const dir = path.dirname(p);
    return [...this.byId.values()].find((t) => t.id !== id && !t.copyOf && !t.transient && path.dirname(t.path) === dir && startsWith(head, t.head));
  }

  /** The same file under a new name: read on, under the new name, for as long as it is watched. */
  private renamed(t: Tracked, p: string): Promise<void> {
    clearTimeout(t.rotating);
    t.rotating = undefined;
    t.transient = false;
    t.path = p;
    if (t.session) t.session.path = p;
    return t.session ? this.pump(t) : this.open(t);
  }

  private async onChange(p: string): Promise<void> {
    if (!this.paths.wanted(p)) return;
    const st = await stat(p).catch(() => null);
    if (!st) return;
    const id = `${st.dev}:${st.ino}`;
    const t = this.byId.get(id);
    if (!t) {
      // A new file under a known name (rotation by rename + create): the old one is read on for a while.
      for (const old of this.byId.values()) if (old.path === p) this.rotated(old);
      return this.onAdd(p);
    }
    if (t.copyOf || t.failed) return;
    const head = await readStart(p);
    if (st.size < t.readTo || !sameStart(head, t.head)) return this.truncated(t, head);
    if (head.length > t.head.length) t.head = head;
    if (t.session === undefined) return this.open(t); // empty or held until now
    return this.pump(t);
  }

  /** Its session found it truncated or rewritten (whatever the events said): start over, as for a truncation. */
  private async onRewritten(t: Tracked, epoch: number): Promise<void> {
    if (this.byId.get(t.id) !== t || t.failed) return;
    if (t.epoch !== epoch) return this.pump(t); // already started over since that read
    const st = await stat(t.path).catch(() => null);
    if (!st || `${st.dev}:${st.ino}` !== t.id) return this.finish(t, 'file-rotated'); // renamed away meanwhile
    return this.truncated(t, await readStart(t.path));
  }

  private async onUnlink(p: string): Promise<void> {
    for (const t of this.byId.values()) if (t.path === p) this.rotated(t);
  }

  /** Its name is gone (renamed or deleted): keep reading it through the open session for ROTATE_WAIT_MS. */
  private rotated(t: Tracked): void {
    if (t.rotating || this.stopping) return;
    t.rotating = setTimeout(() => void this.finish(t, 'file-rotated'), ROTATE_WAIT_MS);
    void (t.session ? this.pump(t) : this.openMoved(t));
  }

  /** Renamed before it was ever opened (empty until then): found beside its old name and read there. */
  private async openMoved(t: Tracked): Promise<void> {
    const moved = await findByIdentity(path.dirname(t.path), t.id);
    if (!moved || t.session) return;
    t.path = moved;
    await this.open(t);
  }

  /**
   * copytruncate: the content was copied away and the file emptied (or
   * emptied and written again). What was not read yet is in the copy, read
   * from where this file was; without a copy, emit what was held back (its
   * bytes are gone), then start over.
   */
  private async truncated(t: Tracked, head: Buffer): Promise<void> {
    this.deps.output.event('file-truncated', { file: t.path, offset: t.readTo });
    await t.reading; // a read in flight still counts from before the truncation
    const copies = await this.identity.run(() => this.claimCopies(t, head));
    if (copies.length === 0) await this.pump(t, true);
    await this.closeSession(t);
    const from = { committed: t.committed, lines: t.lines };
    Object.assign(t, { committed: 0, readTo: 0, lines: 0, epoch: t.epoch + 1 });
    for (const c of copies) void this.readCopy(c, from);
    return this.open(t);
  }

  /**
   * Copies of truncated `t`: followed ones waiting for it, and siblings on
   * disk that start like it did. Marked as its copies, and `t` takes its new
   * start, in one step, so a copy appearing meanwhile is never read from 0.
   */
  private async claimCopies(t: Tracked, head: Buffer): Promise<Tracked[]> {
    const old = t.head;
    t.head = head;
    const known = (id: string) => this.byId.has(id) || this.ended.has(id);
    for (const c of await copiesOnDisk(t.path, old, t.committed, known)) {
      this.byId.set(c.id, track(c.id, c.path, c.head, { committed: 0, lines: 0 }, { transient: true, copyOf: t }));
      this.deps.output.event('file-copy', { file: c.path, of: t.path, message: 'a copy of a truncated file: read from where that one was' });
    }
    return [...this.byId.values()].filter((c) => c.copyOf === t);
  }

  /** Reads a copy from where its original had been read; a copy nobody watches is let go at its end. */
  private async readCopy(c: Tracked, from: { committed: number; lines: number }): Promise<void> {
    Object.assign(c, { copyOf: undefined, committed: from.committed, readTo: from.committed, lines: from.lines });
    await this.open(c);
    if (c.transient) await this.finish(c);
  }

  /** Reads a file that went away (renamed or deleted) to its end through the open session, then forgets it. */
  private async finish(t: Tracked, event?: string): Promise<void> {
    if (this.byId.get(t.id) !== t) return;
    await this.pump(t);
    await this.pump(t, true); // nothing more will be appended: emit what was held open
    await this.closeSession(t);
    this.byId.delete(t.id);
    this.ended.set(t.id, { offset: t.committed, committed: t.committed, lines: t.lines, ...fingerprint(t.head) });
    if (event) this.deps.output.event(event, { file: t.path, offset: t.committed });
    for (const c of this.byId.values()) if (c.copyOf === t) void this.readCopy(c, { committed: t.committed, lines: t.lines });
  }

  /** Routes the file, opens its follow session and reads it; holds it if no processor handles it yet. */
  private open(t: Tracked): Promise<void> {
    if (t.failed || t.session !== undefined || t.copyOf) return Promise.resolve();
    // Routing is one file at a time; the first read is not part of it, so a plugin that hangs on
    // this file's bytes does not keep other files from being routed (callers still get a file read).
    t.opening ??= this.routing.run(() => this.route(t)).then(() => this.pump(t)).finally(() => {
      t.opening = null;
    });
    return t.opening;
  }

  private async route(t: Tracked): Promise<void> {
    const routed = await routeFollowed(t.path, this.deps.registry(), this.deps.format);
    if ('empty' in routed) return;
    if ('held' in routed) {
      if (t.held !== routed.held) this.deps.output.event('file-held', { file: t.path, reason: routed.held });
      t.held = routed.held;
      return;
    }
    const wasHeld = t.held !== undefined;
    t.held = undefined;
    t.processor = routed.processor;
    try {
      t.session = await this.sessions.open({ path: t.path, identity: t.id, processor: routed.processor, from: t.committed, lines: t.lines });
    } catch (err) {
      return this.fail(t, (err as Error).message);
    }
    if (!t.transient) this.deps.output.event(wasHeld ? 'file-released' : 'file-routed', { file: t.path, format: routed.processor.name, reason: routed.reason, from: t.committed });
  }

  /** Reads what was appended; serialized per file (a change during a read, or a full batch, triggers one more read). */
  private pump(t: Tracked, idle = false): Promise<void> {
    if (!t.session || t.failed) return Promise.resolve();
    clearTimeout(t.idleTimer);
    if (t.reading) {
      t.again = true;
      return t.reading;
    }
    t.reading = this.readLoop(t, idle).finally(() => {
      t.reading = null;
    });
    return t.reading;
  }

  private async readLoop(t: Tracked, idle: boolean): Promise<void> {
    let res: FollowResult;
    do {
      t.again = false;
      if (!t.session) return;
      const epoch = t.epoch;
      try {
        res = await t.session.read(idle && !t.again);
      } catch (err) {
        return this.fail(t, (err as Error).message);
      }
      this.apply(t, res);
      if (res.truncated) {
        this.enqueue(t.path, () => this.onRewritten(t, epoch));
        return;
      }
    } while ((t.again || res.more) && !t.failed);
    if (res.pending > 0 && !idle && !this.stopping) {
      t.idleTimer = setTimeout(() => void this.pump(t, true), IDLE_MS);
    }
  }

  private apply(t: Tracked, res: FollowResult): void {
    const s = this.deps.stats;
    s.records += res.records;
    s.malformed += res.malformed;
    res.severity.forEach((n, i) => (s.severity[i] += n));
    for (const r of res.alerts) {
      this.deps.output.record(t.path, r);
      if (r.severity >= Severity.Error) s.latestErrors = [...s.latestErrors.slice(-4), { file: t.path, line: r.line, message: r.message }];
    }
    t.committed = res.committed;
    t.readTo = res.committed + res.pending;
    t.lines = res.lines;
    // The new offset is saved once this batch's records have left the process (a pipe reader can
    // be slow): after a kill -9, a restart repeats at most the batches not yet out, and loses nothing.
    const pos = { path: t.path, offset: t.committed, lines: t.lines, ...fingerprint(t.head) };
    void this.deps.output.flushed().then(() => {
      this.deps.state.set(t.id, pos);
      this.deps.state.flush();
    });
    if (res.error) this.fail(t, res.error);
  }

  private async closeSession(t: Tracked): Promise<void> {
    clearTimeout(t.idleTimer);
    const session = t.session;
    t.session = undefined;
    await session?.close();
  }

  /**
   * A plugin worker died with no read in flight (a plugin thread crashing
   * later): said at once; its files move to a fresh worker on their next
   * read, which happens now. The file read last is the suspect: it fails
   * after IDLE_CRASHES_TO_FAIL such crashes.
   */
  private onIdleCrash(crash: IdleCrash): void {
    const files = [...this.byId.values()].filter((t) => t.session && crash.handles.includes(t.session));
    const suspect = files.find((t) => t.session === crash.lastRead);
    const name = files[0]?.processor?.name ?? crash.key;
    this.deps.output.event('worker-crashed', { plugin: name, message: `[plugin ${name}] ${crash.message} while idle; ${files.length} file(s) reopened in a fresh worker`, files: files.map((t) => t.path), lastRead: suspect?.path ?? null });
    if (suspect && ++suspect.idleCrashes >= IDLE_CRASHES_TO_FAIL) this.fail(suspect, `${crash.message} while idle, ${suspect.idleCrashes} times after reading this file`);
    for (const t of files) void this.pump(t);
  }

  private fail(t: Tracked, message: string): void {
    if (t.failed) return;
    t.failed = message;
    const who = t.processor?.origin.kind === 'plugin' ? `plugin ${t.processor.name}` : t.processor?.name ?? 'logmill';
    this.deps.output.event('file-error', { file: t.path, message: `[${who}] ${t.path}: ${message}` });
    void this.closeSession(t);
  }
}

/**
 * Runs `logmill watch` as a child process and reads its NDJSON events, with
 * polling waits (never fixed sleeps): `until(predicate)` resolves when an
 * event matching it has arrived. Also a writer of numbered log lines that
 * rotates its file the two ways logrotate does, and a count of a process's
 * children, for the integrity and resource tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.js';
import { CLI } from './paths.js';

export type WatchEvent = Record<string, unknown> & { event: string };

export class Watch {
  readonly events: WatchEvent[] = [];
  private readonly child: ChildProcess;
  private buffer = '';
  stderr = '';
  private exited?: Promise<number | null>;

  get pid(): number {
    return this.child.pid!;
  }

  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [CLI, 'watch', '--interval', '0.2', ...args], {
      cwd, env: { ...process.env, NO_COLOR: '1', LOGMILL_PLUGINS: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (line.trim()) this.events.push(JSON.parse(line));
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Waits for an event matching `match` (after index `from`), failing after `timeoutMs` with what did arrive. */
  async until(match: (e: WatchEvent) => boolean, timeoutMs = 20_000, from = 0): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find(match);
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`no matching event within ${timeoutMs} ms; got:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}\nstderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A summary event whose record count has reached `records`. */
  summaryWith(records: number, timeoutMs?: number): Promise<WatchEvent> {
    return this.until((e) => e.event === 'summary' && (e.records as number) >= records, timeoutMs);
  }

  /** SIGINT, then the exit code and the final summary. */
  async stop(): Promise<{ code: number | null; final: WatchEvent }> {
    this.child.kill('SIGINT');
    const code = await this.exited!;
    const final = this.events.find((e) => e.event === 'final-summary')!;
    return { code, final };
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** kill -9, then waits until the process is gone. */
  async crash(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The `record` events so far. */
  records(): WatchEvent[] {
    return this.events.filter((e) => e.event === 'record');
  }
}

/** How often each number `n=N` appears in the messages of `records`. */
export function numberCounts(records: WatchEvent[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of records) {
    const m = /n=(\d+)/.exec(String(r.message));
    if (m) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  }
  return counts;
}

/** The numbers in 0..total-1 that appear `!= times` (missing or repeated), as runs `from-to×count`. */
export function wrongCounts(counts: Map<number, number>, total: number, times = 1): string[] {
  const wrong: string[] = [];
  let run: { from: number; to: number; count: number } | null = null;
  const close = () => { if (run) wrong.push(run.from === run.to ? `${run.from}×${run.count}` : `${run.from}-${run.to}×${run.count}`); run = null; };
  for (let n = 0; n < total; n++) {
    const c = counts.get(n) ?? 0;
    if (c === times) { close(); continue; }
    if (run && run.count === c && run.to === n - 1) run.to = n;
    else { close(); run = { from: n, to: n, count: c }; }
  }
  close();
  return wrong;
}

/**
 * An application writing numbered lines (`... INFO n=17`) through one open
 * descriptor (O_APPEND), and logrotate rotating its file: by rename (the
 * application goes on writing to the renamed file for `late` lines before
 * it reopens, as between a rename and its SIGHUP) or by copytruncate.
 */
export class NumberedWriter {
  next = 0;
  private fd: number;

  constructor(private readonly file: string) {
    this.fd = openSync(file, 'a');
  }

  write(count: number): void {
    let text = '';
    for (let i = 0; i < count; i++, this.next++) text += `2026-11-23 05:54:${String(this.next % 60).padStart(2, '0')} INFO line n=${this.next}\n`;
    writeSync(this.fd, text);
  }

  renameRotate(to: string, late: number): void {
    renameSync(this.file, to);
    this.write(late);
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
  }

  copyTruncate(to: string): void {
    copyFileSync(this.file, to);
    truncateSync(this.file, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The pids of every process below `pid` (children, grandchildren...), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) if (parent === p) { below.push(child); walk(child); }
  };
  walk(pid);
  return below;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh directory with `plugins/` (mode 0755, as trust wants) and `logs/`. */
export function watchDirs(): { dir: string; plugins: string; logs: string } {
  const dir = tempDir();
  const plugins = path.join(dir, 'plugins');
  const logs = path.join(dir, 'logs');
  mkdirSync(plugins);
  mkdirSync(logs);
  chmodSync(plugins, 0o755);
  return { dir, plugins, logs };
}

/** A fixture plugin built by test/fixtures/plugins/build.sh. */
export const fixturePlugin = (name: string) => path.join(process.env.LOGMILL_FIXTURE_PLUGINS!, `${name}.so`);

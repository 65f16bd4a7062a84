/**
 * Runs `logmill watch` as a child process and reads its NDJSON events, with
 * polling waits (never fixed sleeps): `until(predicate)` resolves when an
 * event matching it has arrived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './paths.js';

export type WatchEvent = Record<string, unknown> & { event: string };

export class Watch {
  readonly events: WatchEvent[] = [];
  private readonly child: ChildProcess;
  private buffer = '';
  stderr = '';
  private exited?: Promise<number | null>;

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
}

/**
 * A command's lifetime, end to end, with the built CLI: how it ends (a
 * closed pipe, Ctrl-C, SIGTERM, SIGKILL) and what it leaves behind ($TMPDIR
 * entries, worker processes); `parse` streaming its records; the worker
 * memory limit. Each run gets its own TMPDIR so leftovers are seen. Waits
 * poll for a condition with a generous limit: nothing here asserts how fast
 * the machine is.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childrenOf, cliEnv, ended, fixturePluginDir, logmill, tempDir, until } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';

const LONG = 60_000;

/** logmill as a child with its stdio piped and a TMPDIR of its own. */
class Run {
  readonly child: ChildProcessWithoutNullStreams;
  readonly tmp = tempDir();
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], cwd: string, opts: { detached?: boolean; env?: Record<string, string> } = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv({ TMPDIR: this.tmp, ...opts.env }), stdio: 'pipe', detached: opts.detached });
    this.child.stdin.on('error', () => undefined); // logmill gone before reading all we wrote: its exit tells
    this.child.stdout.on('data', (d) => (this.stdout += d));
    this.child.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  get workers(): number[] {
    return childrenOf(this.child.pid!);
  }

  leftovers(): string[] {
    return readdirSync(this.tmp);
  }
}

/** What a plugin-hosting worker's /proc status says about the signals it ignores. */
function ignoresTermSignals(pid: number): boolean {
  try {
    const m = /^SigIgn:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const mask = BigInt(`0x${m![1]}`);
    return [1n, 2n, 15n].every((sig) => (mask >> (sig - 1n)) & 1n);
  } catch {
    return false;
  }
}

describe('workers never outlive logmill', { timeout: 4 * LONG }, () => {
  it.each([
    ['setpriv --pdeathsig', {}],
    ['the watchdog thread', { LOGMILL_NO_SETPRIV: '1' }],
  ])('SIGKILL of logmill ends a worker stuck in a plugin that ignores signals, by %s (A23)', async (_, env) => {
    const dir = fixturePluginDir(['spin_ignore']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.spin_ignore'), 'hello\n');
    const run = new Run(['analyze', '--plugins', 'plugins', '--plugin-timeout', '0', 'a.spin_ignore'], cwd, { env });
    await until(() => run.workers.some(ignoresTermSignals), LONG, 'the plugin spinning with signals ignored');
    const workers = run.workers;
    run.child.kill('SIGKILL');
    await run.exited;
    await until(() => workers.every(ended), LONG, 'orphaned workers ended');
  });
});

describe('--worker-memory', { timeout: 4 * LONG }, () => {
  it('kills a worker whose plugin allocates past the limit, and analyzes the other files (A16)', async () => {
    const dir = fixturePluginDir(['mem_hog']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.mem_hog'), 'hello\n');
    writeFileSync(path.join(cwd, 'b.log'), '2026-11-23 05:54:40 INFO fine\n2026-11-23 05:54:41 ERROR bad\n');
    const res = await logmill(['analyze', '--output', 'json', '--plugins', 'plugins', '--worker-memory', '200MiB', 'a.mem_hog', 'b.log'], { cwd });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('logmill: [plugin mem_hog] a.mem_hog: worker used more than 200 MiB (--worker-memory); killed\n');
    const files = Object.fromEntries(JSON.parse(res.stdout).files.map((f: { path: string }) => [f.path, f]));
    expect(files['b.log']).toMatchObject({ records: 2, error: null });
  });

  it('rejects a size it cannot read', async () => {
    const res = await logmill(['analyze', '--worker-memory', 'lots', 'x.log']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('logmill: --worker-memory "lots": expected a size such as 4MiB or 512KiB\n');
  });
});


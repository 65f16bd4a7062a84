/**
 * A command's lifetime, end to end, with the built CLI: how it ends (a
 * closed pipe, Ctrl-C, SIGTERM, SIGKILL) and what it leaves behind ($TMPDIR
 * entries, worker processes); `parse` streaming its records; the worker
 * memory limit. Each run gets its own TMPDIR so leftovers are seen. Waits
 * poll for a condition with a generous limit: nothing here asserts how fast
 * the machine is.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childrenOf, cliEnv, ended, fixturePluginDir, logmill, removeTempDirs, tempDir, until } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';

const LONG = 60_000;

/** Runs a failed test left behind are killed (their workers die with them). */
const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

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
    started.push(this.child);
  }

  get workers(): number[] {
    return childrenOf(this.child.pid!);
  }

  leftovers(): string[] {
    return readdirSync(this.tmp);
  }
}

function bigLog(dir: string, lines: number): string {
  const file = path.join(dir, 'big.log');
  writeFileSync(file, Array.from({ length: lines }, (_, i) => `2026-11-23 05:54:40 INFO line ${i + 1} of the big file\n`).join(''));
  return file;
}

/** Whether a process has mapped this shared library (the plugin it loads). */
function hosts(pid: number, lib: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8').includes(lib);
  } catch {
    return false;
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

describe('a command ends cleanly however it is ended', { timeout: 4 * LONG }, () => {
  it('parse big.log | head -1: exit 0, nothing left in TMPDIR (B4)', async () => {
    const cwd = tempDir();
    bigLog(cwd, 300_000);
    const run = new Run(['parse', 'big.log', '--plugins', 'none'], cwd);
    await until(() => run.stdout.includes('\n'), LONG, 'first record');
    run.child.stdout.destroy();
    const { code, signal } = await run.exited;
    expect({ code, signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(run.leftovers()).toEqual([]);
  });

  it('SIGINT during parse - : exit 130, workers gone, nothing left in TMPDIR (B3b)', async () => {
    const run = new Run(['parse', '-', '--plugins', 'none'], tempDir());
    run.child.stdin.write('2026-11-23 05:54:40 INFO one\n2026-11-23 05:54:41 INFO two\n2026-11-23 05:54:42 INFO three\n');
    await until(() => run.stdout.includes('one'), LONG, 'a record printed while stdin is open');
    const workers = run.workers;
    expect(workers.length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    await until(() => workers.every(ended), LONG, 'workers ended');
    expect(run.leftovers()).toEqual([]);
  });

  it('SIGTERM during analyze - : exit 143, stdin never spooled to TMPDIR (B3)', async () => {
    const run = new Run(['analyze', '-', '--plugins', 'none'], tempDir());
    run.child.stdin.write(readFileSync(bigLogIn(tempDir())));
    // The job has started (a worker for the built-in processors exists) and stdin is still open.
    await until(() => run.workers.length > 0, LONG, 'a worker running the stdin job');
    expect(run.leftovers()).toEqual([]);
    const workers = run.workers;
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code).toBe(143);
    await until(() => workers.every(ended), LONG, 'workers ended');
    expect(run.leftovers()).toEqual([]);
  });
});

function bigLogIn(dir: string): string {
  return bigLog(dir, 50_000);
}

describe('parse streams its records', { timeout: 4 * LONG }, () => {
  it('prints records from stdin while stdin is still open, then the rest at EOF', async () => {
    const run = new Run(['parse', '-', '--plugins', 'none'], tempDir());
    run.child.stdin.write('2026-11-23 05:54:40 INFO first\n2026-11-23 05:54:41 INFO second\n2026-11-23 05:54:42 INFO third\n');
    await until(() => run.stdout.includes('"first"'), LONG, 'the first record before EOF');
    run.child.stdin.end('2026-11-23 05:54:43 WARN last\n');
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l).message)).toEqual(['first', 'second', 'third', 'last']);
    expect(run.leftovers()).toEqual([]);
  });

  it('reads - among other paths, in the order given', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'a.log'), '2026-11-23 05:54:40 INFO from a file\n');
    const res = await logmill(['parse', '--plugins', 'none', 'a.log', '-'], { cwd, input: '2026-11-23 05:54:41 WARN from stdin\n' });
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n').map((l) => JSON.parse(l).source.file)).toEqual(['a.log', '<stdin>']);
  });

  it('keeps the records printed before a plugin crash, and names the line where it stopped', async () => {
    const dir = fixturePluginDir(['crash_on_word']);
    const cwd = path.dirname(dir);
    const poisonLine = 60_000;
    const lines = Array.from({ length: 80_000 }, (_, i) => (i + 1 === poisonLine ? 'ERROR POISON here' : `INFO record ${i + 1} ${'x'.repeat(40)}`));
    writeFileSync(path.join(cwd, 'a.poison'), lines.join('\n') + '\n');
    writeFileSync(path.join(cwd, 'b.log'), '2026-11-23 05:54:40 INFO after\n');
    const res = await logmill(['parse', '--plugins', 'plugins', '--chunk-size', '1MiB', 'a.poison', 'b.log'], { cwd });
    expect(res.code).toBe(1);
    const printed = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const fromPoison = printed.filter((r) => r.source.file === 'a.poison');
    expect(fromPoison.length).toBeGreaterThan(0);
    expect(fromPoison.length).toBeLessThan(poisonLine);
    expect(fromPoison.map((r) => r.source.line)).toEqual(fromPoison.map((_, i) => i + 1));
    expect(printed.at(-1).source.file).toBe('b.log');
    const last = fromPoison.at(-1).source.line;
    expect(res.stderr).toContain(`logmill: [plugin crash_on_word] a.poison: worker crashed with SIGSEGV (segmentation fault) after a.poison:${last}, the last record parsed\n`);
  });

  it('prints inputs in order when later inputs finish first or outgrow what may be held for them', async () => {
    const cwd = tempDir();
    bigLog(cwd, 100_000);
    // About 13 MB of NDJSON: more than a later input may hold (8 MiB), so its worker must wait its turn.
    writeFileSync(path.join(cwd, 'later.log'), Array.from({ length: 100_000 }, (_, i) => `2026-11-23 05:54:41 WARN later ${i + 1}\n`).join(''));
    writeFileSync(path.join(cwd, 'small.log'), '2026-11-23 05:54:40 INFO small\n');
    const res = await logmill(['parse', '--plugins', 'none', '-j', '3', 'big.log', 'later.log', 'small.log'], { cwd });
    expect(res.code).toBe(0);
    const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l).source);
    const expected = [
      ...Array.from({ length: 100_000 }, (_, i) => ({ file: 'big.log', line: i + 1 })),
      ...Array.from({ length: 100_000 }, (_, i) => ({ file: 'later.log', line: i + 1 })),
      { file: 'small.log', line: 1 },
    ];
    expect(records.length).toBe(expected.length);
    expect(records.findIndex((r, i) => r.file !== expected[i].file || r.line !== expected[i].line)).toBe(-1);
  });
});

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

  it('Ctrl-C ends logmill and a hung plugin ignoring signals without waiting for --plugin-timeout (A22, D12)', async () => {
    const dir = fixturePluginDir(['spin_ignore']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.spin_ignore'), 'hello\n');
    writeFileSync(path.join(cwd, 'b.log'), '2026-11-23 05:54:40 INFO fine\n');
    // A timeout far beyond the test's: only a prompt Ctrl-C lets this test pass.
    const run = new Run(['analyze', '--plugins', 'plugins', '--plugin-timeout', '3600', 'a.spin_ignore', 'b.log'], cwd, { detached: true });
    await until(() => run.workers.some(ignoresTermSignals), LONG, 'the plugin spinning with signals ignored');
    const workers = run.workers;
    process.kill(-run.child.pid!, 'SIGINT'); // the whole process group, as a terminal does
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stdout).toBe('');
    await until(() => workers.every(ended), LONG, 'workers ended');
    expect(run.leftovers()).toEqual([]);
  });

  it('Ctrl-C while a plugin hangs in its load check ends logmill at once, not after --plugin-timeout', async () => {
    const dir = fixturePluginDir(['hang_load']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'b.log'), '2026-11-23 05:54:40 INFO fine\n');
    const run = new Run(['analyze', '--plugins', 'plugins', '--plugin-timeout', '3600', 'b.log'], cwd);
    await until(() => run.workers.some((pid) => hosts(pid, '/hang_load.so')), LONG, 'the plugin loading in a worker');
    const workers = run.workers;
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect({ code, stdout: run.stdout }).toEqual({ code: 130, stdout: '' });
    await until(() => workers.every(ended), LONG, 'workers ended');
    expect(run.leftovers()).toEqual([]);
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

describe('test hygiene', { timeout: 4 * LONG }, () => {
  it('gives every run its own XDG_CACHE_HOME', async () => {
    const dir = fixturePluginDir(['good_upper']);
    const res = await logmill(['plugins', '--plugins', dir]);
    expect(res.code).toBe(0);
    expect(res.cacheHome).not.toBe(process.env.XDG_CACHE_HOME);
    expect(existsSync(path.join(res.cacheHome, 'logmill'))).toBe(true);
  });

  // Last in this file: it removes the directories the tests above made, as the file's afterAll would.
  it('removes the directories tempDir() made', () => {
    const dirs = [tempDir(), path.dirname(fixturePluginDir(['good_upper']))];
    removeTempDirs();
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });
});

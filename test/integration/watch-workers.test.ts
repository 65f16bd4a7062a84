/**
 * `logmill watch` and its worker processes: a plugin that crashes on one
 * file's bytes fails that file only (its siblings move to a fresh worker and
 * lose nothing), a crash while idle is reported when it happens, and
 * following hundreds of files starts a handful of processes.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { ended, maps, until } from '../helpers/proc.js';
import { descendants, fixturePlugin, Watch, watchDirs } from '../helpers/watch.js';

const running: Watch[] = [];
afterEach(() => {
  for (const w of running.splice(0)) w.kill();
});

function start(args: string[], cwd: string): Watch {
  const w = new Watch(args, cwd);
  running.push(w);
  return w;
}

/** User plus system CPU time of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

const messages = (w: Watch, file: string) => w.records().filter((r) => r.file === file).map((r) => r.message);

describe('logmill watch workers', () => {
  it('fails only the file whose line crashed the plugin; the others on that plugin lose nothing (A15)', async () => {
    const { dir, plugins, logs } = watchDirs();
    copyFileSync(fixturePlugin('crash_on_word'), path.join(plugins, 'crash_on_word.so'));
    for (const f of ['a', 'b', 'c']) writeFileSync(path.join(logs, `${f}.poison`), `INFO ${f}1\nINFO ${f}2\n`);
    const w = start(['logs', '--plugins', 'plugins', '--alert', 'level>=trace'], dir);
    await w.until(() => w.records().length >= 6);
    appendFileSync(path.join(logs, 'a.poison'), 'ERROR POISON here\n');
    appendFileSync(path.join(logs, 'b.poison'), 'INFO b3\nWARN b4\n');
    appendFileSync(path.join(logs, 'c.poison'), 'INFO c3\n');
    const failed = await w.until((e) => e.event === 'file-error');
    expect(failed.file).toBe('logs/a.poison');
    expect(failed.message).toMatch(/^\[plugin crash_on_word\] logs\/a\.poison: worker crashed with SIGSEGV \(segmentation fault\)/);
    await w.until(() => messages(w, 'logs/b.poison').length >= 4 && messages(w, 'logs/c.poison').length >= 3);
    // Still followed afterwards, in a fresh worker.
    appendFileSync(path.join(logs, 'b.poison'), 'INFO b5\n');
    appendFileSync(path.join(logs, 'c.poison'), 'INFO c4\n');
    await w.until(() => messages(w, 'logs/b.poison').length >= 5 && messages(w, 'logs/c.poison').length >= 4);
    await w.stop();
    expect(messages(w, 'logs/b.poison')).toEqual(['INFO b1', 'INFO b2', 'INFO b3', 'WARN b4', 'INFO b5']);
    expect(messages(w, 'logs/c.poison')).toEqual(['INFO c1', 'INFO c2', 'INFO c3', 'INFO c4']);
    expect(w.events.filter((e) => e.event === 'file-error')).toHaveLength(1);
  });

  it('Ctrl-C stops even while a plugin spins in Parse ignoring signals, without waiting for --plugin-timeout (D12)', async () => {
    const { dir, plugins, logs } = watchDirs();
    copyFileSync(fixturePlugin('spin_ignore'), path.join(plugins, 'spin_ignore.so'));
    writeFileSync(path.join(logs, 'ok.log'), '2026-11-23 05:54:40 INFO fine\n');
    writeFileSync(path.join(logs, 'a.spin_ignore'), 'INFO spin\n');
    const w = start(['logs', '--plugins', 'plugins', '--plugin-timeout', '3600', '--alert', 'level>=trace'], dir);
    await w.until(() => messages(w, 'logs/ok.log').length === 1);
    // The plugin's worker is inside Parse, spinning with SIGINT ignored: it has used a full second of
    // CPU, which no idle worker does.
    let spinner = 0;
    await until(() => (spinner = descendants(w.pid).find((pid) => maps(pid, 'spin_ignore.so')) ?? 0) > 0, 60_000);
    await until(() => cpuTicks(spinner) > 100, 120_000);
    const workers = descendants(w.pid);
    const { code, final } = await w.stop();
    expect(code).toBe(0);
    expect(final).toBeDefined();
    await until(() => workers.every(ended), 60_000);
  });

  it('reports a plugin crash while idle when it happens, with the signal, and goes on following (A14)', async () => {
    const { dir, plugins, logs } = watchDirs();
    copyFileSync(fixturePlugin('thread_crash'), path.join(plugins, 'thread_crash.so'));
    writeFileSync(path.join(logs, 'a.tcrash'), 'INFO one\n');
    const w = start(['logs', '--plugins', 'plugins', '--alert', 'level>=trace'], dir);
    await w.until(() => w.records().length >= 1);
    // The plugin's thread crashes its worker 1.5 s after the first parse, with nothing in flight.
    const crash = await w.until((e) => e.event === 'worker-crashed');
    expect(crash).toMatchObject({ plugin: 'thread_crash', files: ['logs/a.tcrash'] });
    expect(crash.message).toMatch(/worker crashed with SIGSEGV \(segmentation fault\) while idle/);
    appendFileSync(path.join(logs, 'a.tcrash'), 'INFO two\nINFO three\n');
    await w.until(() => w.records().length >= 3);
    await w.stop();
    expect(w.records().map((r) => r.message)).toEqual(['INFO one', 'INFO two', 'INFO three']);
  });

  it('follows 300 files with a few worker processes, and sees appends to them (D7)', async () => {
    const { dir, plugins, logs } = watchDirs();
    copyFileSync(fixturePlugin('good_upper'), path.join(plugins, 'upper.so'));
    // Plugins with a Detect: every .log file is offered to each of them when routed.
    for (const p of ['access', 'csv', 'xml']) copyFileSync(path.join(REPO, 'plugins', `${p}.so`), path.join(plugins, `${p}.so`));
    for (let i = 0; i < 300; i++) {
      const name = i % 3 === 0 ? `f${i}.upper` : `f${i}.log`;
      writeFileSync(path.join(logs, name), `2026-11-23 05:54:00 INFO file ${i} line 1\n`);
    }
    const w = start(['logs', '--plugins', 'plugins', '--jobs', '2'], dir);
    let most = 0;
    const sample = () => (most = Math.max(most, descendants(w.pid).length));
    const sampler = setInterval(sample, 100);
    try {
      await w.summaryWith(300, 120_000);
      for (const i of [0, 1, 150, 299]) appendFileSync(path.join(logs, i % 3 === 0 ? `f${i}.upper` : `f${i}.log`), `2026-11-23 05:54:01 WARN file ${i} line 2\n`);
      await w.summaryWith(304, 60_000);
      sample();
    } finally {
      clearInterval(sampler);
    }
    const { final } = await w.stop();
    expect(final).toMatchObject({ records: 304, files: 300 });
    // Two follow workers per processor build (built-ins, upper) and one per detecting plugin (routing).
    expect(most).toBeLessThanOrEqual(2 + 2 + 3);
    console.log(`300 files, --jobs 2: at most ${most} worker processes at once`);
  }, 240_000);
});

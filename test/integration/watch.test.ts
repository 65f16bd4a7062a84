/**
 * `logmill watch` as a user runs it: a child process in a temporary
 * directory, asserted on through its NDJSON events, waiting by polling.
 * The founding story (a plugin dropped in makes a waiting file readable),
 * plugin replacement and rejection, appends, rotation, truncation, and
 * restarts with --state.
 */
import { appendFileSync, copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { CLI } from '../helpers/paths.js';
import { Watch, numberCounts, watchDirs, wrongCounts } from '../helpers/watch.js';

const running: Watch[] = [];
afterEach(() => {
  for (const w of running.splice(0)) w.kill();
});

const setup = watchDirs;

function start(args: string[], cwd: string): Watch {
  const w = new Watch(args, cwd);
  running.push(w);
  return w;
}

const fixture = (name: string) => path.join(process.env.LOGMILL_FIXTURE_PLUGINS!, `${name}.so`);

function lines(from: number, count: number, level = 'INFO'): string {
  return Array.from({ length: count }, (_, i) => `2026-11-23 05:54:${String((from + i) % 60).padStart(2, '0')} ${level} line ${from + i}\n`).join('');
}

describe('logmill watch', () => {
  it('analyzes a waiting .csv file as soon as csv.so is dropped into plugins/', async () => {
    const { dir, plugins, logs } = setup();
    writeFileSync(path.join(logs, 'orders.csv'), 'timestamp,level,message\n2026-11-23T05:54:40Z,ERROR,payment failed\n2026-11-23T05:54:41Z,INFO,ok\n2026-11-23T05:54:42Z,WARN,slow\n');
    const w = start(['logs', '--plugins', 'plugins', '--alert', 'level>=error'], dir);
    await w.until((e) => e.event === 'file-held' && e.file === 'logs/orders.csv');
    copyFileSync(path.join(REPO, 'plugins/csv.so'), path.join(plugins, 'csv.so'));
    await w.until((e) => e.event === 'plugin-loaded' && e.name === 'csv');
    await w.until((e) => e.event === 'file-released' && e.file === 'logs/orders.csv' && e.format === 'csv');
    const alert = await w.until((e) => e.event === 'record');
    expect(alert).toMatchObject({ file: 'logs/orders.csv', line: 2, severity: 'error', message: 'payment failed', ts: '2026-11-23T05:54:40.000000Z' });
    await w.summaryWith(3);
    const { code, final } = await w.stop();
    expect(code).toBe(0);
    expect(final).toMatchObject({ records: 3, malformed: 0, held: 0, plugins: ['csv'] });
    expect(final.severity).toMatchObject({ error: 1, info: 1, warn: 1 });
  });

  it('uses a replaced plugin for new work, rejects a broken one and stays healthy', async () => {
    const { dir, plugins, logs } = setup();
    copyFileSync(fixture('good_upper'), path.join(plugins, 'p.so'));
    const w = start(['logs', '--plugins', 'plugins'], dir);
    await w.until((e) => e.event === 'plugin-loaded' && e.name === 'upper');
    writeFileSync(path.join(logs, 'a.dup'), 'ERROR one\nINFO two\n');
    await w.until((e) => e.event === 'file-held' && e.file === 'logs/a.dup');

    // Rebuilt in place under the same path, now named "dup" (version 1): it takes over.
    copyFileSync(fixture('dup_a'), path.join(plugins, 'p.so'));
    await w.until((e) => e.event === 'plugin-replaced' && e.name === 'dup' && e.version === '1');
    await w.until((e) => e.event === 'file-released' && e.file === 'logs/a.dup' && e.format === 'dup');

    // A broken plugin is rejected with the message `logmill plugins` gives; nothing else changes.
    copyFileSync(fixture('wrong_abi'), path.join(plugins, 'broken.so'));
    const rejected = await w.until((e) => e.event === 'plugin-rejected');
    expect(rejected.message).toBe('incompatible plugin "plugins/broken.so": ABI version mismatch\n'
      + 'DETAIL: logmill speaks ABI version 1, the plugin was built for version 999.\n'
      + 'HINT: Rebuild the plugin against contract/logmill.h of this logmill (for the bundled plugins: make -C plugins).');
    appendFileSync(path.join(logs, 'a.dup'), 'WARN three\n');
    await w.summaryWith(3);
    const { final } = await w.stop();
    expect(final).toMatchObject({ records: 3, plugins: ['dup'] });
    expect(final.severity).toMatchObject({ error: 1, info: 1, warn: 1 });
  });

  it('follows appends, rotation and truncation without reading anything twice or skipping', async () => {
    const { dir, logs } = setup();
    const log = path.join(logs, 'app.log');
    writeFileSync(log, lines(0, 10));
    const w = start(['logs/*.log', '--plugins', 'plugins'], dir);
    await w.summaryWith(10);
    appendFileSync(log, lines(10, 5, 'WARN'));
    await w.summaryWith(15);
    // logrotate's default: rename, then a new file under the old name. The renamed
    // file no longer matches logs/*.log, but what was written to it is still read.
    appendFileSync(log, lines(15, 3));
    renameSync(log, path.join(logs, 'app.log.1'));
    writeFileSync(log, lines(18, 4, 'ERROR'));
    await w.summaryWith(22);
    // copytruncate: the file is emptied in place, then written again.
    writeFileSync(log, '');
    await w.until((e) => e.event === 'file-truncated' && e.file === 'logs/app.log');
    appendFileSync(log, lines(22, 2));
    await w.summaryWith(24);
    const { code, final } = await w.stop();
    expect(code).toBe(0);
    expect(final).toMatchObject({ records: 24, malformed: 0 });
    expect(final.severity).toMatchObject({ info: 15, warn: 5, error: 4 });
  });

  it('follows a path that does not exist yet once it appears, like tail -F', async () => {
    const { dir } = setup();
    const w = start(['later/app.log', '--plugins', 'plugins'], dir);
    await w.until((e) => e.event === 'watch-warning' && e.path === 'later/app.log');
    mkdirSync(path.join(dir, 'later'));
    writeFileSync(path.join(dir, 'later/app.log'), lines(0, 3, 'WARN'));
    await w.summaryWith(3);
    const { final } = await w.stop();
    expect(final).toMatchObject({ records: 3, files: 1 });
  });

  it('resumes from --state after a restart: no duplicates, no gaps', async () => {
    const { dir, logs } = setup();
    const log = path.join(logs, 'app.ndjson');
    const rec = (i: number) => JSON.stringify({ time: `2026-11-23T05:54:${String(i % 60).padStart(2, '0')}Z`, level: i % 2 ? 'warn' : 'info', msg: `m${i}` }) + '\n';
    writeFileSync(log, Array.from({ length: 7 }, (_, i) => rec(i)).join(''));
    const first = start(['logs', '--plugins', 'plugins', '--state', 'state.json'], dir);
    await first.summaryWith(7);
    expect((await first.stop()).final).toMatchObject({ records: 7 });

    // Written while logmill was down, the last line still being written when it restarts.
    appendFileSync(log, rec(7) + rec(8) + '{"time":"2026-11-23T05:55:00Z","lev');
    const second = start(['logs', '--plugins', 'plugins', '--state', 'state.json', '--alert', 'level>=info'], dir);
    await second.summaryWith(2);
    appendFileSync(log, 'el":"error","msg":"m9"}\n');
    await second.summaryWith(3);
    const { final } = await second.stop();
    expect(final).toMatchObject({ records: 3, malformed: 0 });
    const seen = second.events.filter((e) => e.event === 'record').map((e) => [e.message, e.line]);
    expect(seen).toEqual([['m7', 8], ['m8', 9], ['m9', 10]]);
  });

  it('prints every matching record of a burst: 5,000 ERROR lines appended at once give 5,000 record events (D8)', async () => {
    const { dir, logs } = setup();
    const log = path.join(logs, 'app.log');
    writeFileSync(log, lines(0, 2));
    const w = start(['logs', '--plugins', 'plugins', '--alert', 'level>=error'], dir);
    await w.summaryWith(2);
    const burst = Array.from({ length: 5000 }, (_, i) => `2026-11-23 05:55:00 ERROR storm n=${i}\n`).join('');
    appendFileSync(log, burst);
    await w.until(() => w.records().length >= 5000, 60_000);
    await w.summaryWith(5002);
    const { final } = await w.stop();
    expect(final).toMatchObject({ records: 5002 });
    expect(wrongCounts(numberCounts(w.records()), 5000)).toEqual([]);
    expect(w.records()).toHaveLength(5000);
  });

  it('applies --level, --since and --until before counting, and reads every file with --format (B2)', async () => {
    const { dir, logs } = setup();
    const rec = (sec: number, level: string) => JSON.stringify({ time: `2026-11-23T05:54:${String(sec).padStart(2, '0')}Z`, level, msg: `at ${sec}` }) + '\n';
    // NDJSON in a .log file: only --format json reads it as JSON (text would see no level field).
    writeFileSync(path.join(logs, 'app.log'), rec(10, 'info') + rec(20, 'warn') + rec(30, 'error') + rec(40, 'info'));
    const runs = {
      level: start(['logs', '--plugins', 'plugins', '--format', 'json', '--level', 'warn'], dir),
      since: start(['logs', '--plugins', 'plugins', '--format', 'json', '--since', '2026-11-23T05:54:25Z'], dir),
      until: start(['logs', '--plugins', 'plugins', '--format', 'json', '--until', '2026-11-23T05:54:25Z', '--alert', 'level>=trace'], dir),
    };
    const routed = await runs.level.until((e) => e.event === 'file-routed');
    expect(routed).toMatchObject({ format: 'json', reason: 'by --format' });
    for (const w of Object.values(runs)) await w.summaryWith(2);
    appendFileSync(path.join(logs, 'app.log'), rec(50, 'fatal') + rec(5, 'debug'));
    await runs.level.summaryWith(3);
    await runs.since.summaryWith(3);
    await runs.until.summaryWith(3);
    const final = Object.fromEntries(await Promise.all(Object.entries(runs).map(async ([k, w]) => [k, (await w.stop()).final])));
    expect(final.level).toMatchObject({ records: 3, severity: { warn: 1, error: 1, fatal: 1, info: 0, debug: 0 } });
    expect(final.since).toMatchObject({ records: 3, severity: { error: 1, info: 1, fatal: 1, warn: 0 } });
    expect(final.until).toMatchObject({ records: 3, severity: { info: 1, warn: 1, debug: 1, error: 0 } });
    expect(runs.until.records().map((r) => r.message)).toEqual(['at 10', 'at 20', 'at 5']);
  });

  it('skips a rotated app.log.1.gz with a note instead of counting it as empty text (B3)', async () => {
    const { dir, logs } = setup();
    writeFileSync(path.join(logs, 'app.log'), lines(0, 3));
    writeFileSync(path.join(logs, 'app.log.1.gz'), gzipSync(lines(100, 2)));
    const w = start(['logs', '--plugins', 'plugins'], dir);
    const skipped = await w.until((e) => e.event === 'file-skipped');
    expect(skipped.file).toBe('logs/app.log.1.gz');
    expect(String(skipped.reason)).toMatch(/^gzip-compressed/);
    await w.summaryWith(3);
    const { final } = await w.stop();
    expect(final).toMatchObject({ records: 3, files: 1 });
    expect(w.events.some((e) => e.event === 'file-routed' && e.file === 'logs/app.log.1.gz')).toBe(false);
  });

  it('escapes control characters from log lines and file names on a terminal (C3)', async () => {
    const { dir, logs } = setup();
    const evil = 'evil\x1b]0;pwned-file\x07.log';
    writeFileSync(path.join(logs, evil), '2026-11-23 05:54:00 ERROR \x1b]0;pwned-title\x07\x1b[2Jall good\r\n');
    // script(1) gives logmill a pseudo-terminal: it renders for a human, not NDJSON.
    const cmd = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} watch logs --plugins plugins --alert 'level>=error' --interval 0.2`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', LOGMILL_PLUGINS: '' }, detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes('all good') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    expect(out).toContain('^[]0;pwned-title^G^[[2Jall good');
    expect(out).toContain('evil^[]0;pwned-file^G.log');
    expect(out).not.toContain('\x1b]0;');
    expect(out).not.toContain('\x1b[2J');
  });
});

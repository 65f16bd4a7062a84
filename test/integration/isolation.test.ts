/**
 * No plugin can take logmill down: fixtures that segfault, abort, hang or
 * panic while parsing, crash while loading, or need a symbol that does not
 * exist, each built in this test run (test/fixtures/plugins). The run
 * completes, the other files' counts are exact, and each message names the
 * plugin, the file and the cause.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill } from '../helpers/cli.js';

describe('plugin faults are contained in worker processes', () => {
  it('fails only the files whose plugin crashed, hung or panicked', async () => {
    const dir = fixturePluginDir(['crash_parse', 'abort_parse', 'hang_parse', 'go_panic', 'good_upper', 'crash_load', 'unresolved_symbol']);
    const cwd = path.dirname(dir);
    for (const f of ['a.crash_parse', 'b.abort_parse', 'c.hang_parse', 'e.go_panic']) writeFileSync(path.join(cwd, f), 'hello\n');
    writeFileSync(path.join(cwd, 'd.upper'), 'ERROR x\nINFO y\nWARN z\n');
    writeFileSync(path.join(cwd, 'good.log'), '2026-11-23 05:54:40 INFO ok\n2026-11-23 05:54:41 ERROR bad\n');
    const inputs = ['a.crash_parse', 'b.abort_parse', 'c.hang_parse', 'd.upper', 'e.go_panic', 'good.log'];
    // Parsing may go 5 s without progress (hang_parse's limit); loading has its own, generous limit,
    // so a busy machine cannot turn a slow load of a good plugin into a rejection.
    const res = await logmill(['analyze', '--output', 'json', '--plugins', 'plugins', '--plugin-timeout', '5', '--plugin-load-timeout', '300', ...inputs], { cwd });
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout);
    const files = Object.fromEntries(out.files.map((f: { path: string }) => [f.path, f]));
    expect(files['d.upper']).toMatchObject({ format: 'upper', records: 3, error: null });
    expect(files['good.log']).toMatchObject({ format: 'text', records: 2, error: null });
    expect(out.records).toBe(5);
    expect(out.severity).toMatchObject({ error: 2, warn: 1, info: 2 });
    const errors = res.stderr.split('\n').filter((l) => l.startsWith('logmill: [')).sort();
    expect(errors).toEqual([
      'logmill: [plugin abort_parse] b.abort_parse: worker crashed with SIGABRT (abort)',
      'logmill: [plugin crash_parse] a.crash_parse: worker crashed with SIGSEGV (segmentation fault)',
      'logmill: [plugin go_panic] e.go_panic: panic: assignment to entry in nil map',
      'logmill: [plugin hang_parse] c.hang_parse: no progress for 5 s (--plugin-timeout); worker killed',
    ]);
    // A crashed file contributes nothing half-counted.
    expect(files['a.crash_parse']).toMatchObject({ records: 0, error: expect.stringContaining('SIGSEGV') });
  });

  it('a crash in one byte range of a split file leaves nothing of that file half-counted', async () => {
    const dir = fixturePluginDir(['crash_on_word']);
    const cwd = path.dirname(dir);
    // 4 ranges of about 1 MiB; the poison line sits in the third, so the first two ranges succeed.
    const lines = Array.from({ length: 100_000 }, (_, i) => (i === 70_000 ? 'ERROR POISON here' : `INFO record ${i + 1}`));
    writeFileSync(path.join(cwd, 'a.poison'), lines.join('\n') + '\n');
    writeFileSync(path.join(cwd, 'good.log'), '2026-11-23 05:54:40 INFO ok\n');
    const res = await logmill(['analyze', '--output', 'json', '--plugins', 'plugins', '--jobs', '2', '--split-min', '1MiB', '--chunk-size', '256KiB', 'a.poison', 'good.log'], { cwd });
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout);
    const files = Object.fromEntries(out.files.map((f: { path: string }) => [f.path, f]));
    expect(files['a.poison'].ranges).toBeGreaterThan(2);
    expect(files['a.poison']).toMatchObject({ records: 0, malformed: 0, firstTime: null, error: expect.stringContaining('SIGSEGV') });
    expect(out.records).toBe(1);
    expect(out.severity).toMatchObject({ info: 1, error: 0 });
    expect(res.stderr).toContain('logmill: [plugin crash_on_word] a.poison: worker crashed with SIGSEGV (segmentation fault)');
  });

  it('rejects a plugin that crashes while loading, and one with an unresolved symbol, at load time', async () => {
    const dir = fixturePluginDir(['crash_load', 'unresolved_symbol', 'good_upper']);
    const res = await logmill(['plugins', '--output', 'json', '--plugins', 'plugins'], { cwd: path.dirname(dir) });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.plugins.map((p: { name: string }) => p.name)).toEqual(['upper']);
    const rejected = Object.fromEntries(out.rejected.map((r: { file: string }) => [r.file, r]));
    expect(rejected['plugins/crash_load.so']).toMatchObject({
      headline: 'plugin "plugins/crash_load.so" crashed while loading',
      detail: 'worker crashed with SIGSEGV (segmentation fault)',
    });
    expect(rejected['plugins/unresolved_symbol.so'].headline).toBe('could not load plugin "plugins/unresolved_symbol.so"');
    expect(rejected['plugins/unresolved_symbol.so'].detail).toMatch(/undefined symbol: logmill_fixture_missing_fn$/);
  });

  it('plugins check names the signal of a plugin that crashes while loading', async () => {
    const dir = fixturePluginDir(['crash_load']);
    const res = await logmill(['plugins', 'check', 'plugins/crash_load.so'], { cwd: path.dirname(dir) });
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n').slice(0, 2)).toEqual([
      'logmill: plugin "plugins/crash_load.so" crashed while loading',
      'DETAIL: worker crashed with SIGSEGV (segmentation fault)',
    ]);
  });

  it('parse emits nothing from a file whose plugin crashed, and everything from the others, in order', async () => {
    const dir = fixturePluginDir(['crash_parse', 'good_upper']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.upper'), 'INFO one\n');
    writeFileSync(path.join(cwd, 'b.crash_parse'), 'x\n');
    writeFileSync(path.join(cwd, 'c.upper'), 'WARN two\n');
    const res = await logmill(['parse', '--plugins', 'plugins', 'a.upper', 'b.crash_parse', 'c.upper'], { cwd });
    expect(res.code).toBe(1);
    expect(res.stdout.trim().split('\n').map((l) => JSON.parse(l).message)).toEqual(['INFO one', 'WARN two']);
    expect(res.stderr).toContain('logmill: [plugin crash_parse] b.crash_parse: worker crashed with SIGSEGV (segmentation fault)\n');
  });

  it('A20: a plugin that times out while loading fails its files (not text), and the rejection is remembered', async () => {
    const dir = fixturePluginDir(['slow_new']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.hx'), 'INFO meant for the plugin\n');
    writeFileSync(path.join(cwd, 'good.log'), '2026-11-23 05:54:40 INFO ok\n');
    // slow_new sleeps 600 s in NewProcessor: any load limit runs out, however busy the machine.
    // Both runs share one check cache (each run gets a fresh one by default).
    const env = { XDG_CACHE_HOME: path.join(cwd, 'cache') };
    const run = () => logmill(['analyze', '--output', 'json', '--plugins', 'plugins', '--plugin-load-timeout', '3', 'a.hx', 'good.log'], { cwd, env });
    const first = await run();
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('logmill: warning: plugin "plugins/slow_new.so" timed out while loading: no answer within 3 s (--plugin-load-timeout); worker killed (see: logmill plugins check plugins/slow_new.so)\n');
    expect(first.stderr).not.toMatch(/crashed/);
    const files = Object.fromEntries(JSON.parse(first.stdout).files.map((f: { path: string }) => [f.path, f]));
    expect(files['a.hx'].error).toBe('no processor for .hx: plugin "plugins/slow_new.so" was rejected: timed out while loading (see: logmill plugins check plugins/slow_new.so)');
    expect(files['good.log']).toMatchObject({ format: 'text', records: 1, error: null, reason: 'by default: no other processor recognized the content; plugin "plugins/slow_new.so" was rejected' });

    // The same unchanged build: rejected from the check cache, without starting a worker.
    const second = await run();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('logmill: warning: plugin "plugins/slow_new.so" timed out while loading: no answer within 3 s (--plugin-load-timeout); worker killed (remembered from an earlier run; to check again: logmill plugins check plugins/slow_new.so)\n');
    expect(JSON.parse(second.stdout).files[0].error).toMatch(/^no processor for \.hx: plugin "plugins\/slow_new\.so" was rejected: timed out while loading \(remembered/);

    // `plugins check` always checks for real.
    const check = await logmill(['plugins', 'check', 'plugins/slow_new.so', '--plugin-load-timeout', '3'], { cwd });
    expect(check.code).toBe(1);
    expect(check.stderr.split('\n').slice(0, 2)).toEqual([
      'logmill: plugin "plugins/slow_new.so" timed out while loading',
      'DETAIL: no answer within 3 s (--plugin-load-timeout); worker killed',
    ]);
  });

  it('a rebuilt plugin that no longer loads still owns its extensions: its files fail with it', async () => {
    const dir = fixturePluginDir(['good_upper']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.upper'), 'INFO one\n');
    const run = () => logmill(['analyze', '--output', 'json', '--plugins', 'plugins', 'a.upper'], { cwd });
    expect(JSON.parse((await run()).stdout).files[0]).toMatchObject({ format: 'upper', records: 1 });
    // Remembered as good: no check this time, a worker loads it (the same bytes) for the job.
    expect(JSON.parse((await run()).stdout).files[0]).toMatchObject({ format: 'upper', records: 1 });
    // A new build at the same path whose NewProcessor fails.
    copyFileSync(path.join(process.env.LOGMILL_FIXTURE_PLUGINS!, 'null_factory.so'), path.join(dir, 'good_upper.so'));
    const res = await run();
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).files[0].error).toBe('no processor for .upper: plugin "plugins/good_upper.so" was rejected: failed to start: NewProcessor returned NULL (see: logmill plugins check plugins/good_upper.so)');
  });
});

/**
 * No plugin can take logmill down: fixtures that segfault, abort, hang or
 * panic while parsing, crash while loading, or need a symbol that does not
 * exist, each built in this test run (test/fixtures/plugins). The run
 * completes, the other files' counts are exact, and each message names the
 * plugin, the file and the cause.
 */
import { writeFileSync } from 'node:fs';
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
    const res = await logmill(['analyze', '--output', 'json', '--plugins', 'plugins', '--plugin-timeout', '2', ...inputs], { cwd });
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
      'logmill: [plugin hang_parse] c.hang_parse: no progress for 2 s (--plugin-timeout); worker killed',
    ]);
    // A crashed file contributes nothing half-counted.
    expect(files['a.crash_parse']).toMatchObject({ records: 0, error: expect.stringContaining('SIGSEGV') });
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
});

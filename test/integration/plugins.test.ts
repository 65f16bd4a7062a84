/**
 * The plugin loader against real shared libraries built in this test run:
 * the bundled plugins and deliberately broken fixtures
 * (test/fixtures/plugins). Each rejection's message is asserted exactly,
 * because those messages are what a plugin author has to go on.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { CLI, REPO } from '../helpers/paths.js';
import { childrenOf, ended, maps, until } from '../helpers/proc.js';

const REJECTIONS: Record<string, string> = {
  not_elf: `could not load plugin "plugins/not_elf.so"
DETAIL: not an ELF file (a plugin must be a shared library built for Linux)
HINT: A plugin is a shared library: build it with \`go build -buildmode=c-shared\` or \`gcc -shared -fPIC\` (see README, "Writing a plugin").`,
  missing_parse: `plugin "plugins/missing_parse.so" does not implement the logmill contract
DETAIL: missing required export ProcessorParse
HINT: Export every REQUIRED function of contract/logmill.h with C linkage (//export in Go, #[no_mangle] pub extern "C" in Rust, extern "C" in C++).`,
  wrong_abi: `incompatible plugin "plugins/wrong_abi.so": ABI version mismatch
DETAIL: logmill speaks ABI version 1, the plugin was built for version 999.
HINT: Rebuild the plugin against contract/logmill.h of this logmill (for the bundled plugins: make -C plugins).`,
  null_factory: `plugin "plugins/null_factory.so" failed to start: NewProcessor returned NULL
DETAIL: the plugin says: license file not found`,
  bad_name: `plugin "plugins/bad_name.so" has an invalid name "Bad Name!"
DETAIL: a processor name must match [a-z0-9_-]{1,32}
HINT: Return a lower-case name from ProcessorName: it is what users type after --format.`,
  empty_parse_fails: `plugin "plugins/empty_parse_fails.so" (empty_parse_fails) failed its self-test: parsing empty input failed
DETAIL: parser not initialized
HINT: ProcessorParse must accept input_len 0 with eof 1 and return 0 with an empty batch.`,
};

describe('logmill plugins check', () => {
  it.each(Object.entries(REJECTIONS))('rejects %s with its exact reason', async (name, message) => {
    const dir = fixturePluginDir([name]);
    const res = await logmill(['plugins', 'check', `plugins/${name}.so`], { cwd: path.dirname(dir) });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`logmill: ${message}\n`);
  });

  it('accepts a good plugin and shows what it declares', async () => {
    const dir = fixturePluginDir(['good_upper']);
    const res = await logmill(['plugins', 'check', path.join(dir, 'good_upper.so')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('is a valid logmill plugin\n  name: upper\n  extensions: upper\n');
  });

  it('says so for a missing file', async () => {
    const res = await logmill(['plugins', 'check', 'nope.so']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^logmill: could not read plugin "nope.so"\nDETAIL: ENOENT/);
  });
});

describe('logmill plugins', () => {
  it('loads the good ones, rejects each broken one, and resolves duplicate names by path order', async () => {
    const dir = fixturePluginDir([...Object.keys(REJECTIONS), 'good_upper', 'dup_a', 'dup_b']);
    const res = await logmill(['plugins', '--output', 'json', '--plugins', 'plugins'], { cwd: path.dirname(dir) });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.plugins.map((p: { name: string; file: string }) => [p.name, p.file])).toEqual([
      ['dup', 'plugins/dup_a.so'], ['upper', 'plugins/good_upper.so'],
    ]);
    const rejected = Object.fromEntries(out.rejected.map((r: { file: string; headline: string }) => [r.file, r.headline]));
    expect(rejected['plugins/dup_b.so']).toBe('plugin "plugins/dup_b.so" not loaded: name "dup" is already taken by "plugins/dup_a.so"');
    for (const [name, message] of Object.entries(REJECTIONS)) expect(rejected[`plugins/${name}.so`]).toBe(message.split('\n')[0]);
  });

  it('lists the bundled plugins with their metadata', async () => {
    const res = await logmill(['plugins', '--output', 'json', '--plugins', path.join(REPO, 'plugins')]);
    const out = JSON.parse(res.stdout);
    expect(out.rejected).toEqual([]);
    const byName = Object.fromEntries(out.plugins.map((p: { name: string }) => [p.name, p]));
    expect(byName.csv).toMatchObject({ extensions: ['csv', 'tsv'], language: 'go' });
    expect(byName.xml).toMatchObject({ extensions: ['xml'], language: 'go' });
    expect(byName.access).toMatchObject({ extensions: [], language: 'c' });
  });

  it('keeps analyzing with broken plugins around, and routes to a good one by extension', async () => {
    const dir = fixturePluginDir([...Object.keys(REJECTIONS), 'good_upper']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'a.upper'), 'ERROR one\nINFO two\nWARN three\n');
    const res = await logmill(['analyze', 'a.upper', '--output', 'json', '--plugins', 'plugins'], { cwd });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.files[0]).toMatchObject({ path: 'a.upper', format: 'upper', records: 3, reason: 'by extension .upper' });
    expect(out.severity).toMatchObject({ error: 1, info: 1, warn: 1 });
    expect(res.stderr.split('\n').filter((l) => l.startsWith('logmill: warning: '))).toHaveLength(Object.keys(REJECTIONS).length);
  });

  it('gives a clear error for an unknown --format', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'x.log'), 'hello\n');
    // No plugins and no format files: the known names are the built-ins'.
    const res = await logmill(['analyze', 'x.log', '--format', 'nope', '--plugins', path.join(cwd, 'none'), '--formats', path.join(cwd, 'none')], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('logmill: unknown format "nope" (known: cri, json, logfmt, text, w3c, zeek)\n');
  });
});

describe('checking plugins', () => {
  it('checks plugins within the job limit: with --jobs 1, one check at a time', async () => {
    const dir = fixturePluginDir(['gate_new']);
    copyFileSync(path.join(dir, 'gate_new.so'), path.join(dir, 'gate_new2.so'));
    const gate = path.join(tempDir(), 'open');
    const child = spawn(process.execPath, [CLI, 'plugins', '--output', 'json', '--plugins', 'plugins', '--jobs', '1', '--plugin-load-timeout', '0'], {
      cwd: path.dirname(dir), env: { ...process.env, LOGMILL_PLUGINS: '', LOGMILL_FIXTURE_GATE: gate }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const closed = new Promise((resolve) => child.on('close', resolve));
    // A check is under way (its worker has the plugin loaded and waits in NewProcessor) ...
    let workers: number[] = [];
    await until(() => (workers = childrenOf(child.pid!)).some((pid) => maps(pid, '/gate_new')), 30_000);
    // ... and it holds the only slot: the other plugin's check has not started a worker.
    expect(workers).toHaveLength(1);
    writeFileSync(gate, '');
    expect(await closed).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.plugins.map((p: { name: string }) => p.name)).toEqual(['gate']);
    expect(out.rejected.map((r: { headline: string }) => r.headline)).toEqual(['plugin "plugins/gate_new2.so" not loaded: name "gate" is already taken by "plugins/gate_new.so"']);
  });
});

describe('plugin text on a terminal', () => {
  it('A17/A19: no escape sequence from a plugin name, About text or extensions reaches the terminal', async () => {
    const dir = fixturePluginDir(['ansi_name', 'ansi_about']);
    const cwd = path.dirname(dir);
    writeFileSync(path.join(cwd, 'x.log'), 'INFO hello\n');
    const runs = await Promise.all([
      logmill(['plugins', '--plugins', 'plugins'], { cwd }),
      logmill(['plugins', 'check', 'plugins/ansi_name.so'], { cwd }),
      logmill(['plugins', 'check', 'plugins/ansi_about.so'], { cwd }),
      logmill(['analyze', '--plugins', 'plugins', 'x.log'], { cwd }),
    ]);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain('\x1b');
    const [list, checkName, checkAbout, analyze] = runs;
    const shown = '^[]0;pwned^G^[[2J';
    expect(checkName.stderr.split('\n')[0]).toBe(`logmill: plugin "plugins/ansi_name.so" has an invalid name "${shown}"`);
    expect(list.stdout).toContain(`has an invalid name "${shown}"`);
    expect(list.stdout).toMatch(/ansi_about +plugins\/ansi_about\.so +\.ans\^\[\[2jx +v1\.0\^\[\]0;pwned\^G\^\[\[2J, c\n/);
    expect(checkAbout.stdout).toContain('  extensions: ans^[[2jx\n');
    expect(checkAbout.stdout).toContain(`  version: 1.0${shown}\n`);
    expect(analyze.stderr).toContain(`logmill: warning: plugin "plugins/ansi_name.so" has an invalid name "${shown}"`);
  });
});

describe('signals', () => {
  it('SIGINT ends logmill and its plugin workers, Go plugins loaded: exit 130, nothing left in TMPDIR', async () => {
    const tmp = tempDir();
    const child = spawn(process.execPath, [CLI, 'analyze', '-', '--plugins', path.join(REPO, 'plugins')], { env: cliEnv({ TMPDIR: tmp }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.write('2026-11-23 05:54:40 INFO waiting for more input\n');
    // Wait until both Go plugins are loaded in worker processes; logmill is then blocked reading stdin.
    let workers: number[] = [];
    await until(() => {
      workers = childrenOf(child.pid!);
      return workers.some((pid) => maps(pid, '/csv.so')) && workers.some((pid) => maps(pid, '/xml.so'));
    }, 60_000);
    child.kill('SIGINT');
    // No time limit of our own: a run that ignored SIGINT would hang until the test's timeout.
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(stderr).not.toMatch(/panic|fatal error/);
    await until(() => workers.every(ended), 60_000);
    expect(readdirSync(tmp)).toEqual([]);
  }, 180_000);
});

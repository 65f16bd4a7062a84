/**
 * Loading a plugin runs its code: logmill refuses writable plugins and
 * plugins whose SHA-256 no longer matches `plugins.lock`.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';
import { childrenOf, maps, until } from '../helpers/proc.js';

/** A built fixture plugin (test/fixtures/plugins/NAME.c). */
const fixture = (name: string) => path.join(process.env.LOGMILL_FIXTURE_PLUGINS!, `${name}.so`);

async function pluginsJson(cwd: string, extra: string[] = []) {
  const res = await logmill(['plugins', '--output', 'json', '--plugins', 'plugins', ...extra], { cwd });
  return JSON.parse(res.stdout) as { plugins: { name: string }[]; rejected: { file: string; headline: string; detail: string | null; hint: string | null }[] };
}

describe('plugin trust', () => {
  it('refuses a group- or world-writable plugin unless --allow-untrusted-plugins', async () => {
    const dir = fixturePluginDir(['good_upper']);
    chmodSync(path.join(dir, 'good_upper.so'), 0o666);
    const cwd = path.dirname(dir);
    const out = await pluginsJson(cwd);
    expect(out.plugins).toEqual([]);
    expect(out.rejected[0]).toEqual({
      file: 'plugins/good_upper.so',
      headline: 'plugin "plugins/good_upper.so" refused: its file is writable by group and others (mode 0666)',
      detail: 'anyone who can write there can make logmill run their code',
      hint: 'chmod go-w "plugins/good_upper.so", or pass --allow-untrusted-plugins',
      remembered: false,
    });
    expect((await pluginsJson(cwd, ['--allow-untrusted-plugins'])).plugins.map((p) => p.name)).toEqual(['upper']);
  });

  it('refuses a plugin in a world-writable directory', async () => {
    const dir = fixturePluginDir(['good_upper']);
    chmodSync(dir, 0o777);
    const out = await pluginsJson(path.dirname(dir));
    expect(out.rejected[0].headline).toBe('plugin "plugins/good_upper.so" refused: its directory "plugins" is writable by group and others (mode 0777)');
  });

  it('pins plugins with `plugins lock` and refuses one whose hash changed, showing both hashes', async () => {
    const dir = fixturePluginDir(['good_upper', 'dup_a']);
    const cwd = path.dirname(dir);
    const lock = await logmill(['plugins', 'lock', '--plugins', 'plugins'], { cwd });
    expect(lock.code).toBe(0);
    expect(lock.stdout).toBe('wrote plugins/plugins.lock: dup_a.so, good_upper.so\n');
    expect((await pluginsJson(cwd)).plugins.map((p) => p.name).sort()).toEqual(['dup', 'upper']);

    const pinned = JSON.parse(readFileSync(path.join(dir, 'plugins.lock'), 'utf8')).plugins['good_upper.so'];
    appendFileSync(path.join(dir, 'good_upper.so'), 'tampered');
    const out = await pluginsJson(cwd);
    expect(out.plugins.map((p) => p.name)).toEqual(['dup']);
    const r = out.rejected.find((x) => x.file === 'plugins/good_upper.so')!;
    expect(r.headline).toBe('plugin "plugins/good_upper.so" refused: its SHA-256 does not match the lock file "plugins/plugins.lock"');
    expect(r.detail).toMatch(new RegExp(`^locked: ${pinned}\\nactual: [0-9a-f]{64}$`));
    expect(r.detail).not.toContain(`actual: ${pinned}`);
  });

  it('A33: runs no code from plugins/ in the working directory unless that directory is named', async () => {
    const dir = fixturePluginDir(['evil_ctor']);
    const cwd = path.dirname(dir);
    const marker = path.join(tempDir(), 'constructor-ran');
    const env = { LOGMILL_FIXTURE_MARKER: marker, XDG_CONFIG_HOME: tempDir() };
    writeFileSync(path.join(cwd, 'app.log'), '2026-11-23 05:54:40 INFO from the bundle\n');
    const res = await logmill(['analyze', 'app.log', '--output', 'json'], { cwd, env });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).records).toBe(1);
    expect(existsSync(marker)).toBe(false);
    // The positive control: named on purpose, the same directory is used (and its constructor runs).
    const named = await logmill(['plugins', '--output', 'json', '--plugins', 'plugins'], { cwd, env });
    expect(JSON.parse(named.stdout).plugins.map((p: { name: string }) => p.name)).toEqual(['evil']);
    expect(existsSync(marker)).toBe(true);
  });

  it('A29: refuses a plugin symlinked from a safe directory into a world-writable one', async () => {
    const dir = fixturePluginDir([]);
    const cwd = path.dirname(dir);
    const open = path.join(cwd, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    copyFileSync(fixture('good_upper'), path.join(open, 'good_upper.so'));
    symlinkSync(path.join(open, 'good_upper.so'), path.join(dir, 'good_upper.so'));
    const out = await pluginsJson(cwd);
    expect(out.plugins).toEqual([]);
    expect(out.rejected[0].headline).toBe('plugin "plugins/good_upper.so" refused: the directory it links into "open" is writable by group and others (mode 0777)');
    // The same link into a directory only you can write is fine.
    chmodSync(open, 0o755);
    expect((await pluginsJson(cwd)).plugins.map((p) => p.name)).toEqual(['upper']);
  });

  it('A31: refuses a plugin directory inside a world-writable parent that is not sticky (sticky, as /tmp, is fine)', async () => {
    const cwd = tempDir();
    const parent = path.join(cwd, 'shared');
    mkdirSync(path.join(parent, 'plugins'), { recursive: true });
    chmodSync(parent, 0o777);
    copyFileSync(fixture('good_upper'), path.join(parent, 'plugins', 'good_upper.so'));
    const list = () => logmill(['plugins', '--output', 'json', '--plugins', 'shared/plugins'], { cwd }).then((r) => JSON.parse(r.stdout));
    const out = await list();
    expect(out.plugins).toEqual([]);
    expect(out.rejected[0].headline).toBe('plugin "shared/plugins/good_upper.so" refused: its parent directory "shared" is writable by group and others (mode 0777) and not sticky');
    chmodSync(parent, 0o1777);
    expect((await list()).plugins.map((p: { name: string }) => p.name)).toEqual(['upper']);
  });

  it('A34: refuses the plugins of a directory whose plugins.lock others can write or own', async () => {
    const dir = fixturePluginDir(['good_upper']);
    const cwd = path.dirname(dir);
    expect((await logmill(['plugins', 'lock', '--plugins', 'plugins'], { cwd })).code).toBe(0);
    expect((await pluginsJson(cwd)).plugins.map((p) => p.name)).toEqual(['upper']);
    chmodSync(path.join(dir, 'plugins.lock'), 0o666);
    const out = await pluginsJson(cwd);
    expect(out.plugins).toEqual([]);
    expect(out.rejected[0]).toMatchObject({
      headline: 'plugin "plugins/good_upper.so" refused: its lock file "plugins/plugins.lock" is writable by group and others (mode 0666)',
      hint: 'chmod go-w "plugins/plugins.lock", or pass --allow-untrusted-plugins',
    });
    // Owned by someone else (only root can hand a file to another user; as anyone else, skip this half).
    if (process.getuid?.() !== 0) return;
    chmodSync(path.join(dir, 'plugins.lock'), 0o644);
    chownSync(path.join(dir, 'plugins.lock'), 65534, 65534);
    expect((await pluginsJson(cwd)).rejected[0].headline)
      .toBe('plugin "plugins/good_upper.so" refused: its lock file "plugins/plugins.lock" is owned by uid 65534, neither you (uid 0) nor root');
  });

  it('A30: a worker loads the bytes that were checked: a plugin replaced after the check is refused, never run', async () => {
    const dir = fixturePluginDir(['good_upper']);
    const cwd = path.dirname(dir);
    const marker = path.join(tempDir(), 'constructor-ran');
    writeFileSync(path.join(cwd, 'a.upper'), 'INFO a\n');
    writeFileSync(path.join(cwd, 'b.upper'), 'INFO b\n');
    // Standard input holds the run after the plugins are checked, for as long as the test needs:
    // no timing. Three files and three jobs: at least one .upper file needs a second worker.
    const child = spawn(process.execPath, [CLI, 'analyze', '--output', 'json', '--plugins', 'plugins', '--jobs', '3', 'a.upper', 'b.upper', '-'], {
      cwd, env: { ...process.env, NO_COLOR: '1', LOGMILL_FIXTURE_MARKER: marker }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Checked: the worker that checked the plugin has it loaded.
    await until(() => childrenOf(child.pid!).some((pid) => maps(pid, '/good_upper.so')), 30_000);
    // Swapped, as an attacker would: another file renamed over the checked one.
    copyFileSync(fixture('evil_ctor'), path.join(dir, 'evil.tmp'));
    renameSync(path.join(dir, 'evil.tmp'), path.join(dir, 'good_upper.so'));
    child.stdin.end('2026-11-23 05:54:40 INFO from stdin\n');
    expect(await closed).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(stderr).toMatch(/\[plugin upper\] [ab]\.upper: the plugin could not be loaded again in a new worker: plugin "plugins\/good_upper\.so" refused: it changed after logmill checked it/);
    // Whichever file got the worker that did the check is analyzed from the checked bytes.
    const files: { path: string; records: number; error: string | null }[] = JSON.parse(stdout).files;
    expect(files.filter((f) => f.error !== null).length).toBeGreaterThanOrEqual(1);
    expect(files.filter((f) => f.error === null).every((f) => f.records === 1)).toBe(true);
  });
});

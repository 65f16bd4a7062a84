/**
 * Loading a plugin runs its code: logmill refuses writable plugins and
 * plugins whose SHA-256 no longer matches `plugins.lock`.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';

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
});

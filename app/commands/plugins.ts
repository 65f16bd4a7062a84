/**
 * `logmill plugins`: what was loaded from where, and what was rejected and
 * why. `plugins check FILE` runs the same checks on one file for plugin
 * authors, with the full headline / detail / hint. `plugins lock` pins the
 * SHA-256 of every plugin now in the plugin directories.
 */
import path from 'node:path';
import { checkOne, describeRejection } from '../plugins/catalog.js';
import { display, pluginDirs, scanPlugins } from '../plugins/discovery.js';
import { writeLock } from '../plugins/trust.js';
import { BUILTINS } from '../processors/registry.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { loadPlugins, type PluginFlags } from '../settings.js';
import { Pool } from '../workers/pool.js';

export async function runPluginsList(flags: PluginFlags & { output: 'text' | 'json' }): Promise<number> {
  const { pool, catalog } = await loadPlugins(flags);
  pool.close();
  const plugins = catalog.plugins.map((p) => ({
    name: p.name, file: display(p.file), extensions: p.extensions, version: p.about.version ?? null,
    language: p.about.language ?? null, description: p.about.description ?? null, resync: p.hasResync,
  }));
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify({
      dirs: catalog.dirs, builtins: BUILTINS.map((b) => ({ name: b.name, extensions: b.extensions })), plugins,
      rejected: catalog.rejected.map((r) => ({ file: display(r.file), headline: r.headline, detail: r.detail ?? null, hint: r.hint ?? null })),
    }, null, 2) + '\n');
    return 0;
  }
  const st = makeStyle(useColor(process.stdout));
  const lines: string[] = [];
  lines.push(st.bold('Built in'));
  for (const b of BUILTINS) lines.push(`  ${b.name.padEnd(10)} ${b.extensions.map((e) => '.' + e).join(' ')}`);
  lines.push('');
  lines.push(st.bold('Plugins') + st.dim(` (from ${catalog.dirs.map(display).join(', ')})`));
  if (plugins.length === 0) lines.push(st.dim('  none found'));
  for (const p of plugins) {
    const meta = [p.version && `v${p.version}`, p.language].filter(Boolean).join(', ');
    lines.push(`  ${st.green(p.name.padEnd(10))} ${p.file.padEnd(24)} ${(p.extensions.map((e) => '.' + e).join(' ') || '(content detection)').padEnd(20)} ${meta}`);
    if (p.description) lines.push(st.dim(`  ${''.padEnd(10)} ${p.description}`));
  }
  if (catalog.rejected.length > 0) {
    lines.push('');
    lines.push(st.bold('Rejected'));
    for (const r of catalog.rejected) {
      lines.push(`  ${st.red(display(r.file))}`);
      for (const l of describeRejection(r).split('\n')) lines.push(`    ${l}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export async function runPluginsCheck(flags: { file: string; pluginTimeout: number; workerMemory?: number; allowUntrustedPlugins: boolean }): Promise<number> {
  const file = path.resolve(flags.file);
  const pool = new Pool(1, flags.pluginTimeout * 1000, flags.workerMemory);
  try {
    const res = await checkOne(file, pool, flags.allowUntrustedPlugins);
    if ('rejection' in res) {
      process.stderr.write(`logmill: ${describeRejection(res.rejection)}\n`);
      return 1;
    }
    const p = res.plugin;
    process.stdout.write(`ok: "${display(file)}" is a valid logmill plugin\n`
      + `  name: ${p.name}\n  extensions: ${p.extensions.join(', ') || '(none)'}\n  detect: ${p.hasDetect ? 'yes' : 'no'}\n  resync: ${p.hasResync ? 'yes' : 'no'}\n`
      + Object.entries(p.about).map(([k, v]) => `  ${k}: ${v}\n`).join(''));
    return 0;
  } finally {
    pool.close();
  }
}

export function runPluginsLock(flags: { plugins?: string }): number {
  for (const dir of pluginDirs(flags.plugins)) {
    const files = scanPlugins([dir]);
    if (files.length === 0) continue;
    const lock = writeLock(dir, files);
    process.stdout.write(`wrote ${display(lock)}: ${files.map((f) => path.basename(f)).join(', ')}\n`);
  }
  return 0;
}

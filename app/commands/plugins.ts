/**
 * `logmill plugins`: what was loaded from where, and what was rejected and
 * why. `plugins check FILE` runs the same checks on one file for plugin
 * authors, with the full headline / detail / hint, always for real (it
 * replaces what the check cache remembers). `plugins lock` pins the SHA-256
 * of every plugin now in the plugin directories. Everything a plugin says
 * about itself (name, extensions, About text, error text) is printed through
 * printable(): a plugin must not write to the terminal.
 */
import path from 'node:path';
import { describeRejection, recheck } from '../plugins/catalog.js';
import { display, pluginDirs, scanPlugins } from '../plugins/discovery.js';
import { writeLock } from '../plugins/trust.js';
import { BUILTINS } from '../processors/registry.js';
import { printable } from '../render/escape.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { loadPlugins, pluginPool, type PluginFlags } from '../settings.js';

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
      rejected: catalog.rejected.map((r) => ({ file: display(r.file), headline: r.headline, detail: r.detail ?? null, hint: r.hint ?? null, remembered: r.remembered ?? false })),
    }, null, 2) + '\n');
    return 0;
  }
  const st = makeStyle(useColor(process.stdout));
  const lines: string[] = [];
  lines.push(st.bold('Built in'));
  for (const b of BUILTINS) lines.push(`  ${b.name.padEnd(10)} ${b.extensions.map((e) => '.' + e).join(' ')}`);
  lines.push('');
  lines.push(st.bold('Plugins') + st.dim(` (from ${catalog.dirs.map((d) => printable(display(d))).join(', ')})`));
  if (plugins.length === 0) lines.push(st.dim('  none found'));
  for (const p of plugins) {
    const meta = printable([p.version && `v${p.version}`, p.language].filter(Boolean).join(', '));
    const exts = printable(p.extensions.map((e) => '.' + e).join(' ') || '(content detection)');
    lines.push(`  ${st.green(p.name.padEnd(10))} ${printable(p.file).padEnd(24)} ${exts.padEnd(20)} ${meta}`);
    if (p.description) lines.push(st.dim(`  ${''.padEnd(10)} ${printable(p.description)}`));
  }
  if (catalog.rejected.length > 0) {
    lines.push('');
    lines.push(st.bold('Rejected'));
    for (const r of catalog.rejected) {
      lines.push(`  ${st.red(printable(display(r.file)))}`);
      for (const l of printable(describeRejection(r), { keepNewlines: true }).split('\n')) lines.push(`    ${l}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export async function runPluginsCheck(flags: PluginFlags & { file: string }): Promise<number> {
  const file = path.resolve(flags.file);
  const pool = pluginPool(1, flags);
  try {
    const res = await recheck(file, pool, flags.allowUntrustedPlugins);
    if ('rejection' in res) {
      process.stderr.write(`logmill: ${printable(describeRejection(res.rejection), { keepNewlines: true })}\n`);
      return 1;
    }
    const p = res.plugin;
    process.stdout.write(printable(`ok: "${display(file)}" is a valid logmill plugin\n`
      + `  name: ${p.name}\n  extensions: ${p.extensions.join(', ') || '(none)'}\n  detect: ${p.hasDetect ? 'yes' : 'no'}${p.detectRules ? ` (only heads matching: ${p.detectRules.join(' | ')})` : ''}\n  resync: ${p.hasResync ? 'yes' : 'no'}\n`
      + Object.entries(p.about).map(([k, v]) => `  ${printable(k)}: ${printable(v)}\n`).join(''), { keepNewlines: true }));
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

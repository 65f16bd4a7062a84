/**
 * `logmill plugins`: what was loaded from where, and what was rejected and
 * why. `logmill plugins check FILE` runs the same contract check on one file
 * for plugin authors, with the full headline / detail / hint.
 */
import path from 'node:path';
import { display, loadPlugin, Rejection } from '../plugins/loader.js';
import { BUILTINS } from '../processors/registry.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { loadPluginSet } from '../settings.js';

export function runPluginsList(flags: { plugins?: string; output: 'text' | 'json' }): number {
  const set = loadPluginSet(flags.plugins);
  const plugins = set.loaded.map((p) => {
    const o = p.origin as Extract<typeof p.origin, { kind: 'plugin' }>;
    return { name: p.name, file: display(o.file), extensions: p.extensions, version: o.version ?? null, language: o.language ?? null, description: o.description ?? null };
  });
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify({
      dirs: set.dirs, builtins: BUILTINS.map((b) => ({ name: b.name, extensions: b.extensions })), plugins,
      rejected: set.rejected.map((r) => ({ file: display(r.file), headline: r.headline, detail: r.detail ?? null, hint: r.hint ?? null })),
    }, null, 2) + '\n');
    return 0;
  }
  const st = makeStyle(useColor(process.stdout));
  const lines: string[] = [];
  lines.push(st.bold('Built in'));
  for (const b of BUILTINS) lines.push(`  ${b.name.padEnd(10)} ${b.extensions.map((e) => '.' + e).join(' ')}`);
  lines.push('');
  lines.push(st.bold(`Plugins`) + st.dim(` (from ${set.dirs.map(display).join(', ')})`));
  if (plugins.length === 0) lines.push(st.dim('  none found'));
  for (const p of plugins) {
    const meta = [p.version && `v${p.version}`, p.language].filter(Boolean).join(', ');
    lines.push(`  ${st.green(p.name.padEnd(10))} ${p.file.padEnd(24)} ${(p.extensions.map((e) => '.' + e).join(' ') || '(content detection)').padEnd(20)} ${meta}`);
    if (p.description) lines.push(st.dim(`  ${''.padEnd(10)} ${p.description}`));
  }
  if (set.rejected.length > 0) {
    lines.push('');
    lines.push(st.bold('Rejected'));
    for (const r of set.rejected) {
      lines.push(`  ${st.red(display(r.file))}`);
      for (const l of r.describe().split('\n')) lines.push(`    ${l}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export function runPluginsCheck(flags: { file: string }): number {
  const file = path.resolve(flags.file);
  try {
    const p = loadPlugin(file);
    const o = p.origin as Extract<typeof p.origin, { kind: 'plugin' }>;
    process.stdout.write(`ok: "${display(file)}" is a valid logmill plugin\n`
      + `  name: ${p.name}\n  extensions: ${p.extensions.join(', ') || '(none)'}\n  detect: ${p.detect ? 'yes' : 'no'}\n`
      + Object.entries(o.about).map(([k, v]) => `  ${k}: ${v}\n`).join(''));
    p.unload();
    return 0;
  } catch (err) {
    if (!(err instanceof Rejection)) throw err;
    process.stderr.write(`logmill: ${err.describe()}\n`);
    return 1;
  }
}

/**
 * `logmill formats`: the format files found, where each came from, and the
 * ones rejected with the full headline / detail / hint (a bad regex, a
 * sample that does not parse). Exit 1 if any is rejected, so a CI step can
 * check a directory of formats: `logmill formats --formats DIR`.
 */
import { describeRejection } from '../plugins/catalog.js';
import { display } from '../plugins/discovery.js';
import { printable } from '../render/escape.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { loadPlugins, type PluginFlags } from '../settings.js';

export async function runFormatsList(flags: PluginFlags & { output: 'text' | 'json' }): Promise<number> {
  const { pool, formats: catalog } = await loadPlugins(flags);
  pool.close();
  const formats = catalog.formats.map(({ def }) => ({
    name: def.name, file: display(def.file), title: def.title || null, description: def.description || null,
    patterns: def.patterns.map((p) => p.name), filePattern: def.filePattern ?? null, multiline: def.multiline,
    samples: def.samples.length, ignored: def.ignored,
  }));
  const rejected = catalog.rejected.map((r) => ({ file: display(r.file), name: r.name ?? null, headline: r.headline, detail: r.detail ?? null, hint: r.hint ?? null }));
  const code = rejected.length > 0 ? 1 : 0;
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify({ dirs: catalog.dirs, formats, rejected }, null, 2) + '\n');
    return code;
  }
  const st = makeStyle(useColor(process.stdout));
  const lines: string[] = [st.bold('Formats') + st.dim(` (from ${catalog.dirs.map((d) => printable(display(d))).join(', ')})`)];
  if (formats.length === 0) lines.push(st.dim('  none found'));
  for (const f of formats) {
    const how = [f.filePattern !== null ? `file-pattern ${f.filePattern}` : 'content detection', `${f.samples} sample${f.samples === 1 ? '' : 's'} ok`].join(', ');
    lines.push(`  ${st.green(printable(f.name).padEnd(14))} ${printable(f.file).padEnd(32)} ${printable(how)}`);
    if (f.title ?? f.description) lines.push(st.dim(`  ${''.padEnd(14)} ${printable(f.title ?? f.description ?? '')}`));
    if (f.ignored.length > 0) lines.push(st.dim(`  ${''.padEnd(14)} ignored (lnav display keys): ${printable(f.ignored.join(', '))}`));
  }
  if (rejected.length > 0) {
    lines.push('', st.bold('Rejected'));
    for (const r of catalog.rejected) {
      lines.push(`  ${st.red(printable(display(r.file)))}`);
      for (const l of printable(describeRejection(r), { keepNewlines: true }).split('\n')) lines.push(`    ${l}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return code;
}

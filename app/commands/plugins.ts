/**
 * `logmill plugins`: what was loaded from where, and what was rejected and
 * why. `plugins check FILE` runs the same checks on one file for plugin
 * authors, with the full headline / detail / hint, always for real (it
 * replaces what the check cache remembers). `plugins lock` pins the SHA-256
 * of every plugin now in the plugin directories. Everything a plugin says
 * about itself (name, extensions, About text, error text) is printed through
 * printable(): a plugin must not write to the terminal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEVERITY_NAMES } from '../../contract/severity.js';
import { formatTime } from '../../contract/timestamps.js';
import { describeRejection, recheck } from '../plugins/catalog.js';
import { display, pluginDirs, scanPlugins, type PluginMeta } from '../plugins/discovery.js';
import type { SampleResult } from '../plugins/sample.js';
import { writeLock } from '../plugins/trust.js';
import { BUILTINS } from '../processors/registry.js';
import { printable } from '../render/escape.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { loadPluginCatalog, pluginPool, UsageError, type PluginFlags } from '../settings.js';

export async function runPluginsList(flags: PluginFlags & { output: 'text' | 'json' }): Promise<number> {
  const { pool, catalog } = await loadPluginCatalog(flags);
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
  for (const b of BUILTINS) lines.push(`  ${b.name.padEnd(10)} ${b.extensions.map((e) => '.' + e).join(' ') || '(content detection)'}`);
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

export async function runPluginsCheck(flags: PluginFlags & { file: string; sample?: string; output?: 'text' | 'json' }): Promise<number> {
  const file = path.resolve(flags.file);
  const json = flags.output === 'json';
  // Read before any worker starts: a sample that cannot be read is a usage error, not the plugin's.
  const sample = flags.sample === undefined ? undefined : readSample(flags.sample);
  const pool = pluginPool(1, flags);
  try {
    const res = await recheck(file, pool, flags.allowUntrustedPlugins);
    if ('rejection' in res) {
      if (json) process.stdout.write(JSON.stringify({ ok: false, file: display(file), rejection: withNulls(res.rejection) }, null, 2) + '\n');
      else process.stderr.write(`logmill: ${printable(describeRejection(res.rejection), { keepNewlines: true })}\n`);
      return 1;
    }
    const p = res.plugin;
    const plugin = { file: display(file), name: p.name, extensions: p.extensions, detect: p.hasDetect, resync: p.hasResync, field_kinds: p.fieldKinds ?? {}, about: p.about };
    if (sample === undefined) {
      if (json) process.stdout.write(JSON.stringify({ ok: true, plugin }, null, 2) + '\n');
      else process.stdout.write(describePlugin(file, p));
      return 0;
    }
    let result: SampleResult;
    try {
      result = await pool.checkSample(p.key ?? file, sample.bytes);
    } catch (err) {
      // The worker died (a crash, a hang past --plugin-timeout): that is the plugin's failure on this sample.
      const failure = { headline: `plugin "${display(file)}" (${p.name}) crashed while parsing the sample "${sample.shown}"`, detail: (err as Error).message,
        hint: 'Run the same input under a debugger or with sanitizers (gcc -fsanitize=address); a plugin must never crash on any input.' };
      if (json) process.stdout.write(JSON.stringify({ ok: false, plugin, sample: { file: sample.shown }, failures: [withNulls({ file, ...failure })] }, null, 2) + '\n');
      else process.stderr.write(`logmill: ${printable(describeRejection({ file, ...failure }), { keepNewlines: true })}\n`);
      return 1;
    }
    if (json) {
      process.stdout.write(JSON.stringify({
        ok: result.failures.length === 0, plugin,
        sample: { file: sample.shown, bytes: result.sampleBytes, checkedBytes: result.checkedBytes, feedings: result.feedings, resyncPoints: result.resyncPoints },
        detect: result.detect, records: result.records, failures: result.failures.map((f) => withNulls({ file, ...f })),
      }, null, 2) + '\n');
    } else {
      process.stdout.write(describePlugin(file, p) + describeSample(sample.shown, result));
      for (const f of result.failures) {
        const headline = `plugin "${display(file)}" (${p.name}) failed its check on "${sample.shown}": ${f.headline}`;
        process.stderr.write(`logmill: ${printable(describeRejection({ file, ...f, headline }), { keepNewlines: true })}\n`);
      }
    }
    return result.failures.length === 0 ? 0 : 1;
  } finally {
    pool.close();
  }
}

function readSample(name: string): { bytes: Buffer; shown: string } {
  try {
    return { bytes: readFileSync(name), shown: display(path.resolve(name)) };
  } catch (err) {
    throw new UsageError(`--sample ${name}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

function withNulls<T extends { headline: string; detail?: string; hint?: string; file: string }>(r: T) {
  return { file: display(r.file), headline: r.headline, detail: r.detail ?? null, hint: r.hint ?? null };
}

function describePlugin(file: string, p: PluginMeta): string {
  return printable(`ok: "${display(file)}" is a valid logmill plugin\n`
    + `  name: ${p.name}\n  extensions: ${p.extensions.join(', ') || '(none)'}\n  detect: ${p.hasDetect ? 'yes' : 'no'}${p.detectRules ? ` (only heads matching: ${p.detectRules.join(' | ')})` : ''}\n  resync: ${p.hasResync ? 'yes' : 'no'}\n`
    + (p.fieldKinds ? `  typed fields: ${Object.entries(p.fieldKinds).map(([k, v]) => `${k} ${v}`).join(', ')}\n` : '')
    + Object.entries(p.about).map(([k, v]) => `  ${printable(k)}: ${printable(v)}\n`).join(''), { keepNewlines: true });
}

const SHOWN_RECORDS = 20;

/** The sample check in text: what was tried, the detector's score, the records found. */
function describeSample(shown: string, r: SampleResult): string {
  const lines: string[] = [''];
  const part = r.checkedBytes < r.sampleBytes ? `the first ${r.checkedBytes} bytes (to a line end) of ${r.sampleBytes}` : `${r.checkedBytes} bytes`;
  lines.push(`sample "${shown}": ${part}, fed ${r.feedings.length} ways${r.failures.length === 0 ? ', the same records every way' : ''}`);
  for (const f of r.feedings) lines.push(`  - ${f}`);
  if (r.resyncPoints !== null) lines.push(`  resync: ${r.resyncPoints} split points tried`);
  lines.push(r.detect === null
    ? 'detect: no (no ProcessorDetect, or the rule "none"): files reach this plugin only by its extensions or --format'
    : `detect: scores ${r.detect} on this sample (json scores 90, text 1: ${r.detect > 1 ? 'files of this format without a claimed extension come to this plugin' : 'such files come to this plugin only by its extensions or --format'})`);
  const malformed = r.records.filter((x) => x.malformed).length;
  lines.push(`records: ${r.records.length - malformed}${malformed ? `, and ${malformed} malformed` : ''}`);
  for (const rec of r.records.slice(0, SHOWN_RECORDS)) {
    const time = rec.time === null ? '-' : formatTime(rec.time);
    const fields = Object.entries(rec.fields).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(`  ${String(rec.line).padStart(4)} @${String(rec.offset).padEnd(6)} ${time} ${(rec.malformed ? 'MALFORMED' : SEVERITY_NAMES[rec.severity] ?? '?').padEnd(7)} ${rec.message}${fields ? `  {${fields}}` : ''}`);
  }
  if (r.records.length > SHOWN_RECORDS) lines.push(`  … ${r.records.length - SHOWN_RECORDS} more (-o json lists them all)`);
  return printable(lines.join('\n') + '\n', { keepNewlines: true });
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

/**
 * The plugins a run can use, as the main process knows them: each `*.so`
 * found in the plugin directories is checked for trust, then loaded and
 * checked against the contract in its own worker process (plugin code never
 * runs here). A plugin that crashes while loading is rejected with the
 * signal named. Duplicate names: the file whose path sorts first wins.
 */
import { BUILTINS } from '../processors/registry.js';
import type { Pool } from '../workers/pool.js';
import type { RejectionData } from '../workers/protocol.js';
import { display, Rejection, scanPlugins, type PluginMeta } from './discovery.js';
import { checkTrust } from './trust.js';

export interface Catalog {
  dirs: string[];
  plugins: PluginMeta[];
  rejected: RejectionData[];
}

export async function loadCatalog(dirs: string[], pool: Pool, allowUntrusted: boolean): Promise<Catalog> {
  const files = scanPlugins(dirs);
  const results = await Promise.all(files.map((file) => checkOne(file, pool, allowUntrusted)));
  const catalog: Catalog = { dirs, plugins: [], rejected: [] };
  const byName = new Map<string, PluginMeta>();
  const reserved = new Set(BUILTINS.map((b) => b.name));
  for (const res of results) {
    if ('rejection' in res) {
      catalog.rejected.push(res.rejection);
      continue;
    }
    const meta = res.plugin;
    const taken = byName.get(meta.name);
    if (taken || reserved.has(meta.name)) {
      const owner = taken ? `"${display(taken.file)}"` : 'the built-in processor';
      catalog.rejected.push(rejection(new Rejection(meta.file, `plugin "${display(meta.file)}" not loaded: name "${meta.name}" is already taken by ${owner}`,
        undefined, taken ? 'Remove or rename one of the two; when plugin names collide, the file whose path sorts first wins.' : 'Built-in processor names (json, text) are reserved; give the plugin another name.')));
      continue;
    }
    byName.set(meta.name, meta);
    catalog.plugins.push(meta);
  }
  pool.trim(new Set(catalog.plugins.map((p) => p.key ?? p.file)));
  return catalog;
}

/** Trust, then the contract check in a worker. */
export async function checkOne(file: string, pool: Pool, allowUntrusted: boolean, key?: string): Promise<{ plugin: PluginMeta } | { rejection: RejectionData }> {
  try {
    checkTrust(file, allowUntrusted);
  } catch (err) {
    if (err instanceof Rejection) return { rejection: rejection(err) };
    return { rejection: { file, headline: `could not read plugin "${display(file)}"`, detail: (err as Error).message } };
  }
  const res = await pool.probe(key ?? file);
  if ('failure' in res) {
    return {
      rejection: {
        file, headline: `plugin "${display(file)}" crashed while loading`, detail: res.failure,
        hint: 'Its load-time code (library constructors, NewProcessor, ProcessorName or an empty ProcessorParse) killed the worker process; logmill went on without it.',
      },
    };
  }
  if ('rejection' in res) return res;
  return { plugin: { ...res.plugin, key: key ?? file } };
}

export function rejection(r: Rejection): RejectionData {
  return { file: r.file, headline: r.headline, detail: r.detail, hint: r.hint };
}

export function describeRejection(r: RejectionData): string {
  return [r.headline, r.detail && `DETAIL: ${r.detail.replace(/\n/g, '\n        ')}`, r.hint && `HINT: ${r.hint}`].filter(Boolean).join('\n');
}

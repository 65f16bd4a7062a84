/**
 * The plugins a run can use, as the main process knows them: each `*.so`
 * found in the plugin directories is checked for trust, then loaded and
 * checked against the contract in its own worker process (plugin code never
 * runs here). A plugin that crashes while loading is rejected with the
 * signal named. Duplicate names: the file whose path sorts first wins.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { BUILTINS } from '../processors/registry.js';
import type { Pool } from '../workers/pool.js';
import type { RejectionData } from '../workers/protocol.js';
import { ABI_VERSION, display, Rejection, scanPlugins, type PluginMeta } from './discovery.js';
import { checkTrust } from './trust.js';

export interface Catalog {
  dirs: string[];
  plugins: PluginMeta[];
  rejected: RejectionData[];
}

export async function loadCatalog(dirs: string[], pool: Pool, allowUntrusted: boolean): Promise<Catalog> {
  const files = scanPlugins(dirs);
  const cache = new CheckCache();
  const results = await Promise.all(files.map((file) => checkCached(file, pool, allowUntrusted, cache)));
  cache.save();
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

/**
 * checkOne, except that the contract check (a worker process per plugin) is
 * skipped for a file whose identity (path, device, inode, size, mtime) and
 * the host's ABI version match a check that passed before. Trust is checked
 * every time; rejections are never cached. `plugins check FILE` calls
 * checkOne, which always runs the real check.
 */
async function checkCached(file: string, pool: Pool, allowUntrusted: boolean, cache: CheckCache): Promise<{ plugin: PluginMeta } | { rejection: RejectionData }> {
  const id = identity(file);
  const hit = id && cache.get(file, id);
  if (hit) {
    try {
      checkTrust(file, allowUntrusted);
    } catch (err) {
      if (err instanceof Rejection) return { rejection: rejection(err) };
      return { rejection: { file, headline: `could not read plugin "${display(file)}"`, detail: (err as Error).message } };
    }
    // No worker checked it, but one will likely be needed soon (analyze, parse): start it in the
    // background. `logmill plugins` closes the pool before this runs, so it starts none.
    setImmediate(() => pool.prewarm(file));
    return { plugin: { ...hit, file, key: file } };
  }
  const res = await checkOne(file, pool, allowUntrusted);
  if ('plugin' in res && id) cache.put(file, id, res.plugin);
  return res;
}

interface CacheEntry {
  id: string;
  meta: Omit<PluginMeta, 'file' | 'key'>;
}

const CACHE_VERSION = 1;
const CACHE_MAX_ENTRIES = 256;

/** What identifies one build of a plugin file, for the cache; null if it cannot be stat'ed. */
function identity(file: string): string | null {
  try {
    const st = statSync(file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:abi${ABI_VERSION}`;
  } catch {
    return null;
  }
}

/**
 * The contract checks that passed, in $XDG_CACHE_HOME/logmill (or
 * ~/.cache/logmill). A cache that cannot be read or written is ignored.
 */
class CheckCache {
  private readonly file: string | null;
  private entries: Record<string, CacheEntry> = {};
  private changed = false;

  constructor(env = process.env) {
    const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : safeHome() && path.join(safeHome()!, '.cache');
    this.file = base ? path.join(base, 'logmill', `plugin-checks-v${CACHE_VERSION}.json`) : null;
    if (!this.file) return;
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { version?: number; entries?: Record<string, CacheEntry> };
      if (data.version === CACHE_VERSION && data.entries && typeof data.entries === 'object') this.entries = data.entries;
    } catch {
      // missing or unreadable: start empty
    }
  }

  get(file: string, id: string): CacheEntry['meta'] | undefined {
    const e = this.entries[file];
    return e && e.id === id && e.meta && typeof e.meta.name === 'string' ? e.meta : undefined;
  }

  put(file: string, id: string, meta: PluginMeta): void {
    const { file: _file, key: _key, ...rest } = meta;
    this.entries[file] = { id, meta: rest };
    this.changed = true;
  }

  save(): void {
    if (!this.file || !this.changed) return;
    try {
      // Forget files that are gone (test fixtures, old builds), and keep the cache small.
      let files = Object.keys(this.entries).filter((f) => identity(f) !== null);
      if (files.length > CACHE_MAX_ENTRIES) files = files.slice(files.length - CACHE_MAX_ENTRIES);
      const entries = Object.fromEntries(files.map((f) => [f, this.entries[f]]));
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, entries }) + '\n');
      renameSync(tmp, this.file);
    } catch {
      // a cache that cannot be written is no cache
    }
  }
}

function safeHome(): string | null {
  try {
    return homedir() || null;
  } catch {
    return null;
  }
}

export function rejection(r: Rejection): RejectionData {
  return { file: r.file, headline: r.headline, detail: r.detail, hint: r.hint };
}

export function describeRejection(r: RejectionData): string {
  return [r.headline, r.detail && `DETAIL: ${r.detail.replace(/\n/g, '\n        ')}`, r.hint && `HINT: ${r.hint}`].filter(Boolean).join('\n');
}

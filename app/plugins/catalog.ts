/**
 * The plugins a run can use, as the main process knows them: each `*.so`
 * found in the plugin directories is checked for trust (every run), then
 * loaded and checked against the contract in its own worker process (plugin
 * code never runs here), unless the check cache already knows this build's
 * outcome. A plugin that crashes or times out while loading is rejected with
 * the cause named; a rejected plugin keeps the extensions its last passing
 * build claimed, so its files fail with it instead of going to `text`
 * (app/routing.ts). Duplicate names: the file whose path sorts first wins.
 */
import { BUILTINS } from '../processors/registry.js';
import type { Pool } from '../workers/pool.js';
import type { RejectionData } from '../workers/protocol.js';
import { buildId, CheckCache } from './check-cache.js';
import { display, Rejection, scanPlugins, type PluginMeta } from './discovery.js';
import { checkTrust, type Verified } from './trust.js';

/** A plugin that is not used, and why; what is known of the formats it was meant for. */
export interface RejectedPlugin extends RejectionData {
  /** Extensions its last passing build claimed; undefined when no build of it ever passed. */
  claims?: string[];
  /** The outcome came from the check cache: this build failed before and has not changed since. */
  remembered?: boolean;
  /**
   * Byte for byte the plugin that took its name (the same build installed in
   * two plugin directories): nothing is wrong, so runs do not warn about it;
   * `logmill plugins` still lists it.
   */
  identical?: boolean;
}

export interface Catalog {
  dirs: string[];
  plugins: PluginMeta[];
  rejected: RejectedPlugin[];
}

type Checked = { plugin: PluginMeta } | { rejection: RejectionData };
/** A plugin's check, with the SHA-256 of the file checked when it was trusted. */
type Hashed = Checked & { sha256?: string };

export async function loadCatalog(dirs: string[], pool: Pool, allowUntrusted: boolean): Promise<Catalog> {
  const files = scanPlugins(dirs);
  const cache = new CheckCache();
  const results = await Promise.all(files.map((file) => checkCached(file, pool, allowUntrusted, cache)));
  cache.save();
  const catalog: Catalog = { dirs, plugins: [], rejected: [] };
  const hashes = new Map<string, string | undefined>();
  for (const res of results) {
    const refused = 'rejection' in res ? res.rejection : admit(res.plugin, catalog.plugins);
    if (!refused) {
      catalog.plugins.push((res as { plugin: PluginMeta }).plugin);
      hashes.set((res as { plugin: PluginMeta }).plugin.name, res.sha256);
      continue;
    }
    const identical = 'plugin' in res && res.sha256 !== undefined && hashes.get(res.plugin.name) === res.sha256;
    catalog.rejected.push({ ...refused, claims: 'plugin' in res ? res.plugin.extensions : cache.claims(refused.file), remembered: res.remembered === true, ...(identical ? { identical } : {}) });
  }
  pool.trim(new Set(catalog.plugins.map((p) => p.key ?? p.file)));
  return catalog;
}

/**
 * Whether `meta` may join the plugins already `loaded`: its name must be free
 * and not a built-in's. The one admission rule, also for `logmill watch`.
 */
export function admit(meta: PluginMeta, loaded: Iterable<PluginMeta>): RejectionData | null {
  const taken = [...loaded].find((m) => m.name === meta.name && m.file !== meta.file);
  if (!taken && !BUILTINS.some((b) => b.name === meta.name)) return null;
  const owner = taken ? `"${display(taken.file)}"` : 'the built-in processor';
  return rejection(new Rejection(meta.file, `plugin "${display(meta.file)}" not loaded: name "${meta.name}" is already taken by ${owner}`,
    undefined, taken ? 'Remove or rename one of the two; when plugin names collide, the file whose path sorts first wins.' : 'Built-in processor names (json, text) are reserved; give the plugin another name.'));
}

/** Trust, then the contract check in a worker; always a real check (`plugins check FILE`, `watch`). */
export async function checkOne(file: string, pool: Pool, allowUntrusted: boolean, key?: string): Promise<Checked> {
  const trusted = trust(file, allowUntrusted);
  if ('rejection' in trusted) return trusted;
  return probe(file, trusted.verified, pool, key);
}

/** checkOne, and the outcome remembered for later runs: `plugins check FILE` clears a remembered rejection. */
export async function recheck(file: string, pool: Pool, allowUntrusted: boolean): Promise<Checked> {
  const trusted = trust(file, allowUntrusted);
  if ('rejection' in trusted) return trusted;
  const res = await probe(file, trusted.verified, pool);
  const cache = new CheckCache();
  remember(cache, file, trusted.verified, res, pool);
  cache.save();
  return res;
}

function trust(file: string, allowUntrusted: boolean, cache?: CheckCache): { verified: Verified } | { rejection: RejectionData } {
  try {
    return { verified: checkTrust(file, allowUntrusted, cache && ((stat) => cache.knownHash(file, stat))) };
  } catch (err) {
    if (err instanceof Rejection) return { rejection: rejection(err) };
    return { rejection: { file, headline: `could not read plugin "${display(file)}"`, detail: (err as Error).message } };
  }
}

async function probe(file: string, verified: Verified, pool: Pool, key = file): Promise<Checked & { loadTimeoutMs?: number }> {
  const res = await pool.probe(key, verified);
  if ('plugin' in res) return { plugin: { ...res.plugin, key } };
  if ('rejection' in res) return res;
  if (res.timedOut) {
    return {
      rejection: {
        file, headline: `plugin "${display(file)}" timed out while loading`, detail: res.failure,
        hint: 'Its load-time code (library constructors, NewProcessor, ProcessorName or an empty ProcessorParse) did not finish. On a busy machine, raise --plugin-load-timeout.',
      },
      loadTimeoutMs: pool.loadTimeoutMs,
    };
  }
  return {
    rejection: {
      file, headline: `plugin "${display(file)}" crashed while loading`, detail: res.failure,
      hint: 'Its load-time code (library constructors, NewProcessor, ProcessorName or an empty ProcessorParse) killed the worker process; logmill went on without it.',
    },
  };
}

/**
 * checkOne, except that the contract check (a worker process per plugin) is
 * skipped for a build whose outcome the cache remembers: the same path,
 * inode, size, mtime, content and host ABI. A remembered rejection says so
 * and how to check again. Ownership and modes are checked every time; the
 * content hash is hashed again unless the stat identity is unchanged (trust.ts).
 */
async function checkCached(file: string, pool: Pool, allowUntrusted: boolean, cache: CheckCache): Promise<Hashed & { remembered?: true }> {
  const trusted = trust(file, allowUntrusted, cache);
  if ('rejection' in trusted) return trusted;
  const hit = cache.get(file, buildId(trusted.verified), pool.loadTimeoutMs);
  if (hit) cache.noteHash(file, trusted.verified);
  if (hit && 'rejection' in hit) return { rejection: rememberedRejection(hit.rejection), remembered: true };
  if (hit) {
    // No worker is started: one loads the plugin when a file is routed to it (or a head
    // its detect rules do not rule out needs its Detect), so a run that needs no plugin starts none.
    pool.checked(file, trusted.verified);
    return { plugin: { ...hit.meta, file, key: file }, sha256: trusted.verified.sha256 };
  }
  const res = await probe(file, trusted.verified, pool);
  remember(cache, file, trusted.verified, res, pool);
  return { ...res, sha256: trusted.verified.sha256 };
}

function remember(cache: CheckCache, file: string, verified: Verified, res: Checked & { loadTimeoutMs?: number }, pool: Pool): void {
  // A check cut short because logmill is closing down says nothing about the plugin.
  if ('rejection' in res && pool.isClosed) return;
  cache.put(file, verified, res);
}

function rememberedRejection(r: RejectionData): RejectionData {
  const again = `\`logmill plugins check ${display(r.file)}\` checks it again`;
  return { ...r, hint: `Remembered: this build of the plugin was rejected before and has not changed since; ${again}.${r.hint ? ` ${r.hint}` : ''}` };
}

export function rejection(r: Rejection): RejectionData {
  return { file: r.file, headline: r.headline, detail: r.detail, hint: r.hint };
}

/** The headline / DETAIL / HINT layers, one per line, as `logmill plugins` and `plugins check` print them. */
export function describeRejection(r: RejectionData): string {
  return [r.headline, r.detail && `DETAIL: ${r.detail.replace(/\n/g, '\n        ')}`, r.hint && `HINT: ${r.hint}`].filter(Boolean).join('\n');
}

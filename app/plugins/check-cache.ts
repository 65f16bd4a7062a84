/**
 * What earlier runs learned about each plugin build, in
 * $XDG_CACHE_HOME/logmill (or ~/.cache/logmill), so that a command does not
 * start a worker per plugin to check what was checked before, and a plugin
 * that crashed or timed out while loading does not cost its timeout on every
 * command. An entry holds, per plugin path: the build identity it is about,
 * the check's outcome (what the plugin declared, or why it was rejected),
 * and the name and extensions of the last build that passed, so a rejected
 * build's files can still be told apart (app/routing.ts), and the build's
 * SHA-256 with the stat identity it was computed for (device, inode, size,
 * mtime, ctime), which app/plugins/trust.ts may reuse instead of hashing the
 * file again. Ownership and modes are never cached (app/plugins/catalog.ts
 * checks them every run). A cache that cannot be read or written is ignored.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { RejectionData } from '../workers/protocol.js';
import { ABI_VERSION, type PluginMeta } from './discovery.js';
import type { Verified } from './trust.js';

export type CachedMeta = Omit<PluginMeta, 'file' | 'key'>;

export type Remembered = { meta: CachedMeta } | { rejection: RejectionData };

interface CacheEntry {
  id: string;
  meta?: CachedMeta;
  rejection?: RejectionData;
  /** For a load that timed out: the limit it ran out of. A larger limit checks again. */
  loadTimeoutMs?: number;
  /** Name and extensions of the last build of this path that passed. */
  claims?: { name: string; extensions: string[] };
  /** The build's stat identity (trust.ts statIdentity) and the SHA-256 computed for it. */
  stat?: string;
  sha256?: string;
}

// 3: PluginMeta gained detectRules; entries of version 2 are checked again to learn them.
// 4: PluginMeta gained fieldKinds, and the rule "none" (hasDetect false).
const CACHE_VERSION = 4;
const CACHE_MAX_ENTRIES = 256;

/** One build of a plugin: where it is, which inode, its size, mtime and content, and the host's ABI. */
export function buildId(v: Verified): string {
  return `${v.dev}:${v.ino}:${v.size}:${v.mtimeMs}:${v.sha256}:abi${ABI_VERSION}`;
}

export class CheckCache {
  private readonly file: string | null;
  private entries: Record<string, CacheEntry> = {};
  private changed = false;

  constructor(env = process.env) {
    const home = safeHome();
    const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : home && path.join(home, '.cache');
    this.file = base ? path.join(base, 'logmill', `plugin-checks-v${CACHE_VERSION}.json`) : null;
    if (!this.file) return;
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { version?: number; entries?: Record<string, CacheEntry> };
      if (data.version === CACHE_VERSION && data.entries && typeof data.entries === 'object') this.entries = data.entries;
    } catch {
      // missing or unreadable: start empty
    }
  }

  /** The remembered outcome for this build, unless a larger load timeout deserves another try. */
  get(file: string, id: string, loadTimeoutMs: number): Remembered | undefined {
    const e = this.entries[file];
    if (!e || e.id !== id) return undefined;
    if (e.meta && typeof e.meta.name === 'string') return { meta: e.meta };
    if (!e.rejection || typeof e.rejection.headline !== 'string') return undefined;
    if (e.loadTimeoutMs !== undefined && (loadTimeoutMs === 0 || loadTimeoutMs > e.loadTimeoutMs)) return undefined;
    return { rejection: e.rejection };
  }

  /** The SHA-256 remembered for `file` at this stat identity, if the entry is about it. */
  knownHash(file: string, stat: string): string | undefined {
    const e = this.entries[file];
    return e && e.stat === stat && typeof e.sha256 === 'string' ? e.sha256 : undefined;
  }

  /** Remember the hash of a build the cache already knows (an entry written before hashes were kept, or a touched file). */
  noteHash(file: string, verified: Verified): void {
    const e = this.entries[file];
    if (!e || e.id !== buildId(verified) || (e.stat === verified.stat && e.sha256 === verified.sha256)) return;
    e.stat = verified.stat;
    e.sha256 = verified.sha256;
    this.changed = true;
  }

  /** The extensions the last passing build of `file` claimed, if one ever passed. */
  claims(file: string): string[] | undefined {
    return this.entries[file]?.claims?.extensions;
  }

  put(file: string, verified: Verified, outcome: { plugin: PluginMeta } | { rejection: RejectionData; loadTimeoutMs?: number }): void {
    const id = buildId(verified);
    const build = { id, stat: verified.stat, sha256: verified.sha256 };
    if ('plugin' in outcome) {
      const { file: _file, key: _key, ...meta } = outcome.plugin;
      this.entries[file] = { ...build, meta, claims: { name: meta.name, extensions: meta.extensions } };
    } else {
      this.entries[file] = { ...build, rejection: outcome.rejection, loadTimeoutMs: outcome.loadTimeoutMs, claims: this.entries[file]?.claims };
    }
    this.changed = true;
  }

  save(): void {
    if (!this.file || !this.changed) return;
    try {
      // Forget files that are gone (test fixtures, old builds), and keep the cache small.
      let files = Object.keys(this.entries).filter((f) => existsSync(f));
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

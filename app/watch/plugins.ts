/**
 * The live plugin set of `logmill watch`: the plugin directories watched
 * with chokidar. A new `.so` is checked (trust, then the contract in a fresh
 * worker) once its writes have settled, and used for new work at once; a
 * rebuilt one gets a new worker key, so it loads in fresh processes while
 * work in flight finishes on the old build; a removed one stops being routed
 * to. A load that fails while the file is still changing is retried once.
 */
import { watch, type FSWatcher } from 'chokidar';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { CompiledFormat } from '../formats/compile.js';
import { admit, checkOne, describeRejection, type Catalog } from '../plugins/catalog.js';
import { display, type PluginMeta } from '../plugins/discovery.js';
import { Registry } from '../processors/registry.js';
import { BUILTIN_KEY, pluginKey, type Pool } from '../workers/pool.js';
import type { WatchOutput } from './output.js';

const SETTLE_MS = 300;

export class LivePlugins {
  private readonly metas = new Map<string, PluginMeta>();
  private generation = 0;
  private watcher?: FSWatcher;
  registry: Registry;

  constructor(
    private readonly catalog: Catalog,
    private readonly pool: Pool,
    private readonly allowUntrusted: boolean,
    private readonly output: WatchOutput,
    private readonly onChange: () => void,
    /** The live format files (app/watch/formats.ts): routed to after the plugins. */
    private readonly formats: () => readonly CompiledFormat[] = () => [],
  ) {
    for (const meta of catalog.plugins) this.metas.set(meta.file, meta);
    this.registry = Registry.of([...this.metas.values()], pool, [], { formats: formats() });
  }

  /** Announces the initial set and starts watching the directories. */
  async start(): Promise<void> {
    for (const meta of this.metas.values()) this.announce(meta, false);
    for (const r of this.catalog.rejected) this.output.event('plugin-rejected', { file: display(r.file), message: describeRejection(r) });
    this.watcher = watch(this.catalog.dirs, {
      ignoreInitial: true,
      depth: 0,
      ignored: (p, stats) => stats?.isFile() === true && !p.endsWith('.so'),
      awaitWriteFinish: { stabilityThreshold: SETTLE_MS, pollInterval: 50 },
    });
    this.watcher.on('add', (f) => void this.load(path.resolve(f)));
    this.watcher.on('change', (f) => void this.load(path.resolve(f)));
    this.watcher.on('unlink', (f) => this.remove(path.resolve(f)));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
  }

  names(): string[] {
    return [...this.metas.values()].map((m) => m.name).sort();
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }

  private async load(file: string, retried = false): Promise<void> {
    if (!file.endsWith('.so')) return;
    const before = identity(file);
    const key = pluginKey(file, ++this.generation);
    const res = await checkOne(file, this.pool, this.allowUntrusted, key);
    if ('rejection' in res) {
      // A file still being written can fail to load: try once more when it has settled.
      if (!retried && identity(file) !== before) {
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        return this.load(file, true);
      }
      this.output.event('plugin-rejected', { file: display(file), message: describeRejection(res.rejection) });
      return;
    }
    const meta = res.plugin;
    const refused = admit(meta, this.metas.values());
    if (refused) {
      this.pool.trim(this.liveKeys());
      this.output.event('plugin-rejected', { file: display(file), message: describeRejection(refused) });
      return;
    }
    const replaced = this.metas.has(file);
    this.metas.set(file, meta);
    this.changed();
    this.announce(meta, replaced);
  }

  private remove(file: string): void {
    const meta = this.metas.get(file);
    if (!meta) return;
    this.metas.delete(file);
    this.changed();
    this.output.event('plugin-removed', { name: meta.name, file: display(file) });
  }

  /** The plugins or the format files changed: route new work with the new set. */
  changed(): void {
    this.registry = Registry.of([...this.metas.values()], this.pool, [], { formats: this.formats() });
    // Idle workers of replaced or removed builds go; busy ones finish their work first.
    this.pool.trim(this.liveKeys());
    this.onChange();
  }

  private liveKeys(): Set<string> {
    return new Set([BUILTIN_KEY, ...[...this.metas.values()].map((m) => m.key ?? m.file)]);
  }

  private announce(meta: PluginMeta, replaced: boolean): void {
    this.output.event(replaced ? 'plugin-replaced' : 'plugin-loaded', {
      name: meta.name, file: display(meta.file), version: meta.about.version ?? null, extensions: meta.extensions,
    });
  }
}

function identity(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

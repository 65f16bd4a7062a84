/**
 * The live format files of `logmill watch`: the formats directories watched
 * with chokidar, like the plugin directories (app/watch/plugins.ts). A new
 * or changed `.json` is read and checked (samples included) once its writes
 * have settled and used for new work at once: files held for want of a
 * processor are routed again. A file that no longer passes is rejected with
 * its reason and its formats stop being routed to; so do a removed file's.
 * Files already being followed keep their processor.
 */
import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import { admitFormat, loadFile, type FormatCatalog } from '../formats/catalog.js';
import type { CompiledFormat } from '../formats/compile.js';
import { describeRejection } from '../plugins/catalog.js';
import { display } from '../plugins/discovery.js';
import type { WatchOutput } from './output.js';

const SETTLE_MS = 300;

export class LiveFormats {
  /** The formats of each file, in the order the catalog met the files. */
  private readonly byFile = new Map<string, CompiledFormat[]>();
  private watcher?: FSWatcher;

  constructor(
    private readonly catalog: FormatCatalog,
    /** Names format files may not take: the built-ins' and the plugins' of the moment. */
    private readonly taken: () => ReadonlySet<string>,
    private readonly output: WatchOutput,
    private readonly onChange: () => void,
  ) {
    for (const f of catalog.formats) this.byFile.set(f.def.file, [...(this.byFile.get(f.def.file) ?? []), f]);
  }

  get formats(): CompiledFormat[] {
    return [...this.byFile.values()].flat();
  }

  async start(): Promise<void> {
    for (const r of this.catalog.rejected) this.output.event('format-rejected', { file: display(r.file), message: describeRejection(r) });
    this.watcher = watch(this.catalog.dirs, {
      ignoreInitial: true,
      depth: 0,
      ignored: (p, stats) => stats?.isFile() === true && !p.endsWith('.json'),
      awaitWriteFinish: { stabilityThreshold: SETTLE_MS, pollInterval: 50 },
    });
    this.watcher.on('add', (f) => this.load(path.resolve(f)));
    this.watcher.on('change', (f) => this.load(path.resolve(f)));
    this.watcher.on('unlink', (f) => this.remove(path.resolve(f)));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }

  private load(file: string): void {
    if (!file.endsWith('.json')) return;
    const replaced = this.byFile.has(file);
    this.byFile.delete(file);
    const others = this.formats;
    const admitted: CompiledFormat[] = [];
    for (const res of loadFile(file)) {
      const refused = 'rejection' in res ? res.rejection : admitFormat(res.format, [...others, ...admitted], this.taken());
      if (refused) {
        this.output.event('format-rejected', { file: display(file), message: describeRejection(refused) });
        continue;
      }
      const { def } = (res as { format: CompiledFormat }).format;
      admitted.push((res as { format: CompiledFormat }).format);
      this.output.event(replaced ? 'format-replaced' : 'format-loaded', { name: def.name, file: display(file) });
    }
    if (admitted.length > 0) this.byFile.set(file, admitted);
    if (admitted.length > 0 || replaced) this.onChange();
  }

  private remove(file: string): void {
    const gone = this.byFile.get(file);
    if (!gone) return;
    this.byFile.delete(file);
    for (const f of gone) this.output.event('format-removed', { name: f.def.name, file: display(file) });
    this.onChange();
  }
}

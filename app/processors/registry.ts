/**
 * The processors a run can route to, as the main process sees them: names,
 * extensions, and how to ask for a Detect score. Built-ins answer directly;
 * plugins answer from their worker process (their code never runs here).
 * Plugins come first, so their extensions win over the built-ins'.
 */
import type { Processor, ProcessorOrigin } from '../../contract/processor.js';
import { detectScore, type CompiledFormat } from '../formats/compile.js';
import type { RejectedFormat } from '../formats/catalog.js';
import type { FormatDefinition } from '../formats/definition.js';
import { processorFromDefinition } from '../formats/processor.js';
import { detectGate } from '../plugins/detect-rules.js';
import { pluginOrigin } from '../plugins/origin.js';
import type { RejectedPlugin } from '../plugins/catalog.js';
import type { PluginMeta } from '../plugins/discovery.js';
import type { Pool } from '../workers/pool.js';
import { BUILTIN_KEY } from '../workers/pool.js';
import { criProcessor } from './cri.js';
import { jsonProcessor, jsonSplittable } from './json.js';
import { logfmtProcessor } from './logfmt.js';
import { textProcessor } from './text.js';
import { w3cProcessor } from './w3c.js';
import { zeekProcessor } from './zeek.js';

export const BUILTINS: readonly Processor[] = [
  jsonProcessor,
  logfmtProcessor,
  w3cProcessor,
  zeekProcessor,
  criProcessor,
  textProcessor,
];

/** The processor a built-in job names: a format file's (compiled from its definition) or a built-in's. */
export function builtinProcessor(name: string, format?: FormatDefinition): Processor | undefined {
  if (format) return processorFromDefinition(format);
  return BUILTINS.find((p) => p.name === name);
}

export interface ProcessorInfo {
  name: string;
  extensions: readonly string[];
  origin: ProcessorOrigin;
  /** The worker key that hosts it: a plugin file, or BUILTIN_KEY. */
  key: string;
  detect?(head: Buffer): Promise<number> | number;
  /** Whether a file with this head can be split into byte ranges (the processor can resync). */
  splittable(head: Buffer): boolean;
  /** A format file's `file-pattern`: files whose path it matches are routed to it by name. */
  fileName?: RegExp;
  /** A format file's definition: sent with every job, the worker compiles it (app/formats/processor.ts). */
  format?: FormatDefinition;
}

function builtinInfo(p: Processor): ProcessorInfo {
  return {
    name: p.name, extensions: p.extensions, origin: p.origin, key: BUILTIN_KEY,
    detect: p.detect?.bind(p),
    splittable: p === jsonProcessor ? jsonSplittable : () => p.resync !== undefined,
  };
}

function pluginInfo(meta: PluginMeta, pool: Pool): ProcessorInfo {
  // Rules the plugin declared as data: a head they rule out scores 0 here, and no worker starts for it.
  const gate = detectGate(meta.detectRules);
  return {
    name: meta.name, extensions: meta.extensions, origin: pluginOrigin(meta), key: meta.key ?? meta.file,
    detect: meta.hasDetect ? (head) => (gate(head) ? pool.detect(meta.key ?? meta.file, head) : 0) : undefined,
    splittable: () => meta.hasResync,
  };
}

function formatInfo(cf: CompiledFormat): ProcessorInfo {
  return {
    name: cf.def.name, extensions: [], origin: { kind: 'format', file: cf.def.file, description: cf.def.description || cf.def.title || undefined },
    key: BUILTIN_KEY, detect: (head) => detectScore(cf, head), splittable: () => true, fileName: cf.fileName, format: cf.def,
  };
}

export class Registry {
  private readonly byNameMap = new Map<string, ProcessorInfo>();
  private readonly byExtensionMap = new Map<string, ProcessorInfo>();

  /**
   * @param rejected plugins that were found but are not used, with the
   * extensions they are known to claim: routing fails their files instead of
   * sending them to `text` (app/routing.ts).
   */
  constructor(readonly processors: readonly ProcessorInfo[], readonly rejected: readonly RejectedPlugin[] = [],
    /** Format files that were found but are not used: a file their file-pattern names fails with their reason. */
    readonly rejectedFormats: readonly RejectedFormat[] = []) {
    for (const p of processors) this.byNameMap.set(p.name, p);
    for (const p of processors) for (const ext of p.extensions) if (!this.byExtensionMap.has(ext)) this.byExtensionMap.set(ext, p);
  }

  /** Plugins first, then format files, then the built-ins: on equal detect scores the earlier wins. */
  static of(plugins: readonly PluginMeta[], pool: Pool, rejected: readonly RejectedPlugin[] = [],
    formats: { formats: readonly CompiledFormat[]; rejected?: readonly RejectedFormat[] } = { formats: [] }): Registry {
    return new Registry([...plugins.map((m) => pluginInfo(m, pool)), ...formats.formats.map(formatInfo), ...BUILTINS.map(builtinInfo)], rejected, formats.rejected);
  }

  byName(name: string): ProcessorInfo | undefined {
    return this.byNameMap.get(name);
  }

  byExtension(ext: string): ProcessorInfo | undefined {
    return this.byExtensionMap.get(ext.toLowerCase());
  }

  names(): string[] {
    return [...this.byNameMap.keys()].sort();
  }
}

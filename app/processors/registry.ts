/**
 * The processors a run can route to: the built-ins and the plugins that
 * passed the contract check. Plugins take precedence for the extensions they
 * claim; names are unique (the loader already refused duplicates).
 */
import type { Processor } from '../../contract/processor.js';
import { jsonProcessor } from './json.js';
import { textProcessor } from './text.js';

export const BUILTINS: readonly Processor[] = [jsonProcessor, textProcessor];

export class Registry {
  private readonly byNameMap = new Map<string, Processor>();
  private readonly byExtensionMap = new Map<string, Processor>();

  constructor(readonly processors: readonly Processor[]) {
    for (const p of processors) this.byNameMap.set(p.name, p);
    // Plugins are listed first by the caller's order rule: later entries do not override earlier ones.
    for (const p of processors) for (const ext of p.extensions) if (!this.byExtensionMap.has(ext)) this.byExtensionMap.set(ext, p);
  }

  static of(plugins: readonly Processor[]): Registry {
    return new Registry([...plugins, ...BUILTINS]);
  }

  byName(name: string): Processor | undefined {
    return this.byNameMap.get(name);
  }

  byExtension(ext: string): Processor | undefined {
    return this.byExtensionMap.get(ext.toLowerCase());
  }

  names(): string[] {
    return [...this.byNameMap.keys()].sort();
  }
}

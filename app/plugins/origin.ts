import type { ProcessorOrigin } from '../../contract/processor.js';
import type { PluginMeta } from './discovery.js';

/** How a plugin presents itself in reports, from its ProcessorAbout text. */
export function pluginOrigin(meta: PluginMeta): ProcessorOrigin {
  const { version, language, description } = meta.about;
  return { kind: 'plugin', file: meta.file, version, language, description, about: meta.about };
}

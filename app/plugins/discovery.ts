/**
 * Where plugins are and how a refusal reads: the plugin directories, the
 * scan for `*.so`, and Rejection, the PostgreSQL-style
 * headline / detail / hint that names the file (printed by describeRejection
 * in catalog.ts). No plugin code runs here:
 * this module is safe in the main process.
 */
import type { PluginFieldKind } from '../../contract/field-kinds.js';
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The ABI version and required exports are contract/abi.ts's, checked against contract/logmill.h by a test.
export { ABI_VERSION, REQUIRED_EXPORTS } from '../../contract/abi.js';

export class Rejection extends Error {
  constructor(
    readonly file: string,
    readonly headline: string,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(headline);
  }
}

/** What a worker learned about a plugin that passed the contract check. */
export interface PluginMeta {
  file: string;
  /** The worker key of this build (app/workers/pool.ts pluginKey); the file path unless rebuilt under `watch`. */
  key?: string;
  name: string;
  extensions: string[];
  hasDetect: boolean;
  hasResync: boolean;
  /** ProcessorDetectRules, checked: a head matching none scores 0 without a worker (plugins/detect-rules.ts). */
  detectRules?: string[];
  /** ProcessorFieldKinds, checked: the typed fields (contract/field-kinds.ts); absent when every field is text. */
  fieldKinds?: Record<string, PluginFieldKind>;
  about: Record<string, string>;
}

/**
 * The plugin directories, in order: `--plugins` if given, else
 * $LOGMILL_PLUGINS (colon-separated), else the defaults: `plugins/` beside
 * the installed logmill and the user's own ($XDG_CONFIG_HOME/logmill/plugins,
 * or ~/.config/logmill/plugins). Never `plugins/` in the working directory:
 * that is where the data being analyzed lives (an extracted bundle), and no
 * code from the data may run unless the user names its directory.
 */
export function pluginDirs(flag: string | undefined, env = process.env): string[] {
  return searchDirs(flag, env.LOGMILL_PLUGINS, 'plugins', env);
}

/**
 * A search path as logmill's plugin and format directories are resolved:
 * the flag, else the colon-separated variable, else `sub` inside the
 * installation's `plugins/` directory and `logmill/<sub>` in the user's
 * config directory ($XDG_CONFIG_HOME, or ~/.config).
 */
export function searchDirs(flag: string | undefined, variable: string | undefined, sub: string, env = process.env): string[] {
  if (flag) return [path.resolve(flag)];
  if (variable) return variable.split(':').filter(Boolean).map((d) => path.resolve(d));
  const plugins = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../plugins');
  const beside = sub === 'plugins' ? plugins : path.join(plugins, sub);
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), '.config');
  return [...new Set([beside, path.join(config, 'logmill', sub)])];
}

/** Lists `*.so` files directly in the directories, sorted so that duplicate names resolve the same way every run. */
export function scanPlugins(dirs: string[]): string[] {
  const files = dirs.flatMap(soFiles);
  return [...new Set(files)].sort();
}

/** `*.so` regular files (or symlinks to one) directly in `dir`, dotfiles left out, as the glob `*.so` finds them. */
function soFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // a plugin directory that does not exist holds no plugins
  }
  return entries
    .filter((e) => e.name.endsWith('.so') && !e.name.startsWith('.') && (e.isFile() || (e.isSymbolicLink() && isFile(path.join(dir, e.name)))))
    .map((e) => path.join(dir, e.name));
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A path as users should see it: relative to the working directory when inside it. */
export function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

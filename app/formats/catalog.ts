/**
 * The format files a run can use: `*.json` directly in the formats
 * directories, read (definition.ts), compiled and sample-checked
 * (compile.ts) in the main process (a format is data: no worker needed to
 * check it). A format that fails is rejected with the PostgreSQL-style
 * headline / detail / hint that plugins get (describeRejection), and the
 * rest go on. Names: a format may not take a built-in's or a loaded
 * plugin's name; between two format files the one met first wins (the
 * installation's directory before the user's, then by file name).
 */
import fg from 'fast-glob';
import { statSync } from 'node:fs';
import { display, Rejection, searchDirs } from '../plugins/discovery.js';
import type { RejectionData } from '../workers/protocol.js';
import { compileFormat, fileNamePattern, type CompiledFormat } from './compile.js';
import { formatLabel, readFormatFile } from './definition.js';

export interface RejectedFormat extends RejectionData {
  /** The format's name, when the file got as far as naming it. */
  name?: string;
  /** Its file-pattern, when that compiled: the files it names fail instead of going to another processor. */
  fileName?: RegExp;
}

export interface FormatCatalog {
  dirs: string[];
  formats: CompiledFormat[];
  rejected: RejectedFormat[];
}

/**
 * The formats directories, in order: `--formats` if given, else
 * $LOGMILL_FORMATS (colon-separated), else the defaults, resolved as the
 * plugin directories are (app/plugins/discovery.ts, pluginDirs): `formats/`
 * inside the installed logmill's `plugins/`, and the user's own
 * ($XDG_CONFIG_HOME/logmill/formats, or ~/.config/logmill/formats).
 */
export function formatDirs(flag: string | undefined, env = process.env): string[] {
  return searchDirs(flag, env.LOGMILL_FORMATS, 'formats', env);
}

/**
 * `*.json` directly in each directory, directory order first, then by name
 * (a path that is a file is that one format file). A directory that exists
 * but cannot be listed is reported, not skipped.
 */
export function scanFormats(dirs: string[]): { files: string[]; unreadable: RejectedFormat[] } {
  const files: string[] = [];
  const unreadable: RejectedFormat[] = [];
  for (const dir of dirs) {
    try {
      if (statSync(dir, { throwIfNoEntry: false })?.isFile()) files.push(dir);
      else files.push(...fg.sync('*.json', { cwd: dir, absolute: true, onlyFiles: true, followSymbolicLinks: true, suppressErrors: false }).sort());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      unreadable.push({ file: dir, headline: `could not read formats directory "${display(dir)}"`, detail: (err as Error).message });
    }
  }
  return { files: [...new Set(files)], unreadable };
}

/** Reads, compiles and checks every format file; `taken`: names already in use (built-ins, plugins). */
export function loadFormats(dirs: string[], taken: ReadonlySet<string>): FormatCatalog {
  const { files, unreadable } = scanFormats(dirs);
  const catalog: FormatCatalog = { dirs, formats: [], rejected: [...unreadable] };
  for (const file of files) {
    for (const res of loadFile(file)) {
      const refused = 'rejection' in res ? res.rejection : admitFormat(res.format, catalog.formats, taken);
      if (refused) catalog.rejected.push(refused);
      else catalog.formats.push((res as { format: CompiledFormat }).format);
    }
  }
  return catalog;
}

/** One file's formats, each compiled and checked, or why not. */
export function loadFile(file: string): ({ format: CompiledFormat } | { rejection: RejectedFormat })[] {
  return readFormatFile(file).map((res) => {
    if ('rejection' in res) return { rejection: rejected(res.rejection) };
    try {
      return { format: compileFormat(res.format) };
    } catch (err) {
      if (err instanceof Rejection) return { rejection: { ...rejected(err), name: res.format.name, fileName: fileNamePattern(res.format) } };
      throw err;
    }
  });
}

/** Whether a format may join the `loaded` ones: the one admission rule, also for `logmill watch`. */
export function admitFormat(cf: CompiledFormat, loaded: Iterable<CompiledFormat>, taken: ReadonlySet<string>): RejectedFormat | null {
  const { name, file } = cf.def;
  const other = [...loaded].find((f) => f.def.name === name && f.def.file !== file);
  if (!other && !taken.has(name)) return null;
  const owner = other ? `the format in "${display(other.def.file)}"` : 'a built-in processor or a plugin';
  return {
    file, name, fileName: cf.fileName, headline: `${formatLabel(name, file)} not loaded: name "${name}" is already taken by ${owner}`,
    hint: other ? 'Remove or rename one of the two; the format met first (the installation\'s directory before yours, then by file name) wins.'
      : 'Give the format another name (the key of its object in the file).',
  };
}

function rejected(r: Rejection): RejectedFormat {
  return { file: r.file, headline: r.headline, detail: r.detail, hint: r.hint };
}

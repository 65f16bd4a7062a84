/**
 * `logmill plugins new NAME --lang go|c|rust [--dir DIR]`: a plugin skeleton
 * that builds with `make` and passes `make test` (its unit test, then
 * `logmill plugins check NAME.so --sample sample.log`) as created. The
 * templates are contract/templates/<lang> (shipped in the npm package with
 * contract/); `__NAME__`, `__CRATE__` and `__CONTRACT__` in their file names
 * and contents become the processor name, the name as a Rust crate, and this
 * logmill's contract directory, which holds the SDKs the skeleton builds against.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROCESSOR_NAME } from '../../contract/processor.js';
import { display } from '../plugins/discovery.js';
import { UsageError } from '../settings.js';

export const LANGUAGES = ['go', 'c', 'rust'] as const;
export type Language = (typeof LANGUAGES)[number];

/** contract/ of this logmill: beside dist/ in a checkout and in the npm package. */
const CONTRACT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../contract');

export function runPluginsNew(flags: { name: string; lang: Language; dir?: string }): number {
  if (!PROCESSOR_NAME.test(flags.name)) {
    throw new UsageError(`plugin name "${flags.name}": a processor name must match [a-z0-9_-]{1,32} (it is what users type after --format)`);
  }
  const dir = path.resolve(flags.dir ?? flags.name);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new UsageError(`${display(dir)} exists and is not an empty directory: choose another with --dir`);
  }
  const templates = path.join(CONTRACT, 'templates');
  const vars: Record<string, string> = { __NAME__: flags.name, __CRATE__: flags.name.replaceAll('-', '_'), __CONTRACT__: CONTRACT };
  const fill = (text: string) => text.replace(/__NAME__|__CRATE__|__CONTRACT__/g, (k) => vars[k]);
  const files = [...walk(path.join(templates, flags.lang)), 'sample.log'];
  for (const rel of files) {
    const from = path.join(templates, rel === 'sample.log' ? '' : flags.lang, rel);
    const to = path.join(dir, outName(fill(rel)));
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, fill(readFileSync(from, 'utf8')));
  }
  const shown = display(dir);
  process.stdout.write([
    `created ${shown}/ (${flags.lang}): ${files.map((f) => outName(fill(f))).join(', ')}`,
    '',
    'next:',
    `  make -C ${shown}          # builds ${flags.name}.so`,
    `  make -C ${shown} test     # the unit test, then: logmill plugins check ${flags.name}.so --sample sample.log`,
    `  logmill analyze --plugins ${shown} some.${flags.name}`,
    `then drop ${flags.name}.so into ~/.config/logmill/plugins. The format it parses now: TIMESTAMP LEVEL message per line; change it and put a real log in sample.log.`,
    '',
  ].join('\n'));
  return 0;
}

/** `_gitignore` in a template is the skeleton's `.gitignore` (npm leaves files named .gitignore out of a package). */
function outName(rel: string): string {
  return path.basename(rel) === '_gitignore' ? path.join(path.dirname(rel), '.gitignore') : rel;
}

/** The files under `dir`, relative to it. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]);
}

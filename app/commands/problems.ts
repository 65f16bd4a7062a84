/**
 * How a command tells the user what went wrong without stopping: one line
 * per problem on stderr, `logmill: NAME: what`, and the exit code that
 * follows from them (1 if any input failed).
 */
import type { InputError } from '../inputs/expand.js';
import type { InputReport } from '../pipeline.js';
import type { Catalog } from '../plugins/catalog.js';
import { display } from '../plugins/discovery.js';
import { printable } from '../render/escape.js';

/** One line per rejected plugin; its text is the plugin's own in part, so it is made printable. */
export function warnRejectedPlugins(catalog: Catalog): void {
  for (const r of catalog.rejected) {
    const how = r.remembered ? 'remembered from an earlier run; to check again: logmill plugins check' : 'see: logmill plugins check';
    const text = `${r.headline}${r.detail ? `: ${r.detail}` : ''} (${how} ${display(r.file)})`;
    process.stderr.write(`logmill: warning: ${printable(text.replace(/\n/g, '; '))}\n`);
  }
}

export function reportInputProblems(errors: readonly InputError[], reports: readonly InputReport[]): number {
  for (const e of errors) process.stderr.write(`logmill: ${e.name}: ${e.message}\n`);
  const failed = reports.filter((r) => r.error);
  for (const r of failed) {
    // Processor errors already read "[csv] name:line: what"; others need the name.
    const msg = r.error!.startsWith('[') ? r.error! : `${r.name}: ${r.error}`;
    process.stderr.write(`logmill: ${msg}\n`);
  }
  return errors.length > 0 || failed.length > 0 ? 1 : 0;
}

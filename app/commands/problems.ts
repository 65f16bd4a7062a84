/**
 * How a command tells the user what went wrong without stopping: one line
 * per problem on stderr, `logmill: NAME: what`, and the exit code that
 * follows from them (1 if any input failed). File names, plugin messages and
 * log text in these lines go through printable(): stderr is a terminal too.
 */
import type { InputError } from '../inputs/expand.js';
import type { InputReport } from '../pipeline.js';
import type { Catalog } from '../plugins/catalog.js';
import { display } from '../plugins/discovery.js';
import { printable } from '../render/escape.js';
import type { RejectionData } from '../workers/protocol.js';

/** Writes one problem line, `logmill: what`, with control characters shown, not sent. */
export function warn(what: string): void {
  process.stderr.write(`logmill: ${printable(what)}\n`);
}

/** One line per rejected plugin; its text is the plugin's own in part, so it is made printable. */
export function warnRejectedPlugins(catalog: Catalog): void {
  for (const r of catalog.rejected) {
    if (r.identical) continue; // the same build installed twice: nothing to fix
    const how = r.remembered ? 'remembered from an earlier run; to check again: logmill plugins check' : 'see: logmill plugins check';
    warn(`warning: ${r.headline}${r.detail ? `: ${r.detail.replace(/\n/g, '; ')}` : ''} (${how} ${display(r.file)})`);
  }
}

/** One line per rejected format file, like a rejected plugin: the format is not used, and why. */
export function warnRejectedFormats(rejected: readonly RejectionData[]): void {
  for (const r of rejected) warn(`warning: ${r.headline}${r.detail ? `: ${r.detail.replace(/\n/g, '; ')}` : ''} (see: logmill formats)`);
}

export function reportInputProblems(errors: readonly InputError[], reports: readonly InputReport[]): number {
  for (const e of errors) warn(`${e.name}: ${e.message}`);
  const failed = reports.filter((r) => r.error);
  for (const r of failed) {
    // Processor errors already read "[csv] name:line: what"; others need the name.
    const msg = r.error!.startsWith('[') ? r.error! : `${r.name}: ${r.error}`;
    warn(msg);
  }
  return errors.length > 0 || failed.length > 0 ? 1 : 0;
}

/**
 * How a command tells the user what went wrong without stopping: one line
 * per problem on stderr, `logmill: NAME: what`, and the exit code that
 * follows from them (1 if any input failed).
 */
import type { InputError } from '../inputs/expand.js';
import type { InputReport } from '../pipeline.js';
import type { Catalog } from '../plugins/catalog.js';
import { display } from '../plugins/discovery.js';

export function warnRejectedPlugins(catalog: Catalog): void {
  for (const r of catalog.rejected) {
    process.stderr.write(`logmill: warning: ${r.headline}${r.detail ? `: ${r.detail}` : ''} (see: logmill plugins check ${display(r.file)})\n`);
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

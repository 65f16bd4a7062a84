/**
 * The first steps of every batch command (`analyze`, `parse`): expand the
 * paths, read each input's head and route it (standard input included: its
 * head is kept and streamed to the worker with the rest, app/inputs/stdin.ts),
 * then retire the workers of plugins no input needs. Entries a directory
 * walk left out (FIFOs, sockets, devices) are listed with a note.
 */
import { notedOnly, plan, type Planned } from '../dispatch.js';
import { expandPaths, type InputError } from '../inputs/expand.js';
import type { RunSettings } from '../settings.js';

export async function planInputs(paths: string[], settings: RunSettings, split: boolean): Promise<{ planned: Planned[]; errors: InputError[] }> {
  const { inputs, errors, skipped } = await expandPaths(paths);
  const planned = [...await plan(inputs, settings, split), ...skipped.map((s) => notedOnly(s.name, `skipped: ${s.message}`))];
  settings.pool.trim(new Set(planned.flatMap((p) => (p.processor ? [p.processor.key] : []))));
  return { planned, errors };
}

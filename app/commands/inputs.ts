/**
 * The first steps of every batch command (`analyze`, `parse`): expand the
 * paths, copy stdin to a scratch file, read each input's head and route it,
 * then retire the workers of plugins no input needs. Entries a directory
 * walk left out (FIFOs, sockets, devices) are listed with a note.
 */
import { notedOnly, plan, spoolStdin, type Planned, type Scratch } from '../dispatch.js';
import { expandPaths, type InputError } from '../inputs/expand.js';
import type { RunSettings } from '../settings.js';

export async function planInputs(paths: string[], settings: RunSettings, scratch: Scratch, split: boolean): Promise<{ planned: Planned[]; errors: InputError[] }> {
  const { inputs, errors, skipped } = await expandPaths(paths);
  const spooled = [];
  for (const input of inputs) spooled.push(await spoolStdin(input, scratch));
  const planned = [...await plan(spooled, settings, split), ...skipped.map((s) => notedOnly(s.name, `skipped: ${s.message}`))];
  settings.pool.trim(new Set(planned.flatMap((p) => (p.processor ? [p.processor.key] : []))));
  return { planned, errors };
}

/**
 * The route-or-hold step of `logmill watch`: which processor follows a
 * file, or why it waits. `--format` decides when given. A file whose
 * extension names a format no processor handles yet (`.csv` with no csv
 * plugin) is held until a plugin for it arrives, rather than read as text.
 * Gzip files are not followed: a rotated `app.log.1.gz` holds lines already
 * read from the live file (and a compressed stream cannot be appended to).
 */
import { readHead } from '../inputs/read.js';
import type { ProcessorInfo, Registry } from '../processors/registry.js';
// GENERIC_EXTENSIONS: extensions that say nothing about the format fall back to text; others wait for a plugin.
import { DETECT_BYTES, extensionOf, GENERIC_EXTENSIONS, route } from '../routing.js';

export const GZIP_SKIPPED = 'gzip-compressed: watch follows plain files only (a rotated .gz holds lines already read from the live file; use logmill analyze for it)';

export type WatchRoute = { processor: ProcessorInfo; reason: string } | { held: string } | { empty: true };

export async function routeFollowed(file: string, registry: Registry, format: string | undefined): Promise<WatchRoute> {
  const head = await readHead({ kind: 'file', path: file, name: file, explicit: true }, DETECT_BYTES).catch(() => undefined);
  if (!head) return { empty: true }; // routed on its first change
  const routed = await route(file, head, registry, format);
  if ('error' in routed) return { held: routed.error };
  const ext = extensionOf(file);
  if (!format && routed.processor.name === 'text' && ext && !GENERIC_EXTENSIONS.has(ext) && routed.reason.startsWith('by default')) {
    return { held: `no processor for .${ext} files yet` };
  }
  return routed;
}

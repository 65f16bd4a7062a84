/**
 * Routing: which processor handles an input. In order: `--format NAME`; a
 * format file's `file-pattern` matching the path (a rejected format's fails the
 * file with its reason); the file's extension (after a `.gz`); content detection, where every processor
 * with a detector scores the first 64 KiB and the best score of at least 50
 * wins (ties go to the processor listed first: plugins before built-ins);
 * else `text`, unless the content is binary, which no fallback can read.
 * A plugin that was found but rejected never hands its files to `text`
 * silently: a file with an extension it claimed (in its last passing build),
 * or, when it never loaded, any extension no loaded processor claims, fails
 * with the plugin's reason; generic extensions (.log, .txt, none) still go to
 * `text`, with a note. The reason travels with the route so reports can say why.
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import type { RejectedPlugin } from './plugins/catalog.js';
import { display } from './plugins/discovery.js';
import type { ProcessorInfo, Registry } from './processors/registry.js';

export const DETECT_BYTES = 64 << 10;
const MIN_SCORE = 50;
/** Extensions that say "a log" but not which format: `text` may take them even when a plugin was rejected. */
export const GENERIC_EXTENSIONS = new Set(['log', 'txt', 'text', 'out', 'err']);

export type Route = { processor: ProcessorInfo; reason: string } | { error: string; binary?: true };

export async function route(name: string, head: Buffer, registry: Registry, forced?: string): Promise<Route> {
  if (forced) {
    const p = registry.byName(forced);
    return p ? { processor: p, reason: 'by --format' } : { error: `unknown format "${forced}" (known: ${registry.names().join(', ')})` };
  }
  const named = registry.processors.find((p) => p.fileName?.test(path.resolve(name)));
  if (named) return { processor: named, reason: `by file name: matches the file-pattern of format ${named.name}` };
  const lost = registry.rejectedFormats.find((r) => r.fileName?.test(path.resolve(name)));
  if (lost) return { error: `no processor: the file-pattern of a rejected format names this file: ${lost.headline} (see: logmill formats)` };
  const ext = extensionOf(name);
  const byExt = ext ? registry.byExtension(ext) : undefined;
  if (byExt) return { processor: byExt, reason: `by extension .${ext}` };
  const meantFor = ext ? registry.rejected.find((r) => r.claims?.includes(ext)) : undefined;
  if (meantFor) return { error: noProcessor(ext!, meantFor) };

  const candidates = registry.processors.filter((p) => p.detect);
  const scores = await Promise.all(candidates.map((p) => p.detect!(head)));
  let best: ProcessorInfo | undefined;
  let bestScore = 0;
  scores.forEach((score, i) => {
    if (score > bestScore) {
      best = candidates[i];
      bestScore = score;
    }
  });
  if (best && bestScore >= MIN_SCORE) return { processor: best, reason: `by content: ${(best as ProcessorInfo).name} scored ${bestScore}` };
  const packed = compression(head);
  if (packed) {
    return { error: `${packed.name}-compressed data: only gzip is read transparently (try: ${packed.tool} -dc FILE | logmill analyze -)`, binary: true };
  }
  if (looksBinary(head)) {
    return { error: 'binary data: no processor recognizes this content (use --format NAME to force one, or add a plugin for the format)', binary: true };
  }
  return fallback(ext, registry);
}

/** Nothing claimed the file: `text`, unless a rejected plugin that never loaded may have been meant for it. */
function fallback(ext: string | undefined, registry: Registry): Route {
  const rejected = registry.rejected;
  const unknown = rejected.find((r) => r.claims === undefined);
  if (unknown && ext && !GENERIC_EXTENSIONS.has(ext)) return { error: noProcessor(ext, unknown) };
  const note = rejected.length === 0 ? ''
    : `; plugin "${display(rejected[0].file)}"${rejected.length > 1 ? ` and ${rejected.length - 1} more` : ''} was rejected`;
  return { processor: registry.byName('text')!, reason: `by default: no other processor recognized the content${note}` };
}

function noProcessor(ext: string, r: RejectedPlugin): string {
  const shown = display(r.file);
  const prefix = `plugin "${shown}" `;
  const why = r.headline.startsWith(prefix) ? r.headline.slice(prefix.length) : r.headline;
  const how = r.remembered ? 'remembered from an earlier run; to check again: logmill plugins check' : 'see: logmill plugins check';
  return `no processor for .${ext}: plugin "${shown}" was rejected: ${why} (${how} ${shown})`;
}

/** Compressed formats logmill does not unpack (gzip it does), recognized by their magic bytes. */
function compression(head: Buffer): { name: string; tool: string } | undefined {
  if (head.length >= 6 && head.readUIntBE(0, 6) === 0xfd377a585a00) return { name: 'xz', tool: 'xz' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return { name: 'zstd', tool: 'zstd' };
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') return { name: 'bzip2', tool: 'bzip2' };
  return undefined;
}

/** The extension that names the format: `app.csv.gz` → `csv`; none for `syslog` or `.bashrc`. */
export function extensionOf(name: string): string | undefined {
  let base = path.basename(name);
  if (base.toLowerCase().endsWith('.gz')) base = base.slice(0, -3);
  // Rotated logs keep their format: app.log.1, app.csv.2
  base = base.replace(/\.\d+$/, '');
  const ext = path.extname(base);
  return ext.length > 1 ? ext.slice(1).toLowerCase() : undefined;
}

/**
 * Many control characters, or many bytes that are not UTF-8, in the first
 * 8 KiB outside holes: not a text log. (A Latin-1 log has a few high bytes,
 * not a third.) A run of HOLE_BYTES or more NULs is a hole, as copytruncate
 * leaves at the head of a log, so it is not evidence either way; a shorter
 * run or a lone NUL counts as a control character. A head that is all hole
 * is text that has not started yet.
 */
export function looksBinary(head: Buffer): boolean {
  const sample = outsideHoles(head, 8192);
  const n = sample.length;
  if (n === 0) return false;
  let control = 0;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const c = sample[i];
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) control++;
    else if (c >= 0x80) high++;
  }
  if (control / n > 0.05) return true;
  return high / n > 0.3 && !isUtf8(sample.subarray(0, n - 4));
}

const HOLE_BYTES = 16;

/** Up to `limit` bytes of `head`, runs of HOLE_BYTES or more NULs left out. */
function outsideHoles(head: Buffer, limit: number): Buffer {
  const out = Buffer.allocUnsafe(Math.min(limit, head.length));
  let n = 0;
  for (let i = 0; i < head.length && n < out.length;) {
    let end = i;
    while (end < head.length && head[end] === 0) end++;
    if (end - i >= HOLE_BYTES) {
      i = end;
      continue;
    }
    if (end === i) end = i + 1;
    n += head.copy(out, n, i, Math.min(end, i + out.length - n));
    i = end;
  }
  return out.subarray(0, n);
}

/**
 * From validated flags to the objects a command runs with (ripgrep's
 * "hiargs"): the plugin set and registry, the zone, per-processor options,
 * the record filter. Flag values that make no sense fail here as usage
 * errors, before any input is read.
 */
import { severityFromName, SEVERITY_NAMES } from '../contract/severity.js';
import { parseTimeField, parseZone, type Zone } from '../contract/timestamps.js';
import { availableParallelism } from 'node:os';
import type { Filter } from './analysis/filters.js';
import { parseWhere, WhereSyntaxError, type WhereExpr } from './analysis/where.js';
import type { PipelineSettings } from './pipeline.js';
import { formatDirs, loadFormats, type FormatCatalog } from './formats/catalog.js';
import { loadCatalog, type Catalog } from './plugins/catalog.js';
import { pluginDirs } from './plugins/discovery.js';
import { BUILTINS, Registry } from './processors/registry.js';
import { Pool } from './workers/pool.js';

export class UsageError extends Error {}

export interface PluginFlags {
  plugins?: string;
  /** `--formats DIR`: the format-file directory (app/formats/catalog.ts, formatDirs). */
  formats?: string;
  jobs?: number;
  pluginTimeout: number;
  /** Seconds a plugin may take to load and pass its checks (0 = no limit). */
  pluginLoadTimeout: number;
  /** Bytes of RSS a worker may use (0 = no limit); undefined: the pool's default. */
  workerMemory?: number;
  allowUntrustedPlugins: boolean;
}

export interface CommonFlags extends PluginFlags {
  format?: string;
  tz: string;
  opt?: string[];
  level?: string;
  since?: string;
  until?: string;
  grep?: string;
  /** `-i`: --grep ignores case. */
  ignoreCase?: boolean;
  /** `-v`: --grep keeps the records that do NOT match. */
  invertMatch?: boolean;
  where?: string;
  chunkSize: number;
  maxRecord: number;
  /** Files at least this large are split into byte ranges (analyze). */
  splitMin: number;
}

export interface RunSettings {
  pool: Pool;
  catalog: Catalog;
  registry: Registry;
  formats: FormatCatalog;
  format?: string;
  splitMin: number;
  pipeline: PipelineSettings;
  filter: Filter;
}

/** The worker pool, the checked plugins and format files. The caller must `pool.close()` when done. */
export async function loadPlugins(flags: PluginFlags): Promise<{ pool: Pool; catalog: Catalog; registry: Registry; formats: FormatCatalog }> {
  const { pool, catalog } = await loadPluginCatalog(flags);
  try {
    const formats = loadFormats(formatDirs(flags.formats), new Set([...BUILTINS, ...catalog.plugins].map((p) => p.name)));
    return { pool, catalog, formats, registry: Registry.of(catalog.plugins, pool, catalog.rejected, formats) };
  } catch (err) {
    pool.close();
    throw err;
  }
}

/**
 * The worker pool and the checked plugins, without the format files (read,
 * compiled and sample-checked only for a run that routes inputs):
 * `logmill plugins` lists plugins. The caller must `pool.close()` when done.
 */
export async function loadPluginCatalog(flags: PluginFlags): Promise<{ pool: Pool; catalog: Catalog }> {
  const jobs = flags.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${flags.jobs}: expected a whole number of at least 1`);
  const pool = pluginPool(jobs, flags);
  try {
    return { pool, catalog: await loadCatalog(pluginDirs(flags.plugins), pool, flags.allowUntrustedPlugins) };
  } catch (err) {
    pool.close();
    throw err;
  }
}

/** A worker pool with the parse and load limits of the flags, checked. */
export function pluginPool(jobs: number, flags: Pick<PluginFlags, 'pluginTimeout' | 'pluginLoadTimeout' | 'workerMemory'>): Pool {
  if (!(flags.pluginTimeout >= 0)) throw new UsageError(`--plugin-timeout ${flags.pluginTimeout}: expected seconds (0 = no limit)`);
  if (!(flags.pluginLoadTimeout >= 0)) throw new UsageError(`--plugin-load-timeout ${flags.pluginLoadTimeout}: expected seconds (0 = no limit)`);
  return new Pool(jobs, { timeoutMs: flags.pluginTimeout * 1000, loadTimeoutMs: flags.pluginLoadTimeout * 1000, memoryBytes: flags.workerMemory });
}

export async function buildSettings(flags: CommonFlags): Promise<RunSettings> {
  const zone = toZone(flags.tz); // usage errors before any process is started
  const filter = toFilter(flags, zone);
  const { pool, catalog, registry, formats } = await loadPlugins(flags);
  try {
    if (flags.format && !registry.byName(flags.format)) {
      throw new UsageError(`unknown format "${flags.format}" (known: ${registry.names().join(', ')})`);
    }
    const options = Object.fromEntries(parseOptions(flags.opt ?? [], registry));
    return { pool, catalog, registry, formats, format: flags.format, splitMin: flags.splitMin, pipeline: { zone, options, chunkSize: flags.chunkSize, maxRecordBytes: flags.maxRecord }, filter };
  } catch (err) {
    pool.close();
    throw err;
  }
}

function toZone(tz: string): Zone {
  try {
    return parseZone(tz);
  } catch (err) {
    throw new UsageError(`--tz: ${(err as Error).message}`);
  }
}

/** `--opt csv.delimiter=;` → options.get('csv') = { delimiter: ';' } */
export function parseOptions(opts: readonly string[], registry: Registry): Map<string, Record<string, string>> {
  const map = new Map<string, Record<string, string>>();
  for (const opt of opts) {
    const m = /^([a-z0-9_-]+)\.([^=]+)=(.*)$/s.exec(opt);
    if (!m) throw new UsageError(`--opt "${opt}": expected NAME.key=value, e.g. --opt csv.delimiter=';'`);
    const [, name, key, value] = m;
    if (!registry.byName(name)) throw new UsageError(`--opt "${opt}": no processor named "${name}" (known: ${registry.names().join(', ')})`);
    if (key === 'tz') throw new UsageError(`--opt "${opt}": use --tz to set the time zone`);
    const entry = map.get(name) ?? {};
    entry[key] = value;
    map.set(name, entry);
  }
  return map;
}

function toFilter(flags: CommonFlags, zone: Zone): Filter {
  const filter: Filter = {};
  if (flags.level !== undefined) {
    filter.level = severityFromName(flags.level);
    if (filter.level === undefined) throw new UsageError(`--level "${flags.level}": expected one of ${SEVERITY_NAMES.slice(1).join(', ')}`);
  }
  if (flags.since !== undefined) filter.sinceUs = toInstant('--since', flags.since, zone);
  if (flags.until !== undefined) filter.untilUs = toInstant('--until', flags.until, zone);
  Object.assign(filter, toGrep(flags));
  if (flags.where !== undefined) filter.where = toWhere(flags.where, zone);
  return filter;
}

/** `--grep RE` with `-i`/`-v`; `-i` or `-v` without --grep is a usage error rather than silently nothing. */
export function toGrep(flags: Pick<CommonFlags, 'grep' | 'ignoreCase' | 'invertMatch'>): Pick<Filter, 'grep' | 'grepInvert'> {
  if (flags.grep === undefined) {
    if (flags.ignoreCase || flags.invertMatch) throw new UsageError(`${flags.ignoreCase ? '--ignore-case (-i)' : '--invert-match (-v)'} applies to --grep: give --grep PATTERN too`);
    return {};
  }
  try {
    return { grep: new RegExp(flags.grep, flags.ignoreCase ? 'i' : ''), grepInvert: flags.invertMatch === true };
  } catch (err) {
    throw new UsageError(`--grep: ${(err as Error).message}`);
  }
}

/** `--where EXPR`, parsed; a syntax error shows the expression with a caret under the bad token. */
export function toWhere(text: string, zone: Zone): WhereExpr {
  const instant = (t: string): number | undefined => {
    try {
      return toInstant('--where', t, zone);
    } catch {
      return undefined;
    }
  };
  try {
    return parseWhere(text, { instant });
  } catch (err) {
    if (!(err instanceof WhereSyntaxError)) throw err;
    // The expression on one line of its own (whitespace shown as spaces), the caret in the token's column.
    const caret = ' '.repeat(err.start) + '^'.repeat(Math.max(1, err.end - err.start));
    throw new UsageError(`--where: ${err.message}\n  ${text.replace(/\s/g, ' ')}\n  ${caret}`);
  }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A timestamp (any shape logmill reads, date alone allowed) or a duration ago: `2h`, `30m`, `7d`. */
export function toInstant(flag: string, text: string, zone: Zone, nowMs = Date.now()): number {
  const rel = /^(\d+)([smhdw])$/.exec(text.trim());
  if (rel) return (nowMs - Number(rel[1]) * UNITS[rel[2]] * 1000) * 1000;
  // People type less than a full stamp: a date alone is midnight, a missing second is :00.
  const t = text.trim();
  const completed = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t} 00:00:00` : /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$/.test(t) ? `${t}:00` : t;
  const us = parseTimeField(completed, zone, nowMs);
  if (us === null) throw new UsageError(`${flag} "${text}": expected a time such as 2026-11-23T05:00:00Z, 2026-11-23, or a duration ago such as 2h`);
  return us;
}

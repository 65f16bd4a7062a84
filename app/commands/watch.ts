/**
 * `logmill watch`: plugin directories and log paths watched together
 * (chokidar). Plugins dropped in are checked and used at once; log files are
 * followed like `tail -F`; matching records are printed as they arrive, a
 * summary periodically. SIGINT/SIGTERM: stop watching, finish the reads in
 * flight, flush --state, print the final summary, exit 0.
 */
import { Severity, SEVERITY_NAMES, severityFromName } from '../../contract/severity.js';
import type { Filter } from '../analysis/filters.js';
import { makeStyle, useColor } from '../render/terminal.js';
import { buildSettings, toGrep, UsageError, type CommonFlags } from '../settings.js';
import { Follower, type FollowStats } from '../watch/files.js';
import { NdjsonOutput, TerminalOutput, type WatchOutput } from '../watch/output.js';
import { BUILTINS } from '../processors/registry.js';
import { LiveFormats } from '../watch/formats.js';
import { LivePlugins } from '../watch/plugins.js';
import { WatchState } from '../watch/state.js';
import { stopAllWorkers } from '../workers/pool.js';

export interface WatchFlags extends CommonFlags {
  paths: string[];
  state?: string;
  alert?: string;
  interval: number;
  fromEnd: boolean;
}

/** How long a stop waits for reads in flight before it kills the workers doing them. */
const STOP_GRACE_MS = 2000;

export async function runWatch(flags: WatchFlags): Promise<number> {
  const alert = parseAlert(flags.alert, flags);
  const state = new WatchState(flags.state);
  const settings = await buildSettings({ ...flags, grep: undefined, ignoreCase: undefined, invertMatch: undefined });
  const output: WatchOutput = process.stdout.isTTY ? new TerminalOutput(makeStyle(useColor(process.stdout))) : new NdjsonOutput();
  const stats: FollowStats = { records: 0, malformed: 0, severity: new Array(SEVERITY_NAMES.length).fill(0), latestErrors: [] };
  let follower: Follower | undefined;
  let plugins: LivePlugins | undefined;
  const formats = new LiveFormats(settings.formats, () => new Set([...BUILTINS.map((b) => b.name), ...plugins!.names()]), output, () => plugins!.changed());
  plugins = new LivePlugins(settings.catalog, settings.pool, flags.allowUntrustedPlugins, output, () => follower?.retryHeld(), () => formats.formats);
  follower = new Follower(flags.paths, {
    pool: settings.pool, registry: () => plugins.registry, pipeline: settings.pipeline, filter: settings.filter, format: settings.format,
    alert, state, output, stats, fromEnd: flags.fromEnd,
  });

  await plugins.start();
  await formats.start();
  await follower.start();
  output.event('watching', { paths: flags.paths, plugins: plugins.names() });

  let lastRecords = 0;
  let lastAt = Date.now();
  const summary = (final: boolean) => {
    const now = Date.now();
    const rate = ((stats.records - lastRecords) * 1000) / Math.max(1, now - lastAt);
    lastRecords = stats.records;
    lastAt = now;
    output.summary({ ...stats, files: follower!.count, held: follower!.held, plugins: plugins.names(), ratePerSecond: rate }, final);
  };
  const timer = setInterval(() => summary(false), flags.interval * 1000);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(timer);
  await plugins.close();
  await formats.close();
  // Reads in flight may finish, but a plugin that hangs (or ignores signals) does not hold the stop
  // hostage until --plugin-timeout: past the grace its workers are killed, and what they had unread
  // stays unread (their offsets were not committed, so --state reads it again next time).
  const grace = setTimeout(stopAllWorkers, STOP_GRACE_MS);
  await follower.stop();
  clearTimeout(grace);
  await output.flushed(); // the offsets of the last batches are saved once their records are out
  state.flush();
  summary(true);
  settings.pool.close();
  return 0;
}

/** `--alert 'level>=error'` (also `>`, `=`, or a bare level name), combined with --grep. */
export function parseAlert(expr: string | undefined, grep: Pick<WatchFlags, 'grep' | 'ignoreCase' | 'invertMatch'>): Filter | null {
  if (expr === undefined && grep.grep === undefined && !grep.ignoreCase && !grep.invertMatch) return null;
  const filter: Filter = {};
  if (expr !== undefined) {
    const m = /^\s*(?:level\s*(>=|>|=|==)\s*)?([a-z]+)\s*$/i.exec(expr);
    const level = m ? severityFromName(m[2]) : undefined;
    if (!m || level === undefined) throw new UsageError(`--alert "${expr}": expected level>=LEVEL, e.g. --alert 'level>=error'`);
    filter.level = m[1] === '>' ? Math.min(Severity.Fatal, level + 1) : level;
    if (m[1] === '=' || m[1] === '==') filter.exactLevel = true;
  }
  return Object.assign(filter, toGrep(grep));
}

#!/usr/bin/env node
/**
 * logmill's command line: flags are declared once here with their help text
 * (yargs), turned into settings by app/settings.ts, and each command's `run`
 * function shows its whole flow. One top-level catch turns errors into
 * `logmill: ...` and an exit code: 0 success, 1 some inputs failed (the rest
 * were still reported), 2 usage error or a failure before any input was read.
 *
 * This file also owns a command's lifetime: one AbortController per run. A
 * closed stdout (`logmill parse big.log | head`), SIGINT or SIGTERM aborts
 * it; commands observe the signal, kill their workers and return, so every
 * `finally` runs. The exit code then says why: 0 for a closed pipe (the
 * reader had enough, as with ripgrep), 130 for SIGINT, 143 for SIGTERM (the
 * shell's 128 + signal). A second SIGINT/SIGTERM exits at once.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
// Commands are imported when run, so `logmill --version` or `logmill plugins` does not load them all.
import type { AnalyzeFlags } from './commands/analyze.js';
import type { ParseFlags } from './commands/parse.js';
import type { WatchFlags } from './commands/watch.js';
import { printable } from './render/escape.js';
import { UsageError } from './settings.js';
import { DEFAULT_LOAD_TIMEOUT_MS } from './workers/pool.js';

const MiB = 1 << 20;

function parseSize(flag: string) {
  return (text: string | number): number => {
    if (typeof text === 'number') return text;
    const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(String(text).trim());
    if (!m) throw new UsageError(`--${flag} "${text}": expected a size such as 4MiB or 512KiB`);
    const unit = (m[2] ?? 'b').toLowerCase()[0];
    return Math.round(Number(m[1]) * ({ b: 1, k: 1024, m: MiB, g: 1024 * MiB } as Record<string, number>)[unit]);
  };
}

function pluginOptions<T>(y: Argv<T>) {
  return y
    .option('plugins', { type: 'string', describe: 'plugin directory (default: $LOGMILL_PLUGINS, else the one beside logmill and ~/.config/logmill/plugins; never ./plugins unless named)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'worker processes parsing at once (default: all cores)' })
    .option('plugin-timeout', { type: 'number', default: 60, describe: 'seconds a plugin may go without progress while parsing before its worker is killed (0 = no limit)' })
    .option('plugin-load-timeout', { type: 'number', default: DEFAULT_LOAD_TIMEOUT_MS / 1000, describe: 'seconds a plugin may take to load and pass its checks before it is rejected (0 = no limit)' })
    .option('worker-memory', { type: 'string', default: '2GiB', coerce: parseSize('worker-memory'), describe: 'memory (RSS, native allocations included) a worker may use before it is killed and its input fails (0 = no limit)' })
    .option('allow-untrusted-plugins', { type: 'boolean', default: false, describe: 'load plugins that are group/world-writable or owned by another user' });
}

function pluginFlags(a: { plugins?: string; jobs?: number; 'plugin-timeout': number; 'plugin-load-timeout': number; 'worker-memory': number; 'allow-untrusted-plugins': boolean }) {
  return {
    plugins: a.plugins, jobs: a.jobs, pluginTimeout: a['plugin-timeout'], pluginLoadTimeout: a['plugin-load-timeout'],
    workerMemory: a['worker-memory'], allowUntrustedPlugins: a['allow-untrusted-plugins'],
  };
}

function commonOptions<T>(y: Argv<T>) {
  return pluginOptions(y)
    .positional('paths', { type: 'string', array: true, describe: 'files, directories (recursive), globs, or - for stdin; .gz is read transparently' })
    .option('format', { alias: 'f', type: 'string', describe: 'force this processor for every input (see: logmill plugins)' })
    .option('tz', { type: 'string', default: 'UTC', describe: 'zone for timestamps written without one: IANA name, UTC, local, or +02:00' })
    .option('opt', { type: 'string', coerce: asList, describe: 'processor option NAME.key=value, e.g. csv.delimiter=";" (repeatable)' })
    .option('level', { alias: 'l', type: 'string', describe: 'only records at this severity or above (trace debug info notice warn error fatal)' })
    .option('since', { type: 'string', describe: 'only records at or after this time (2026-11-23T05:00:00Z, 2026-11-23, or 2h ago as "2h")' })
    .option('until', { type: 'string', describe: 'only records before this time' })
    .option('grep', { alias: 'g', type: 'string', describe: 'only records whose message matches this regular expression' })
    .option('chunk-size', { type: 'string', default: '4MiB', coerce: parseSize('chunk-size'), describe: 'bytes read and parsed per step (at least 1MiB in normal use)' })
    .option('split-min', { type: 'string', default: '16MiB', coerce: parseSize('split-min'), hidden: true, describe: 'files at least this large are split into byte ranges across workers' })
    .option('max-record', { type: 'string', default: '64MiB', coerce: parseSize('max-record'), describe: 'largest single record accepted; a larger one fails its file' });
}

/**
 * Repeatable flags take one value each (`--field a --field b`); an `array`
 * flag would swallow the paths after it (`--field user app.log`).
 */
function asList(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

function stdinPaths(paths: string[] | undefined): string[] {
  if (paths && paths.length > 0) return paths;
  if (!process.stdin.isTTY) return ['-'];
  throw new UsageError('no input: give files, directories or globs, or pipe a log into logmill');
}

/**
 * yargs drops a lone `-` from a positional list (`logmill parse - app.log`
 * lost stdin). It crosses yargs as this token instead (no real argument
 * holds a NUL) and is restored in every parsed value before a command runs.
 */
const DASH = '\0-';

function restoreDash(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (value === DASH) argv[key] = '-';
    else if (Array.isArray(value)) argv[key] = value.map((v) => (v === DASH ? '-' : v));
  }
}

export async function main(argv: string[], signal: AbortSignal): Promise<number> {
  let code = 0;
  const cli = yargs(argv.map((a) => (a === '-' ? DASH : a)))
    .middleware(restoreDash, true)
    .scriptName('logmill')
    .usage('$0 <command> [options]\n\nA log analyzer whose parsers are drop-in native plugins.')
    .command('analyze [paths..]', 'summarize logs: severities, time range, events over time, top patterns, first errors',
      (y) => commonOptions(y)
        .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'report format' })
        .option('field', { type: 'string', coerce: asList, describe: 'also list the top values of this field (repeatable)' })
        .option('top', { type: 'number', default: 10, describe: 'how many patterns and field values to list' }),
      async (a) => {
        signals = 'scope';
        const { runAnalyze } = await import('./commands/analyze.js');
        code = await runAnalyze({ ...(a as unknown as AnalyzeFlags), ...pluginFlags(a), paths: stdinPaths(a.paths as string[] | undefined), chunkSize: a['chunk-size'], maxRecord: a['max-record'], splitMin: a['split-min'] }, signal);
      })
    .command('parse [paths..]', 'print normalized records (NDJSON or CSV) for jq, DuckDB, spreadsheets',
      (y) => commonOptions(y).option('output', { alias: 'o', choices: ['ndjson', 'csv'] as const, default: 'ndjson' as const, describe: 'record format' }),
      async (a) => {
        signals = 'scope';
        const { runParse } = await import('./commands/parse.js');
        code = await runParse({ ...(a as unknown as ParseFlags), ...pluginFlags(a), paths: stdinPaths(a.paths as string[] | undefined), chunkSize: a['chunk-size'], maxRecord: a['max-record'], splitMin: a['split-min'] }, signal);
      })
    .command('watch [paths..]', 'follow logs and the plugin directory: new files, appended lines, rotation, plugins dropped in',
      (y) => commonOptions(y)
        .option('state', { type: 'string', describe: 'remember per file (device+inode) how far it was processed; resume there on restart' })
        .option('alert', { type: 'string', describe: "print records matching this at once, e.g. 'level>=error' (with --grep: both must match)" })
        .option('interval', { type: 'number', default: 5, describe: 'seconds between summaries' })
        .option('from-end', { type: 'boolean', default: false, describe: 'start files that exist at startup at their end, like tail -F (unless --state knows them)' }),
      async (a) => {
        const paths = (a.paths as string[] | undefined) ?? [];
        if (paths.length === 0) throw new UsageError('watch needs paths: files, directories or globs to follow');
        signals = 'command';
        const { runWatch } = await import('./commands/watch.js');
        code = await runWatch({ ...(a as unknown as WatchFlags), ...pluginFlags(a), paths, chunkSize: a['chunk-size'], maxRecord: a['max-record'], splitMin: a['split-min'], fromEnd: a['from-end'] });
      })
    .command('plugins', 'list loaded and rejected plugins; `plugins check FILE` validates one; `plugins lock` pins them',
      (y) => pluginOptions(y)
        .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const })
        .command('check <file>', 'check one .so against the plugin contract and say why it fails',
          (c) => c.positional('file', { type: 'string', demandOption: true }),
          async (c) => { const { runPluginsCheck } = await import('./commands/plugins.js'); code = await runPluginsCheck({ file: c.file, ...pluginFlags(c) }); })
        .command('lock', 'write plugins.lock with the SHA-256 of every plugin in the plugin directories; then only those load',
          (c) => c,
          async (c) => { const { runPluginsLock } = await import('./commands/plugins.js'); code = runPluginsLock({ plugins: c.plugins }); })
        .command('$0', false, () => {}, async (l) => { const { runPluginsList } = await import('./commands/plugins.js'); code = await runPluginsList({ ...pluginFlags(l), output: l.output }); }),
      () => {})
    .demandCommand(1, 'name a command: analyze, parse or plugins')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // A flag's coerce error (parseSize) reaches here wrapped in yargs' YError: it is a usage error.
      if (err && err.name === 'YError') throw new UsageError(err.message);
      if (err) throw err;
      throw new UsageError(`${msg}\nRun \`logmill --help\` for usage.`);
    });
  skipHelpCache(cli);
  await cli.parseAsync();
  return code;
}

/**
 * yargs renders the whole help text before it runs a command, to show it if
 * the command fails; logmill never shows help on failure (`.fail` above
 * throws a UsageError), and the rendering was a fifth of a small
 * `logmill analyze`'s startup. `--help` still renders it, when asked.
 */
function skipHelpCache(cli: Argv): void {
  const internal = cli as unknown as { getInternalMethods?(): { getUsageInstance(): { cacheHelpMessage?(): void } } };
  const usage = internal.getInternalMethods?.().getUsageInstance();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** The reason of an aborted scope: the run was cut short, and this exit code says how. */
class Interruption {
  constructor(readonly code: number) {}
}

const scope = new AbortController();

/**
 * Who handles SIGINT/SIGTERM: the batch commands observe the scope; `watch`
 * stops itself (final summary, exit 0); the others (`plugins`) have nothing
 * to clean up and exit at once (their workers die with us).
 */
let signals: 'scope' | 'command' | 'exit' = 'exit';

function interrupt(reason: Interruption): void {
  if (!scope.signal.aborted) scope.abort(reason);
}

let signalled = false;

function onSignal(reason: Interruption): void {
  // Asked twice: stop waiting for cleanup (workers die with us: app/workers/pool.ts, forkWorker).
  if (signalled) process.exit(reason.code);
  signalled = true;
  if (signals === 'scope') interrupt(reason);
  else if (signals === 'exit') process.exit(reason.code);
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // A closed pipe (`logmill parse x | head`) is the reader saying "enough".
  if (err.code === 'EPIPE') interrupt(new Interruption(0));
  else throw err;
});
process.on('SIGINT', () => onSignal(new Interruption(130)));
process.on('SIGTERM', () => onSignal(new Interruption(143)));

main(hideBin(process.argv), scope.signal).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError) {
      // A usage error may quote what was typed (a path, a --format): shown, not sent, like every message.
      process.stderr.write(`logmill: ${printable(err.message, { keepNewlines: true })}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`logmill: error: ${printable(err instanceof Error ? err.stack ?? err.message : String(err), { keepNewlines: true })}\n`);
      process.exitCode = 2;
    }
  },
).finally(() => {
  // The command has returned, its cleanup done: an interrupted run ends now, whatever is still pending.
  if (scope.signal.aborted) process.exit((scope.signal.reason as Interruption).code);
});

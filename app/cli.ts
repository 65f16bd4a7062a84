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
import type { SqlFlags } from './commands/sql.js';
import type { WatchFlags } from './commands/watch.js';
import { printable } from './render/escape.js';
import { setColorMode, type ColorMode } from './render/terminal.js';
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

/** A number flag checked with the user's own text in the message (`--top abc`, `--jobs 2.5`). */
function parseNumber(flag: string, what: { integer?: boolean; min: number }) {
  return (text: string | number): number => {
    const n = typeof text === 'number' ? text : /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(String(text)) ? Number(text) : NaN;
    if (!Number.isFinite(n) || n < what.min || (what.integer && !Number.isInteger(n))) {
      throw new UsageError(`--${flag} "${text}": expected ${what.integer ? 'a whole number' : 'a number'} of at least ${what.min}`);
    }
    return n;
  };
}

function pluginOptions<T>(y: Argv<T>) {
  return y
    .option('plugins', { type: 'string', describe: 'plugin directory (default: $LOGMILL_PLUGINS, else the one beside logmill and ~/.config/logmill/plugins; never ./plugins unless named)' })
    .option('formats', { type: 'string', describe: 'format-file directory (default: $LOGMILL_FORMATS, else plugins/formats beside logmill and ~/.config/logmill/formats)' })
    .option('jobs', { alias: 'j', type: 'string', coerce: parseNumber('jobs', { integer: true, min: 1 }), describe: 'worker processes parsing at once (default: all cores)' })
    .option('plugin-timeout', { type: 'string', default: 60, coerce: parseNumber('plugin-timeout', { min: 0 }), describe: 'seconds a plugin may go without progress while parsing before its worker is killed (0 = no limit)' })
    .option('plugin-load-timeout', { type: 'string', default: DEFAULT_LOAD_TIMEOUT_MS / 1000, coerce: parseNumber('plugin-load-timeout', { min: 0 }), describe: 'seconds a plugin may take to load and pass its checks before it is rejected (0 = no limit)' })
    .option('worker-memory', { type: 'string', default: '2GiB', coerce: parseSize('worker-memory'), describe: 'memory (RSS, native allocations included) a worker may use before it is killed and its input fails (0 = no limit)' })
    .option('allow-untrusted-plugins', { type: 'boolean', default: false, describe: 'load plugins that are group/world-writable or owned by another user' });
}

function pluginFlags(a: { plugins?: string; formats?: string; jobs?: number; 'plugin-timeout': number; 'plugin-load-timeout': number; 'worker-memory': number; 'allow-untrusted-plugins': boolean }) {
  return {
    plugins: a.plugins, formats: a.formats, jobs: a.jobs, pluginTimeout: a['plugin-timeout'], pluginLoadTimeout: a['plugin-load-timeout'],
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
    .option('ignore-case', { alias: 'i', type: 'boolean', describe: '--grep ignores case' })
    .option('invert-match', { alias: 'v', type: 'boolean', describe: '--grep keeps the records whose message does NOT match' })
    .option('where', { type: 'string', describe: "only records for which this holds, e.g. \"status >= 500 and path ~ '^/api' and not user = 'health'\" (see README)" })
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

/** `--count-by a,b --count-by c` → [a, b, c]; `max` names at most. */
function fieldList(flag: string, max = Infinity) {
  return (v: string | string[]): string[] | string => {
    const names = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim());
    if (names.length === 0 || names.some((n) => n === '')) throw new UsageError(`--${flag} "${[v].flat().join(',')}": expected field names separated by commas`);
    if (names.length > max) throw new UsageError(`--${flag} "${[v].flat().join(',')}": takes one field`);
    return max === 1 ? names[0] : names;
  };
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
    .option('color', { choices: ['auto', 'always', 'never'] as const, default: 'auto' as const, global: true, describe: 'colours: auto (on a terminal, unless NO_COLOR is set), always, never' })
    .middleware((a) => setColorMode(a.color as ColorMode))
    .completion('completion', 'print a bash/zsh completion script: logmill completion >> ~/.bashrc')
    .scriptName('logmill')
    .usage('$0 <command> [options]\n\nA log analyzer whose parsers are drop-in native plugins.')
    .command('analyze [paths..]', 'summarize logs: severities, time range, events over time, top patterns, first errors',
      (y) => commonOptions(y)
        .option('output', { alias: 'o', choices: ['text', 'json', 'html'] as const, default: 'text' as const, describe: 'report format (html: one self-contained page)' })
        .option('field', { type: 'string', coerce: asList, describe: 'also list the top values of this field (repeatable)' })
        .option('top', { type: 'string', default: 10, coerce: parseNumber('top', { integer: true, min: 1 }), describe: 'how many patterns, field values and --count-by groups to list' })
        .option('count-by', { type: 'string', coerce: fieldList('count-by'), describe: 'count records per distinct value of these fields, e.g. --count-by status,path' })
        .option('stats', { type: 'string', coerce: fieldList('stats', 1), describe: 'count, min, max, mean, p50, p90, p99 of this numeric field (per --count-by group too)' }),
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
    .command('sql <query> [paths..]', 'load the parsed records into DuckDB as table `logs` and run a SQL query on them',
      (y) => commonOptions(y)
        .positional('query', { type: 'string', demandOption: true, describe: 'SQL over logs(ts, severity, severity_text, message, fields JSON, file, line)' })
        .option('output', { alias: 'o', choices: ['table', 'json', 'csv'] as const, default: 'table' as const, describe: 'result format' })
        .option('save', { type: 'string', describe: 'also keep the table: FILE.duckdb (table logs) or FILE.parquet' }),
      async (a) => {
        signals = 'scope';
        const { runSql } = await import('./commands/sql.js');
        code = await runSql({ ...(a as unknown as SqlFlags), ...pluginFlags(a), paths: stdinPaths(a.paths as string[] | undefined), chunkSize: a['chunk-size'], maxRecord: a['max-record'], splitMin: a['split-min'] }, signal);
      })
    .command('watch [paths..]', 'follow logs and the plugin directory: new files, appended lines, rotation, plugins dropped in',
      (y) => commonOptions(y)
        .option('state', { type: 'string', describe: 'remember per file (device+inode) how far it was processed; resume there on restart' })
        .option('alert', { type: 'string', describe: "print records matching this at once, e.g. 'level>=error' (with --grep: both must match)" })
        .option('interval', { type: 'string', default: 5, coerce: parseNumber('interval', { min: 0.1 }), describe: 'seconds between summaries' })
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
        .command('check <file>', 'check one .so against the plugin contract and say why it fails; --sample LOG also runs it on real data',
          (c) => c.positional('file', { type: 'string', demandOption: true })
            .option('sample', { type: 'string', describe: 'a log of this format: parse it fed in chunks of every size, compare the records, show them and the detector score' }),
          async (c) => { const { runPluginsCheck } = await import('./commands/plugins.js'); code = await runPluginsCheck({ file: c.file, sample: c.sample, output: c.output, ...pluginFlags(c) }); })
        .command('new <name>', 'create a plugin skeleton in Go, C or Rust that builds with `make` and passes `plugins check --sample`',
          (c) => c.positional('name', { type: 'string', demandOption: true })
            .option('lang', { choices: ['go', 'c', 'rust'] as const, demandOption: true, describe: 'the language of the plugin' })
            .option('dir', { type: 'string', describe: 'where to create it (default: ./NAME; must not exist or be empty)' }),
          async (c) => { const { runPluginsNew } = await import('./commands/plugins-new.js'); code = runPluginsNew({ name: c.name, lang: c.lang, dir: c.dir }); })
        .command('lock', 'write plugins.lock with the SHA-256 of every plugin in the plugin directories; then only those load',
          (c) => c,
          async (c) => { const { runPluginsLock } = await import('./commands/plugins.js'); code = runPluginsLock({ plugins: c.plugins }); })
        .command('$0', false, () => {}, async (l) => { const { runPluginsList } = await import('./commands/plugins.js'); code = await runPluginsList({ ...pluginFlags(l), output: l.output }); }),
      () => {})
    .command('formats', 'list the format files (JSON, lnav schema) and check their samples; exit 1 if any is rejected',
      (y) => pluginOptions(y).option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const }),
      async (a) => { const { runFormatsList } = await import('./commands/formats.js'); code = await runFormatsList({ ...pluginFlags(a), output: a.output }); })
    .demandCommand(1, 'name a command: analyze, parse, sql, watch, plugins or formats')
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
      // yargs' "Invalid values:\n  Argument: x, Given: ..., Choices: ..." as one line in logmill's words.
      const choice = /Argument: ([\w-]+), Given: (.*), Choices: (.*)/.exec(msg ?? '');
      if (choice) throw new UsageError(`--${choice[1]} ${choice[2]}: expected one of ${choice[3].replace(/"/g, '')} (see logmill --help)`);
      throw new UsageError(`${msg} (see logmill --help)`);
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

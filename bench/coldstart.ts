/**
 * Cold start: what a user waits for on a small input. `node -e 0` (the floor:
 * starting Node at all), `logmill analyze` on a two-line .log with the bundled
 * plugins present, and `logmill plugins`, each a child process, interleaved
 * run by run, after one warm-up run of each (so the plugin check cache is
 * filled, as it is for a user's second command). Wall and CPU (user+sys of the
 * whole process tree) per command, median of the runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, median, type Measurement } from './measure.js';

export interface ColdStart {
  command: string;
  wallMs: number;
  cpuMs: number;
  problem?: string;
}

export async function measureColdStart(cli: string, plugins: string, dataDir: string, runs: number): Promise<ColdStart[]> {
  return (await measureBuilds([cli], plugins, dataDir, runs))[0];
}

/**
 * The same measurement for several builds of logmill (e.g. one built from an
 * older commit), interleaved run by run with one `node -e 0`, so a busy
 * machine weighs on every build alike: per build, its rows as measureColdStart
 * returns them (the floor first).
 */
export async function measureBuilds(clis: string[], plugins: string, dataDir: string, runs: number): Promise<ColdStart[][]> {
  fs.mkdirSync(dataDir, { recursive: true });
  const twoLines = path.join(dataDir, 'two-line.log');
  fs.writeFileSync(twoLines, '2026-11-23T05:54:40.015Z INFO [main] App - started in 1.2 s\n2026-11-23T05:54:41.020Z ERROR [worker-1] Db - connection refused\n');
  const floor: [string, string[]] = ['node -e 0', ['-e', '0']];
  const commands: [string, string[]][] = [floor, ...clis.flatMap((cli): [string, string[]][] => [
    ['logmill analyze two-line.log', [cli, 'analyze', '--plugins', plugins, twoLines]],
    ['logmill plugins', [cli, 'plugins', '--plugins', plugins]],
  ])];
  const runsOf: Measurement[][] = commands.map(() => []);
  for (let i = 0; i <= runs; i++) {
    for (const [k, [, args]] of commands.entries()) {
      const m = await measure(process.execPath, args);
      if (i > 0) runsOf[k].push(m); // run 0 warms the page cache and the plugin check cache
    }
  }
  const rows = commands.map(([command], k): ColdStart => {
    const bad = runsOf[k].find((m) => m.exitCode !== 0);
    return {
      command, wallMs: median(runsOf[k].map((m) => m.wallS)) * 1000, cpuMs: median(runsOf[k].map((m) => m.cpuS)) * 1000,
      problem: bad ? `exit ${bad.exitCode}: ${bad.stderr.trim().slice(0, 200)}` : undefined,
    };
  });
  return clis.map((_, b) => [rows[0], rows[1 + 2 * b], rows[2 + 2 * b]]);
}

/** The cold-start table and its two targets, as markdown lines. */
export function coldStartReport(rows: ColdStart[]): { table: string[]; targets: { what: string; met: boolean | null; detail: string }[] } {
  const [node, analyze, plugins] = rows;
  const table = [
    '### cold start (median; CPU = user+sys of the process tree)', '',
    '| command | wall ms | CPU ms | wall ÷ node -e 0 | CPU ÷ node -e 0 |', '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| \`${r.command}\`${r.problem ? ` (${r.problem})` : ''} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${(r.wallMs / node.wallMs).toFixed(2)} | ${(r.cpuMs / Math.max(1, node.cpuMs)).toFixed(2)} |`),
    '',
  ];
  const ratio = analyze.wallMs / node.wallMs;
  return {
    table,
    targets: [
      { what: 'cold start: `logmill analyze` two-line .log wall ≤ 2× `node -e 0`', met: analyze.problem ? false : ratio <= 2, detail: analyze.problem ?? `${ratio.toFixed(2)}× (${analyze.wallMs.toFixed(0)} ms vs ${node.wallMs.toFixed(0)} ms; CPU ${(analyze.cpuMs / Math.max(1, node.cpuMs)).toFixed(2)}×)` },
      { what: '`logmill plugins` < 150 ms (median)', met: plugins.problem ? false : plugins.wallMs < 150, detail: plugins.problem ?? `${plugins.wallMs.toFixed(0)} ms` },
    ],
  };
}

/**
 * `node dist/bench/coldstart.js [--runs N] [CLI...]`: the cold-start rows
 * alone (default: this build's dist/app/cli.js, 10 runs), a table and the
 * targets per build, every build measured in the same run.
 */
async function main(argv: string[]): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let runs = 10;
  const clis: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else clis.push(path.resolve(argv[i]));
  }
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('--runs: expected a whole number of at least 1');
  if (clis.length === 0) clis.push(path.join(root, 'dist', 'app', 'cli.js'));
  const builds = await measureBuilds(clis, path.join(root, 'plugins'), path.join(root, 'bench', 'data'), runs);
  for (const [b, rows] of builds.entries()) {
    const report = coldStartReport(rows);
    console.log([`## ${clis[b]} (${runs} runs)`, '', ...report.table, ...report.targets.map((t) => `- ${t.met ? 'met' : 'NOT met'}: ${t.what}: ${t.detail}`), ''].join('\n'));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

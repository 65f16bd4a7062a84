/**
 * Where a command's memory is: runs it once under bench/measure.ts (the same
 * 20 ms samples of VmRSS over the whole process tree) and prints the peak of
 * the sum, which processes made it up at that moment, each process's own
 * peak, and a timeline (sum and each process, every ~250 ms).
 *
 *   node dist/bench/memtrace.js -- node dist/app/cli.js analyze --output json --plugins plugins --jobs 2 FILE
 *
 * Processes are named by pid and command (`node` is the main process or a
 * worker; sh and setpriv wrappers are listed too, they are tiny).
 */
import { measure, type ProcessRss } from './measure.js';

const MB = 1e6;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--');
  const cmd = at >= 0 ? argv.slice(at + 1) : argv;
  const every = Number(process.env.MEMTRACE_EVERY_MS ?? 250);
  if (cmd.length === 0) throw new Error('usage: memtrace -- CMD ARGS...');
  let peak = 0;
  let peakAt = 0;
  let peakProcs: ProcessRss[] = [];
  const own = new Map<number, { comm: string; peak: number; first: number }>();
  const timeline: string[] = [];
  let nextLine = 0;
  const m = await measure(cmd[0], cmd.slice(1), {
    captureStdout: false,
    onSample: (ms, procs) => {
      let sum = 0;
      for (const p of procs) {
        sum += p.rssBytes;
        const o = own.get(p.pid) ?? { comm: p.comm, peak: 0, first: ms };
        o.comm = p.comm; // a wrapper (sh, setpriv) execs node: the latest name is the real one
        o.peak = Math.max(o.peak, p.rssBytes);
        own.set(p.pid, o);
      }
      if (sum > peak) {
        peak = sum;
        peakAt = ms;
        peakProcs = procs;
      }
      if (ms >= nextLine) {
        nextLine = ms + every;
        const parts = procs.filter((p) => p.rssBytes > 2 * MB).map((p) => `${p.pid}:${(p.rssBytes / MB).toFixed(0)}`);
        timeline.push(`${(ms / 1000).toFixed(2).padStart(6)} s  sum ${(sum / MB).toFixed(0).padStart(4)} MB  ${parts.join(' ')}`);
      }
    },
  });
  const out = process.stdout;
  out.write(`exit ${m.exitCode}, wall ${m.wallS.toFixed(2)} s, cpu ${m.cpuS.toFixed(2)} s, ${m.samples} samples\n`);
  out.write(`peak of the tree: ${(peak / MB).toFixed(1)} MB at ${(peakAt / 1000).toFixed(2)} s:\n`);
  for (const p of peakProcs) out.write(`  ${String(p.pid).padStart(7)} ${p.comm.padEnd(12)} ${(p.rssBytes / MB).toFixed(1).padStart(7)} MB\n`);
  out.write('each process\'s own peak:\n');
  for (const [pid, o] of own) out.write(`  ${String(pid).padStart(7)} ${o.comm.padEnd(12)} ${(o.peak / MB).toFixed(1).padStart(7)} MB (from ${(o.first / 1000).toFixed(2)} s)\n`);
  if (process.env.MEMTRACE_TIMELINE !== '0') out.write(`timeline:\n${timeline.join('\n')}\n`);
  if (m.exitCode !== 0 || process.env.MEMTRACE_STDERR) out.write(`stderr: ${m.stderr}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
});

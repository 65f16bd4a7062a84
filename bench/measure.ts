/**
 * Runs one command as a child process and measures it the same way for every
 * tool: wall time (spawn to exit), user+sys CPU of the whole process tree, and
 * peak RSS of the whole tree (the sum over every descendant, sampled from
 * /proc every ~20 ms).
 *
 * CPU: the command runs under `sh -c 'CMD; cat /proc/$$/stat'`. A process's
 * cutime/cstime include every child it waited for, recursively, so the
 * shell's counters after CMD exits are the CPU of CMD and all its
 * descendants (threads, worker processes), exact to the clock tick, with no
 * sampling gap at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLK_TCK = 100; // getconf CLK_TCK on Linux x86-64/arm64
const PAGE = 4096;
const SAMPLE_MS = 20;

export interface Measurement {
  wallS: number;
  cpuS: number;
  peakRssMB: number;
  samples: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

interface ProcStat { pid: number; ppid: number; rssPages: number; comm: string }

function readStat(pid: string): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null; // exited between readdir and read
  }
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' '); // f[0] is field 3 (state)
  return { pid: Number(pid), ppid: Number(f[1]), rssPages: Number(f[21]), comm: text.slice(text.indexOf('(') + 1, close) };
}

/** Sum of RSS (bytes) over every descendant of `root` (not root itself). */
export function treeRss(root: number): number {
  let total = 0;
  for (const p of treeProcesses(root)) total += p.rssBytes;
  return total;
}

export interface ProcessRss { pid: number; ppid: number; comm: string; rssBytes: number }

/** Every descendant of `root` (not root itself) with its RSS, parents before children. */
export function treeProcesses(root: number): ProcessRss[] {
  const children = new Map<number, ProcStat[]>();
  for (const name of fs.readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readStat(name);
    if (!st) continue;
    const list = children.get(st.ppid);
    if (list) list.push(st);
    else children.set(st.ppid, [st]);
  }
  const out: ProcessRss[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const kid of children.get(stack.pop()!) ?? []) {
      out.push({ pid: kid.pid, ppid: kid.ppid, comm: kid.comm, rssBytes: kid.rssPages * PAGE });
      stack.push(kid.pid);
    }
  }
  return out;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep stdout (for the answer); stderr is always kept, the last 4 KiB. */
  captureStdout?: boolean;
  /**
   * Called with every sample's processes (bench/memtrace.ts): to see which
   * process of the tree holds the memory at the peak, not just the sum.
   */
  onSample?: (ms: number, processes: ProcessRss[]) => void;
}

let runCounter = 0;

export function measure(cmd: string, args: string[], opts: RunOptions = {}): Promise<Measurement> {
  const statFile = path.join(os.tmpdir(), `logmill-bench-${process.pid}-${runCounter++}.stat`);
  const script = '"$@"; rc=$?; cat /proc/$$/stat > "$BENCH_STAT_FILE"; exit $rc';
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/bin/sh', ['-c', script, 'sh', cmd, ...args], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), BENCH_STAT_FILE: statFile },
      stdio: ['ignore', opts.captureStdout === false ? 'ignore' : 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 8192) err = err.slice(-4096);
    });
    let peak = 0;
    let samples = 0;
    const sample = () => {
      if (child.pid === undefined) return;
      const procs = treeProcesses(child.pid);
      let rss = 0;
      for (const p of procs) rss += p.rssBytes;
      opts.onSample?.(Number(process.hrtime.bigint() - t0) / 1e6, procs);
      samples++;
      if (rss > peak) peak = rss;
    };
    const timer = setInterval(sample, SAMPLE_MS);
    setImmediate(sample);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      clearInterval(timer);
      let cpuS = Number.NaN;
      try {
        const text = fs.readFileSync(statFile, 'latin1');
        fs.rmSync(statFile, { force: true });
        const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
        // fields 16, 17 (cutime, cstime) → f[13], f[14]; the shell's own utime/stime are noise
        cpuS = (Number(f[13]) + Number(f[14])) / CLK_TCK;
      } catch {
        // the shell was killed before writing: CPU unknown
      }
      resolve({ wallS, cpuS, peakRssMB: peak / 1e6, samples, exitCode: code, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

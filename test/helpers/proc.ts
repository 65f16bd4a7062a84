/**
 * Watching the processes a logmill run starts, by polling /proc: no test
 * waits a fixed time or asserts how long something took.
 */
import { readFileSync } from 'node:fs';

/** The direct children of `pid`. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Whether process `pid` has a file whose path contains `needle` mapped (a dlopened library). */
export function maps(pid: number, needle: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8').includes(needle);
  } catch {
    return false;
  }
}

/** Gone, or a zombie waiting for whoever adopted it: either way it runs no more. */
export function ended(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

/** Polls `check` until it holds; throws after `timeoutMs`, a generous bound that only ends a stuck test. */
export async function until(check: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

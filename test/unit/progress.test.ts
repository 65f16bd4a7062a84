/**
 * The progress line of analyze and parse (app/commands/progress.ts): with a
 * known total it says how far along and about how long is left; only on a
 * terminal, and not over the records when they go to the same terminal.
 */
import { describe, expect, it } from 'vitest';
import { plannedBytes, Progress } from '../../app/commands/progress.js';
import type { Planned } from '../../app/dispatch.js';

const MiB = 1 << 20;

function fakeTerminal(isTTY = true) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => writes.push(s) };
}

describe('Progress', () => {
  it('shows percent and time left when the total is known', () => {
    let now = 0;
    const tty = fakeTerminal();
    const p = new Progress(tty, { total: 300 * MiB, now: () => now });
    const count = p.counter();
    now = 5000;
    count(40 * MiB);
    expect(tty.writes).toEqual(['\r\x1b[2Klogmill: 40 MiB of 300 MiB (13%), 8 MiB/s, about 33s left']);
    now = 65_000;
    count(100 * MiB);
    expect(tty.writes[1]).toBe('\r\x1b[2Klogmill: 100 MiB of 300 MiB (33%), 2 MiB/s, about 2m10s left');
    p.done();
    expect(tty.writes[2]).toBe('\r\x1b[2K');
  });

  it('sums the jobs, and without a total shows what was read and the rate', () => {
    let now = 0;
    const tty = fakeTerminal();
    const p = new Progress(tty, { now: () => now });
    const a = p.counter();
    const b = p.counter();
    now = 2000;
    a(20 * MiB);
    b(20 * MiB);
    expect(tty.writes).toEqual(['\r\x1b[2Klogmill: 40 MiB read (20 MiB/s)']);
  });

  it('stays silent off a terminal, below 32 MiB, and when the records share the terminal', () => {
    for (const [tty, alone, bytes] of [[fakeTerminal(false), true, 64 * MiB], [fakeTerminal(), true, 16 * MiB], [fakeTerminal(), false, 64 * MiB]] as const) {
      let now = 0;
      const p = new Progress(tty, { total: 100 * MiB, alone, now: () => now });
      now = 1000;
      p.counter()(bytes);
      p.done();
      expect(tty.writes).toEqual([]);
    }
  });

  it('knows the total only when every input is a plain file', () => {
    const file = (size: number, encoding = 'plain'): Planned => ({ input: { kind: 'file', path: 'x', name: 'x', explicit: true }, readAs: { encoding, size }, processor: {} } as unknown as Planned);
    expect(plannedBytes([file(10), file(20)])).toBe(30);
    expect(plannedBytes([file(10), file(20, 'gzip')])).toBeUndefined();
    expect(plannedBytes([file(10), { ...file(5), input: { kind: 'stdin', name: '-', explicit: true } } as Planned])).toBeUndefined();
  });
});

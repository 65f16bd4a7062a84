/**
 * A file truncated while analyze reads it (audit B7b: a log rotated with
 * copytruncate mid-run) gets a note saying so, instead of a quietly smaller
 * count. No timing is guessed: the file is a 1 TiB sparse hole (reading it
 * would take many minutes), and it is truncated once a worker process has
 * it open, which the test sees in /proc.
 */
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Whether a logmill worker process has `file` open. */
function openByWorker(file: string): boolean {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workers/worker.js')) continue;
      if (readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === file)) return true;
    } catch {
      // the process ended meanwhile
    }
  }
  return false;
}

describe('a file truncated while being read', () => {
  it('gets a note "file shrank from X to Y bytes while being read" (B7b)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    mkdirSync(path.join(dir, 'no-plugins'));
    const file = path.join(dir, 'app.log');
    writeFileSync(file, '');
    truncateSync(file, 2 ** 40);
    const run = logmill(['analyze', '--output', 'json', '--jobs', '1', '--plugins', path.join(dir, 'no-plugins'), 'app.log'], { cwd: dir });
    let ended = false;
    void run.then(() => (ended = true));
    while (!ended && !openByWorker(file)) await sleep(50);
    truncateSync(file, 0);
    const res = await run;
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json.files[0].notes).toContain(`file shrank from ${2 ** 40} to 0 bytes while being read`);
  });
});

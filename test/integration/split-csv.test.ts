/**
 * Splitting CSV across cores (plugins/csv/resync.go): ranges that start
 * inside a quoted field holding newlines must not change the answer, and
 * every range knows the header. A resync that guesses wrong fails the file
 * loudly (app/dispatch.ts, rangeMismatch) instead of changing the answer.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** A seeded generator, so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

function csvWithQuotedNewlines(rows: number): string {
  const r = rng(5);
  const levels = ['INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'];
  const out = ['time,level,message,user,host'];
  for (let i = 0; i < rows; i++) {
    const msg = r() < 0.3
      ? `"failed to charge card ${Math.floor(r() * 999)}:\nretry ${Math.floor(r() * 9)}, later,\n""quoted"", then\nmore"`
      : `user ${Math.floor(r() * 99)} logged in from 10.0.0.${Math.floor(r() * 254)}`;
    out.push(`${new Date(Date.UTC(2026, 10, 23) + i * 1000).toISOString()},${levels[Math.floor(r() * levels.length)]},${msg},u${Math.floor(r() * 9)},web-${Math.floor(r() * 5)}`);
  }
  return out.join('\n') + '\n';
}

function withoutRanges(stdout: string): unknown {
  const report = JSON.parse(stdout) as { files: { ranges: number }[] };
  for (const f of report.files) delete (f as { ranges?: number }).ranges;
  return report;
}

describe('splitting CSV', () => {
  it('gives the same report with --jobs 1 and --jobs 2 on a CSV whose quoted fields hold newlines', async () => {
    const file = path.join(tempDir(), 'orders.csv');
    writeFileSync(file, csvWithQuotedNewlines(30000));
    const plugins = path.join(REPO, 'plugins');
    const one = await logmill(['analyze', '--output', 'json', '--plugins', plugins, '--jobs', '1', '--field', 'user', file]);
    const two = await logmill(['analyze', '--output', 'json', '--plugins', plugins, '--jobs', '2', '--split-min', '256KiB', '--field', 'user', file]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(JSON.parse(one.stdout).files[0].ranges).toBe(1);
    expect(JSON.parse(two.stdout).files[0].ranges).toBeGreaterThan(2);
    expect(JSON.parse(two.stdout).records).toBe(30000);
    expect(withoutRanges(two.stdout)).toEqual(withoutRanges(one.stdout));
  });

  it('fails a file whose ranges do not line up, saying why, instead of miscounting', async () => {
    const dir = fixturePluginDir(['bad_resync']);
    const file = path.join(tempDir(), 'app.bad_resync');
    writeFileSync(file, Array.from({ length: 40000 }, (_, i) => `INFO line ${i}`).join('\n') + '\n');
    const res = await logmill(['analyze', '--output', 'json', '--plugins', dir, '--jobs', '2', '--split-min', '128KiB', file]);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as { records: number; files: { error: string }[] };
    expect(report.records).toBe(0);
    expect(report.files[0].error).toMatch(/^\[plugin bad_resync\] .*app\.bad_resync: split into byte ranges, the records do not line up: a range began at byte \d+, but the range before it ended at the record at byte \d+ .*run with --jobs 1$/);
  });
});

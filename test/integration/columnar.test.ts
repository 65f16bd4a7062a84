/**
 * W3C extended (IIS) and Zeek logs through the real CLI: routed by content
 * (IIS and Zeek name their files .log, which says nothing), exact counts
 * (records = data lines, directives not counted), times and status levels,
 * and the same answer when logmill would split a large file: these formats
 * are never split, since a byte range would start without its header.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { Watch, watchDirs } from '../helpers/watch.js';

const FIXTURES = path.join(REPO, 'test/fixtures/columnar');

async function analyze(args: string[]) {
  const res = await logmill(['analyze', '--output', 'json', ...args]);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout);
}

const nonZero = (sev: Record<string, number>) => Object.fromEntries(Object.entries(sev).filter(([, n]) => n > 0));

describe('header-defined columnar logs', () => {
  it('an IIS log (.log) routes to w3c by content: 8 records, UTC times, status levels', async () => {
    const json = await analyze([path.join(FIXTURES, 'u_ex261125.log')]);
    expect(json.files[0]).toMatchObject({ format: 'w3c', reason: 'by content: w3c scored 95', records: 8, malformed: 0 });
    expect(nonZero(json.severity)).toEqual({ info: 4, warn: 2, error: 2 });
    expect(json.timeRange).toEqual({ first: '2026-11-25T00:00:01.000000Z', last: '2026-11-25T03:12:46.250000Z', untimed: 0 });
  });

  it('Zeek conn and http logs route to zeek by content, with exact counts and epoch times', async () => {
    const conn = await analyze([path.join(FIXTURES, 'conn.log')]);
    expect(conn.files[0]).toMatchObject({ format: 'zeek', records: 4, malformed: 0 });
    expect(conn.timeRange).toEqual({ first: '2026-11-25T00:00:00.000012Z', last: '2026-11-25T00:00:10.250001Z', untimed: 0 });
    const http = await analyze([path.join(FIXTURES, 'http.log')]);
    expect(http.files[0]).toMatchObject({ format: 'zeek', records: 4 });
    expect(nonZero(http.severity)).toEqual({ info: 2, warn: 1, error: 1 });
  });

  it('a large IIS log gives the same answer with --jobs 4 and a small --split-min: never split', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'u_ex261126.log');
    const header = readFileSync(path.join(FIXTURES, 'u_ex261125.log'), 'latin1').split('\r\n').slice(0, 4).join('\r\n') + '\r\n';
    const rows: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const t = new Date(Date.UTC(2026, 10, 26, 0, 0, 0) + i * 1000).toISOString();
      const status = i % 50 === 0 ? 500 : i % 10 === 0 ? 404 : 200;
      rows.push(`${t.slice(0, 10)} ${t.slice(11, 19)} 10.0.0.4 GET /item/${i} - 443 - 203.0.113.${i % 250} curl/8.5.0 - ${status} 0 0 ${i % 97}`);
    }
    writeFileSync(file, header + rows.join('\r\n') + '\r\n');
    const one = await analyze(['--jobs', '1', file]);
    const many = await analyze(['--jobs', '4', '--split-min', '64KiB', file]);
    expect(many.files[0].ranges).toBe(1);
    for (const j of [one, many]) {
      expect(j.records).toBe(6000);
      expect(nonZero(j.severity)).toEqual({ info: 5400, warn: 480, error: 120 });
      expect(j.timeRange.untimed).toBe(0);
    }
  });

  it('watch --from-end on an IIS log reads appended lines with the columns of the #Fields: above them', async () => {
    const { dir, logs } = watchDirs();
    const log = path.join(logs, 'u_ex261125.log');
    writeFileSync(log, readFileSync(path.join(FIXTURES, 'u_ex261125.log')));
    const w = new Watch(['logs', '--from-end', '--alert', 'level>=warn'], dir);
    running.push(w);
    await w.until((e) => e.event === 'summary');
    appendFileSync(log, '2026-11-25 03:20:00 10.0.0.4 GET /gone - 443 - 192.0.2.80 curl/8.5.0 - 410 0 0 90 60 2\r\n' +
      '2026-11-25 03:20:01 10.0.0.4 GET /health - 443 - 10.0.0.1 curl/8.5.0 - 200 0 0 312 98 0\r\n');
    await w.summaryWith(2);
    const { final } = await w.stop();
    expect(final).toMatchObject({ records: 2, malformed: 0 });
    const seen = w.events.filter((e) => e.event === 'record').map((e) => [e.message, e.line, e.severity]);
    expect(seen).toEqual([['GET /gone 410', 17, 'warn']]);
  });
});

const running: Watch[] = [];
afterEach(() => {
  for (const w of running.splice(0)) w.kill();
});

/**
 * analyze's batch path: a plugin's records as one reused BatchRecord per
 * batch, the summary keying patterns from the message's bytes. It must give
 * what the general path (a record object and a message string per record)
 * gives, record for record and summary for summary.
 */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchRecord, decodeBatch } from '../../contract/batch.js';
import type { LogRecord } from '../../contract/processor.js';
import { UTC } from '../../contract/timestamps.js';
import { Summary } from '../../app/analysis/summary.js';
import { loadPlugin } from '../../app/plugins/loader.js';
import { checkTrust } from '../../app/plugins/trust.js';
import { analyzeJob } from '../../app/workers/analyze-job.js';
import type { Job } from '../../app/workers/protocol.js';
import { tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** A record batch (contract/BATCH.md) of `records`. */
function batch(records: { time?: number; sev?: number; text: string; message: string; fields?: [string, string][]; malformed?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (const r of records) {
    const strings = [r.text, r.message, ...(r.fields ?? []).flat()].map((s) => {
      const b = Buffer.from(s);
      const n = Buffer.alloc(4);
      n.writeUInt32LE(b.length);
      return Buffer.concat([n, b]);
    });
    const head = Buffer.alloc(32);
    const body = Buffer.concat(strings);
    head.writeUInt32LE(32 + body.length, 0);
    head[4] = r.sev ?? 0;
    head[5] = (r.time !== undefined ? 1 : 0) | (r.malformed ? 2 : 0);
    head.writeUInt16LE(r.fields?.length ?? 0, 6);
    head.writeBigInt64LE(BigInt(r.time ?? 0), 8);
    head.writeBigUInt64LE(BigInt(parts.length + 1), 16);
    head.writeBigUInt64LE(BigInt(offset++), 24);
    parts.push(head, body);
  }
  const header = Buffer.alloc(16);
  const all = Buffer.concat([header, ...parts]);
  all.writeUInt32LE(0x31424d4c, 0);
  all.writeUInt32LE(records.length, 4);
  all.writeUInt32LE(all.length, 8);
  return all;
}

const MESSAGES = [
  'user 42 logged in from 10.0.0.7', '  padded 7 times  ', 'first 1\nsecond 2', 'héllo 12 wörld', 'x'.repeat(310) + ' 99',
  'order d724e0f4-9054 created, total=889.41 EUR', '', 'fe80::1 up', 'took 5ms "quoted 1"', 'user 43 logged in from 10.0.0.9',
];

const snapshot = (r: LogRecord) => ({
  time: r.time, severity: r.severity, severityText: r.severityText, message: r.message, fields: { ...r.fields }, line: r.line, offset: r.offset, malformed: r.malformed,
});

describe('reused batch records', () => {
  const records = MESSAGES.map((message, i) => ({
    time: i % 3 === 0 ? undefined : 1_795_413_280_208_000 + i * 1_000_000, sev: i % 8, text: ['', 'INFO', 'E', 'warn'][i % 4],
    message, fields: i % 2 ? [['k', `v${i}`] as [string, string]] : [], malformed: i === 6,
  }));

  it('decode as the general path decodes, one object for the whole batch', () => {
    const buf = batch(records);
    const plain: object[] = [];
    decodeBatch(buf, 100, (r) => plain.push(snapshot(r)), { lazyFields: true });
    const reused: object[] = [];
    const seen = new Set<LogRecord>();
    decodeBatch(buf, 100, (r) => {
      seen.add(r);
      reused.push(snapshot(r));
    }, { reuse: true });
    expect(reused).toEqual(plain);
    expect(seen.size).toBe(1);
    let kept: LogRecord | undefined;
    decodeBatch(buf, 100, (r) => (kept = r), { reuse: true });
    expect(kept).toBeInstanceOf(BatchRecord);
    expect(() => kept!.message).toThrow(/after its batch was done/);
    expect(() => kept!.fields).toThrow(/after its batch was done/);
  });

  it('summarize as the general path does', () => {
    const buf = batch(records);
    const plain = new Summary();
    decodeBatch(buf, 0, (r) => (r.malformed ? plain.addMalformed(r, 'f') : plain.add(r, 'f')), { lazyFields: true });
    const reused = new Summary();
    decodeBatch(buf, 0, (r) => (r.malformed ? reused.addMalformed(r, 'f') : reused.add(r, 'f')), { reuse: true });
    expect(summaryView(reused)).toEqual(summaryView(plain));
    expect(reused.patterns.size).toBe(MESSAGES.length - 2); // the two `user <num> ...` share one, the malformed one is none
  });
});

function summaryView(s: Summary) {
  return {
    records: s.records, malformed: s.malformed, severity: s.severity, firstTime: s.firstTime, lastTime: s.lastTime, untimed: s.untimed,
    buckets: [...s.buckets].sort((a, b) => a[0] - b[0]), patterns: [...s.patterns].sort((a, b) => a[0] - b[0]),
    overflow: s.patternOverflow, errors: s.errors, malformedExamples: s.malformedExamples,
  };
}

describe('analyze with the csv plugin', () => {
  it('gives the summary of the general path', async () => {
    const file = path.join(tempDir(), 'mixed.csv');
    const rows = ['timestamp,level,message,user'];
    for (let i = 0; i < 3000; i++) {
      const message = [
        `user ${i} logged in from 10.0.${i % 256}.7`, `"  padded ${i}  "`, `"first ${i}\nsecond"`, `héllo ${i}`, `"order ${i.toString(16)}abcdef12 ok, total=${i}.5"`,
        `took ${i}ms`, `""`, `"say ""hi ${i}"""`,
      ][i % 8];
      rows.push(`2026-11-23T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z,${['INFO', 'ERROR', 'warn', ''][i % 4]},${message},u${i}`);
    }
    writeFileSync(file, rows.join('\n') + '\n');
    const so = path.join(REPO, 'plugins', 'csv.so');
    const csv = loadPlugin(so, checkTrust(so, true));
    const job: Job = {
      mode: 'analyze', input: { kind: 'file', path: file, name: 'mixed.csv', explicit: true }, readAs: { encoding: 'plain', size: statSync(file).size },
      processor: 'csv', settings: { zone: UTC, options: {}, chunkSize: 1 << 16, maxRecordBytes: 1 << 20 }, filter: {}, fields: [],
    };
    const done = await analyzeJob(1, job, csv, () => {});
    expect(done.report.error).toBeUndefined();
    expect(done.report.records).toBe(3000);

    // The general path: the same plugin's records as objects, added one by one.
    const plain = new Summary();
    const stream = csv.open({ zone: UTC, options: {}, source: 'mixed.csv' });
    stream.parse(Buffer.from(rows.join('\n') + '\n'), true, (r) => {
      if (r.malformed) plain.addMalformed(r, 'mixed.csv');
      else plain.add(r, 'mixed.csv');
    });
    stream.close();
    expect(summaryView(Summary.revive(done.summary!))).toEqual(summaryView(plain));
    expect(plain.topPatterns(10).map((p) => p.pattern)).toEqual(['', 'first <num>', 'héllo <num>', 'order <hex> ok, total=<num>', 'padded <num>', 'say "…"', 'took <num>ms', 'user <num> logged in from <ip>']);
  });
});

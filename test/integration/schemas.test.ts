/**
 * JSON schemas and logfmt through the real CLI (issue 8 items 3 and 4):
 * routing by content, counts, severities and times as a user sees them.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

type FileReport = { path: string; format: string; reason: string; records: number; malformed: number };

describe('analyze routes logfmt by content and reads JSON schemas', () => {
  it('slog, logrus and journald files get their times and levels; a text log with pairs stays text', async () => {
    const cwd = tempDir();
    copyFileSync(path.join(REPO, 'test/fixtures/logfmt/slog.log'), path.join(cwd, 'slog.log'));
    copyFileSync(path.join(REPO, 'test/fixtures/logfmt/logrus.log'), path.join(cwd, 'app.log'));
    copyFileSync(path.join(REPO, 'test/fixtures/json/journalctl-o-json.json'), path.join(cwd, 'journal.json'));
    writeFileSync(path.join(cwd, 'python.log'), '2026-11-25 10:00:00,123 INFO app: user=bob action=login\n2026-11-25 10:00:01,456 WARNING app: slow ms=1500\n');
    const res = await logmill(['analyze', '-o', 'json', 'slog.log', 'app.log', 'journal.json', '--field', 'SYSLOG_IDENTIFIER'], { cwd });
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    const files: Record<string, FileReport> = Object.fromEntries(json.files.map((f: FileReport) => [f.path, f]));
    expect(files['slog.log']).toMatchObject({ format: 'logfmt', reason: 'by content: logfmt scored 85', records: 6 });
    expect(files['app.log']).toMatchObject({ format: 'logfmt', records: 5 });
    expect(files['journal.json']).toMatchObject({ format: 'json', records: 5 });
    expect(json.timeRange.untimed).toBe(0);
    // slog 3 info (INFO+2 too), 1 debug, 1 warn, 1 error; logrus info, warn, error, debug, trace; journald warn, info, error, debug, fatal.
    expect(json.severity).toEqual({ unknown: 0, trace: 1, debug: 3, info: 5, notice: 0, warn: 3, error: 3, fatal: 1 });
    expect(json.fields.SYSLOG_IDENTIFIER).toEqual([{ value: 'logmill-fixture', count: 5 }]);
    const text = JSON.parse((await logmill(['analyze', '-o', 'json', 'python.log'], { cwd })).stdout);
    expect(text.files[0].format).not.toBe('logfmt');
  });

  it('parse writes one record per OTLP log record, with typed attributes', async () => {
    const cwd = tempDir();
    const batch = {
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{ logRecords: [
          { timeUnixNano: '1795600800000000000', severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'payment failed' }, attributes: [{ key: 'http.status_code', value: { intValue: '502' } }] },
          { timeUnixNano: '1795600801000000000', severityNumber: 9, body: { stringValue: 'retry ok' } },
        ] }],
      }],
    };
    writeFileSync(path.join(cwd, 'otlp.jsonl'), JSON.stringify(batch) + '\n');
    const res = await logmill(['parse', 'otlp.jsonl'], { cwd });
    expect(res.code).toBe(0);
    const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.ts, r.severity, r.message, r.source.line])).toEqual([
      ['2026-11-25T10:00:00.000000Z', 'error', 'payment failed', 1],
      ['2026-11-25T10:00:01.000000Z', 'info', 'retry ok', 1],
    ]);
    expect(records[0].fields).toStrictEqual({ 'http.status_code': 502, 'resource.service.name': 'checkout' });
  });
});

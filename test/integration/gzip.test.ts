/**
 * Gzip inputs read as `gzip -dc` reads them (audit B10, B10b, B10c): every
 * member in turn, zero padding after the last accepted, and bytes after the
 * last member that are not a member reported as an error only after the
 * intact members' records have all been counted.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Three members of 1,000 lines each, with hex ids so they do not shrink to nothing. */
function members(): Buffer {
  const parts: Buffer[] = [];
  for (let m = 0; m < 3; m++) {
    let text = '';
    for (let i = 0; i < 1000; i++) text += `2026-11-23T05:${String(m * 10 + (i % 10)).padStart(2, '0')}:00Z INFO member ${m} line ${i} id ${((i * 2654435761) >>> 0).toString(16)}\n`;
    parts.push(gzipSync(text));
  }
  return Buffer.concat(parts);
}

async function analyze(tail: Buffer) {
  const dir = tempDir();
  dirs.push(dir);
  mkdirSync(path.join(dir, 'no-plugins'));
  writeFileSync(path.join(dir, 'app.log.gz'), Buffer.concat([members(), tail]));
  const res = await logmill(['analyze', '--output', 'json', '--plugins', path.join(dir, 'no-plugins'), 'app.log.gz'], { cwd: dir });
  return { ...res, json: JSON.parse(res.stdout) };
}

describe('gzip members', () => {
  it('three members: every record', async () => {
    const { code, json } = await analyze(Buffer.alloc(0));
    expect(code).toBe(0);
    expect(json.records).toBe(3000);
  });

  it('zero padding after the last member is accepted (B10c)', async () => {
    const { code, json } = await analyze(Buffer.alloc(4096));
    expect(code).toBe(0);
    expect(json.records).toBe(3000);
  });

  it('trailing garbage: the intact members keep their records, the garbage is an error (B10b)', async () => {
    const { code, json, stderr } = await analyze(Buffer.from('GARBAGE'));
    expect(json.records).toBe(3000);
    expect(stderr).toBe('logmill: app.log.gz: corrupt gzip data: bytes after gzip member 3 are not a gzip member (the records of the intact members were read)\n');
    expect(code).toBe(1);
  });
});

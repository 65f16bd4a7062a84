import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, BatchError } from '../../contract/batch.js';
import type { LogRecord } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';

/** The example batch of contract/BATCH.md, read from the document itself so the two cannot drift. */
function documentedExample(): Buffer {
  const doc = readFileSync(new URL('../../contract/BATCH.md', import.meta.url), 'utf8');
  const block = doc.slice(doc.indexOf('## Example'));
  const code = block.slice(block.indexOf('```') + 3, block.lastIndexOf('```'));
  const bytes: number[] = [];
  for (const line of code.split('\n')) {
    for (const token of line.split('#')[0].match(/'.'|[0-9a-f]{2}/g) ?? []) {
      bytes.push(token.startsWith("'") ? token.charCodeAt(1) : parseInt(token, 16));
    }
  }
  return Buffer.from(bytes);
}

function decode(buf: Buffer, base = 0): LogRecord[] {
  const out: LogRecord[] = [];
  decodeBatch(buf, base, (r) => out.push(r));
  return out;
}

describe('record batch (BATCH.md)', () => {
  it('decodes the documented example byte for byte', () => {
    const buf = documentedExample();
    expect(buf.length).toBe(85);
    expect(decode(buf, 1000)).toEqual([{
      time: Date.parse('2026-11-23T05:54:40.208Z') * 1000,
      severity: Severity.Unknown, severityText: 'ERROR', message: 'disk full', fields: { host: 'db1' },
      line: 7, offset: 1000, malformed: false,
    }]);
  });

  it('decodes an empty batch', () => {
    const buf = Buffer.alloc(16);
    buf.writeUInt32LE(0x31424d4c, 0);
    buf.writeUInt32LE(16, 8);
    expect(decode(buf)).toEqual([]);
  });

  it('rejects a wrong magic with both values', () => {
    expect(() => decode(Buffer.alloc(16))).toThrow(/magic 0x00000000, expected 0x31424d4c/);
  });

  it('rejects lengths that leave the batch', () => {
    const buf = documentedExample();
    buf.writeUInt32LE(500, 16); // record_length
    expect(() => decode(buf)).toThrow(BatchError);
    const buf2 = documentedExample();
    buf2.writeUInt32LE(1000, 48); // severity_text length
    expect(() => decode(buf2)).toThrow(/string of 1000 bytes runs past the record/);
  });

  it('reads negative times (before 1970) and the malformed flag', () => {
    const buf = documentedExample();
    buf.writeBigInt64LE(-1_500_000n, 24);
    buf[21] = 0x03;
    const [r] = decode(buf);
    expect(r.time).toBe(-1_500_000);
    expect(r.malformed).toBe(true);
  });
});

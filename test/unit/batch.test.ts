import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, BatchError, invalidateBatch } from '../../contract/batch.js';
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

/** Writes a batch of records (message only, at the given offsets) into `buf` as a plugin would; returns `buf`. */
function writeBatch(buf: Buffer, offsets: number[], claim?: { count?: number; byteLength?: number }): Buffer {
  let pos = 16;
  for (const offset of offsets) {
    const msg = Buffer.from(`record at ${offset}`);
    const length = 32 + 4 + 4 + msg.length;
    buf.fill(0, pos, pos + 32);
    buf.writeUInt32LE(length, pos);
    buf.writeBigUInt64LE(BigInt(offset), pos + 24);
    buf.writeUInt32LE(0, pos + 32); // severity_text
    buf.writeUInt32LE(msg.length, pos + 36);
    msg.copy(buf, pos + 40);
    pos += length;
  }
  buf.writeUInt32LE(0x31424d4c, 0);
  buf.writeUInt32LE(claim?.count ?? offsets.length, 4);
  buf.writeUInt32LE(claim?.byteLength ?? pos, 8);
  buf.writeUInt32LE(0, 12);
  return buf;
}

function decodeInput(buf: Buffer, inputLength: number): string[] {
  const out: string[] = [];
  decodeBatch(buf, 0, (r) => out.push(r.message), { inputLength });
  return out;
}

describe('record batch: what the host checks (reliability audit A3, A26)', () => {
  it('A3 count_stale: a header claiming more records than written finds zeros once the last batch is invalidated, not the last batch', () => {
    const out = Buffer.alloc(4096);
    expect(decodeInput(writeBatch(out, [0, 10, 20, 30, 40]), 50)).toHaveLength(5);
    invalidateBatch(out);
    // The next call writes 2 records but claims 2 + 3 and the whole buffer.
    writeBatch(out, [0, 10], { count: 5, byteLength: out.length });
    expect(() => decodeInput(out, 50)).toThrow('record 3 of 5 is empty (length 0): the header claims more records than the plugin wrote');
  });

  it('invalidateBatch zero-fills the decoded batch, header included, and no more', () => {
    const out = Buffer.alloc(4096, 0xee);
    writeBatch(out, [0, 10]);
    const length = out.readUInt32LE(8);
    invalidateBatch(out);
    expect(out.subarray(0, length).every((b) => b === 0)).toBe(true);
    expect(out[length]).toBe(0xee);
  });

  it('A26 abs_offset: a record offset past the input of this call fails the batch', () => {
    const out = writeBatch(Buffer.alloc(4096), [0, 60, 120]);
    expect(() => decodeInput(out, 100)).toThrow("record 3: record offset 120 is past the 100 bytes passed in (offsets must be relative to this call's input)");
    expect(decodeInput(out, 121)).toHaveLength(3);
  });

  it('a record in a batch for an empty input fails it', () => {
    const out = writeBatch(Buffer.alloc(4096), [0]);
    expect(() => decodeInput(out, 0)).toThrow('record 1: record offset 0 is past the 0 bytes passed in');
  });

  it('offsets going backwards within a batch fail it', () => {
    const out = writeBatch(Buffer.alloc(4096), [0, 30, 20]);
    expect(() => decodeInput(out, 100)).toThrow("record 3: record offset 20 goes back before the previous record's 30");
    expect(decodeInput(writeBatch(Buffer.alloc(4096), [0, 0, 20]), 100)).toHaveLength(3);
  });
});

describe('record batch: field names (reliability audit A27)', () => {
  it('keeps fields named __proto__ and constructor as own keys', () => {
    const str = (s: string) => {
      const b = Buffer.alloc(4 + s.length);
      b.writeUInt32LE(s.length, 0);
      b.write(s, 4);
      return b;
    };
    const strings = Buffer.concat(['', 'm', '__proto__', 'p', 'constructor', 'c'].map(str));
    const out = Buffer.alloc(16 + 32 + strings.length);
    out.writeUInt32LE(0x31424d4c, 0);
    out.writeUInt32LE(1, 4);
    out.writeUInt32LE(out.length, 8);
    out.writeUInt32LE(32 + strings.length, 16);
    out.writeUInt16LE(2, 22);
    strings.copy(out, 48);
    for (const lazyFields of [false, true]) {
      let fields: Record<string, string> = {};
      decodeBatch(out, 0, (r) => { fields = r.fields; }, { lazyFields });
      expect(Object.keys(fields)).toEqual(['__proto__', 'constructor']);
      expect(JSON.stringify(fields)).toBe('{"__proto__":"p","constructor":"c"}');
    }
  });
});

describe('record batch: more fields than field_count can say (reliability audit B16)', () => {
  it('B16 a record whose strings go on past its field_count is one malformed record, and the next record is fine', () => {
    const out = writeBatch(Buffer.alloc(4096), [0, 10]);
    // Give record 1 a second field its field_count (1, as 65,537 wraps to in 16 bits) does not count.
    const first = out.readUInt32LE(16);
    const rest = Buffer.from(out.subarray(16 + first, out.readUInt32LE(8)));
    const fields = Buffer.from([1, 0, 0, 0, 0x6b, 1, 0, 0, 0, 0x76, 1, 0, 0, 0, 0x6b, 1, 0, 0, 0, 0x76]); // k=v twice
    fields.copy(out, 16 + first);
    rest.copy(out, 16 + first + fields.length);
    out.writeUInt32LE(first + fields.length, 16);
    out.writeUInt16LE(1, 22);
    out.writeUInt32LE(out.readUInt32LE(8) + fields.length, 8);
    const records: LogRecord[] = [];
    decodeBatch(out, 0, (r) => records.push(r), { inputLength: 20 });
    expect(records.map((r) => [r.malformed, r.message, r.offset])).toEqual([
      [true, 'record has 10 bytes after the last of the 1 fields its field_count says (more than 65,535 fields?)', 0],
      [false, 'record at 10', 10],
    ]);
  });
});

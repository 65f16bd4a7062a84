/**
 * looksBinary (app/routing.ts): a run of NULs is a hole (copytruncate), not
 * evidence of binary; real binary content is still recognized.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { looksBinary } from '../../app/routing.js';

const text = Buffer.from('2026-11-23T05:00:00Z INFO started\n'.repeat(200));

describe('looksBinary', () => {
  it('takes a NUL hole before or inside text as text', () => {
    expect(looksBinary(Buffer.concat([Buffer.alloc(16 << 10), text]))).toBe(false);
    expect(looksBinary(Buffer.concat([text, Buffer.alloc(4096), text]))).toBe(false);
    expect(looksBinary(Buffer.alloc(64 << 10))).toBe(false); // all hole: text that has not started
    expect(looksBinary(Buffer.concat([text, Buffer.from('one \0 here\n')]))).toBe(false);
  });

  it('still refuses executables, random bytes and UTF-16 without a byte-order mark', () => {
    expect(looksBinary(readFileSync('/bin/ls').subarray(0, 64 << 10))).toBe(true);
    let seed = 7;
    expect(looksBinary(Buffer.alloc(8192).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16))).toBe(true);
    expect(looksBinary(Buffer.from('2026-11-23 INFO started\n'.repeat(100), 'utf16le'))).toBe(true);
    expect(looksBinary(Buffer.from([0x41, 0x00, 0x42]))).toBe(true);
  });
});

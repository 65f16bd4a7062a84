/**
 * The pattern scanner (scanPattern, patternKey) against the regular
 * expression it stands in for (patternOf): the same text for real messages
 * and for many generated ones built from the characters the masks care about.
 */
import { describe, expect, it } from 'vitest';
import { lastPatternText, patternKey, patternKeyOfBytes, patternOf, patternText, scanPattern, type PatternSink } from '../../app/analysis/patterns.js';
import { prng } from '../helpers/prng.js';

const MASK_TEXT = ['<date>', '<time>', '<uuid>', '<ip>', '<hex>', '', '<num>'];

function scanned(message: string): string {
  let out = '';
  const sink: PatternSink = {
    literal: (s, from, to) => { out += s.slice(from, to); },
    mask: (kind, s, from) => { out += kind === 5 ? `${s[from]}…${s[from]}` : MASK_TEXT[kind]; },
  };
  scanPattern(message, sink);
  return out;
}

const PIECES = ['0', '1', '7', '9', '12', '123', '2026', '255', 'a', 'f', 'B', 'E', 'g', 'x', 'z', '_', ':', '::', '.', ',', '-', '/',
  '"', "'", '\\', ' ', '  ', 'T', 'ms', 'KiB', '%', '[', ']', '(', ')', '#', '=', '\t', '\r', '\n', '\u00a0', 'é', '…',
  '2026-11-23', '14:36:25', '0:00:00.176', '05:54:40,123', '10.0.0.7', '127.0.0.1:8080', 'fe80::1', '2001:db8::1', '::ffff:192.0.2.128',
  '3f2a1b9c-0d4e-4f5a-8b6c-7d8e9f0a1b2c', '0x7ffd', 'deadbeef12', 'cafebabe', '1,000', '123.4', '1.2.3', 'a:b:c:d', '1:2:3:4:5:6:7:8',
  '00:1a:2b:3c:4d:5e', '"a b"', "'x\\'y'", 'user', 'id='];

describe('scanPattern', () => {
  it('masks generated messages exactly as patternOf does', () => {
    const next = prng(7);
    for (let n = 0; n < 30000; n++) {
      let m = '';
      const parts = Math.floor(next() * 14);
      for (let k = 0; k < parts; k++) m += PIECES[Math.floor(next() * PIECES.length)];
      const got = scanned(m);
      if (got !== patternOf(m)) expect({ message: m, scanned: got }).toEqual({ message: m, scanned: patternOf(m) });
    }
  });

  it('masks long and multi-line messages as patternOf does', () => {
    for (const m of ['x'.repeat(400), `  ${'1 '.repeat(200)}`, 'first 1\nsecond 2', `${'a'.repeat(298)} 12345`, '\u00a0 lead 1 \ufeff']) {
      expect(scanned(m)).toBe(patternOf(m));
    }
  });

  it('gives equal keys to equal patterns and different keys to different ones', () => {
    expect(patternKey('user 42 logged in from 10.0.0.7')).toBe(patternKey('user 7 logged in from 10.0.0.9'));
    expect(patternKey('took 5s')).not.toBe(patternKey('took 5ms'));
    expect(patternKey('a "x"')).toBe(patternKey('a "y z"'));
    expect(patternKey('a "x"')).not.toBe(patternKey("a 'x'"));
  });

  it('keys a message from its UTF-8 bytes as from its string, and builds the text patternOf builds', () => {
    const next = prng(11);
    const batch = Buffer.alloc(4096, 0x41); // bytes around each message, as in a record batch
    let ascii = 0;
    for (let n = 0; n < 30000; n++) {
      let m = '';
      const parts = Math.floor(next() * 14);
      for (let k = 0; k < parts; k++) m += PIECES[Math.floor(next() * PIECES.length)];
      const at = 1 + Math.floor(next() * 100);
      const length = batch.write(m, at);
      batch[at + length] = 0x31; // a digit right after the message must not join its last mask
      const fromBytes = patternKeyOfBytes(batch, at, length);
      const firstLine = m.slice(0, Math.min(300, m.indexOf('\n') < 0 ? m.length : m.indexOf('\n')));
      if (/^[\x00-\x7f]*$/.test(firstLine)) {
        ascii++;
        // The text of the key just made from the bytes, from that scan (what the summary stores for a new key).
        const text = lastPatternText(m);
        if (text !== patternOf(m)) expect({ message: m, text }).toEqual({ message: m, text: patternOf(m) });
        if (fromBytes !== patternKey(m)) expect({ message: m, key: fromBytes }).toEqual({ message: m, key: patternKey(m) });
      } else expect(fromBytes).toBe(-1);
      if (patternText(m) !== patternOf(m)) expect({ message: m, text: patternText(m) }).toEqual({ message: m, text: patternOf(m) });
    }
    expect(ascii).toBeGreaterThan(10000);
  });

  it('reads bytes only up to the first line and its first 300 characters', () => {
    const long = Buffer.from(`${'a'.repeat(300)} 12 é`);
    expect(patternKeyOfBytes(long, 0, long.length)).toBe(patternKey(long.toString()));
    const lines = Buffer.from('took 5 ms\nà 1');
    expect(patternKeyOfBytes(lines, 0, lines.length)).toBe(patternKey('took 9 ms'));
  });
});

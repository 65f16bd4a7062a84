/**
 * The host's C pattern scanner (app/analysis/pattern-keys.c, loaded by
 * app/plugins/native.ts) against the TypeScript one it stands in for: for
 * every message it keys, the key patternKey gives; -1 (left to TypeScript)
 * only where the TypeScript scanner reads the string or its IPv6 expression;
 * and a batch whose bounds do not check costs no crash.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { patternKey, patternKeyOfBytes } from '../../app/analysis/patterns.js';
import { patternKeysLibrary } from '../../app/plugins/native.js';
import { REPO } from '../helpers/paths.js';
import { prng } from '../helpers/prng.js';

/** A record batch (contract/BATCH.md) with one record per message, severity text "INFO". */
function batchOf(messages: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of messages) {
    const text = Buffer.from('INFO');
    const msg = Buffer.from(m);
    const rec = Buffer.alloc(32 + 4 + text.length + 4 + msg.length);
    rec.writeUInt32LE(rec.length, 0);
    rec.writeUInt32LE(text.length, 32);
    text.copy(rec, 36);
    rec.writeUInt32LE(msg.length, 36 + text.length);
    msg.copy(rec, 40 + text.length);
    parts.push(rec);
  }
  const head = Buffer.alloc(16);
  const body = Buffer.concat(parts);
  head.writeUInt32LE(0x31424d4c, 0);
  head.writeUInt32LE(messages.length, 4);
  head.writeUInt32LE(16 + body.length, 8);
  return Buffer.concat([head, body]);
}

function nativeKeys(batch: Buffer, count: number): { n: number; keys: Float64Array } {
  const lib = patternKeysLibrary();
  if (lib === null) throw new Error('dist/native/pattern-keys.so is not built (npm run build)');
  const keys = new Float64Array(count + 1).fill(123);
  const n = lib.keys(batch, Buffer.from(keys.buffer));
  return { n, keys };
}

/** Checks each native key against TypeScript's; returns how many messages the native scanner keyed. */
function compare(messages: string[]): number {
  const { n, keys } = nativeKeys(batchOf(messages), messages.length);
  expect(n).toBe(messages.length);
  let keyed = 0;
  messages.forEach((m, i) => {
    if (keys[i] === -1) {
      // Left to TypeScript: only when the bytes scanner cannot decide it either, or an IPv6 candidate.
      const bytes = Buffer.from(m);
      if (patternKeyOfBytes(bytes, 0, bytes.length) !== -1) expect(m).toMatch(/::|:.*:.*:/);
      return;
    }
    keyed++;
    if (keys[i] !== patternKey(m)) expect({ message: m, key: keys[i] }).toEqual({ message: m, key: patternKey(m) });
  });
  return keyed;
}

const PIECES = ['0', '1', '7', '9', '12', '123', '2026', '255', 'a', 'f', 'B', 'E', 'g', 'x', 'z', '_', ':', '::', '.', ',', '-', '/',
  '"', "'", '\\', ' ', '  ', 'T', 'ms', 'KiB', '%', '[', ']', '(', ')', '#', '=', '\t', '\r', '\n', '\u00a0', 'é', '…',
  '2026-11-23', '2026/11/23', '14:36:25', '0:00:00.176', '05:54:40,123', '1:02:03.1234567890', '10.0.0.7', '127.0.0.1:8080', '1.2.3.4567',
  'fe80::1', '2001:db8::1', '::ffff:192.0.2.128', '3f2a1b9c-0d4e-4f5a-8b6c-7d8e9f0a1b2c', '0x7ffd', '0xg', 'deadbeef12', 'cafebabe',
  '1,000', '123.4', '1.2.3', 'a:b:c:d', '1:2:3:4:5:6:7:8', '00:1a:2b:3c:4d:5e', '"a b"', "'x\\'y'", '"\\"', 'user', 'id=', '5s', '10KiB'];

describe('the native pattern scanner', () => {
  it('gives the TypeScript key for every generated message it keys', () => {
    const next = prng(11);
    const messages: string[] = [];
    for (let n = 0; n < 40000; n++) {
      let m = '';
      const parts = Math.floor(next() * 16);
      for (let k = 0; k < parts; k++) m += PIECES[Math.floor(next() * PIECES.length)];
      messages.push(m);
    }
    // Most messages are keyed natively (the rest: IPv6 candidates, non-ASCII pattern input).
    expect(compare(messages)).toBeGreaterThan(messages.length / 3);
  });

  it('keys long, multi-line, padded and empty messages as TypeScript does', () => {
    const messages = ['', ' ', 'x'.repeat(400), `  ${'1 '.repeat(200)}`, 'first 1\nsecond é 2', `${'a'.repeat(298)} 12345`, `${'b'.repeat(299)}é`,
      '\t lead 1 \r', 'ends with 2026-11-23T14:36:25.123Z', 'quote "open', 'esc "a\\', "x='1' y=\"2\""];
    expect(compare(messages)).toBeGreaterThanOrEqual(messages.length - 1);
  });

  it('gives the TypeScript key for every line of the test fixtures', () => {
    const lines: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const f = path.join(dir, name);
        if (statSync(f).isDirectory()) walk(f);
        else if (statSync(f).size < 4 << 20) lines.push(...readFileSync(f, 'latin1').split('\n').slice(0, 2000));
      }
    };
    walk(path.join(REPO, 'test', 'fixtures'));
    expect(lines.length).toBeGreaterThan(1000);
    expect(compare(lines)).toBeGreaterThan(lines.length / 2);
  });

  it('returns -1 for a buffer that holds no batch, and -1 keys for records that run past it', () => {
    expect(nativeKeys(Buffer.from('not a batch at all'), 1).n).toBe(-1);
    const good = batchOf(['user 42 logged in', 'user 7 logged in', 'user 9 logged in']);
    const cut = good.subarray(0, good.length - 5); // the last record runs past the end
    const { n, keys } = nativeKeys(cut, 3);
    expect(n).toBe(3);
    expect(keys[0]).toBe(patternKey('user 42 logged in'));
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(-1);
    expect(keys[3]).toBe(123); // nothing written past the record count
  });
});

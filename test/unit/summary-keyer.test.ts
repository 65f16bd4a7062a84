/**
 * Summary.keyWith: string messages keyed a batch at a time by the worker's C
 * scanner (app/plugins/native.ts), their counting deferred until then. The
 * summary must be the one the record-by-record TypeScript path gives: the
 * same patterns, counts, first examples and pruning, even when the caller
 * reuses its record object (as a processor may) and across pack and merge.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { MAX_PATTERNS, Summary } from '../../app/analysis/summary.js';
import { patternKeysLibrary } from '../../app/plugins/native.js';

function keyer() {
  const lib = patternKeysLibrary();
  if (lib === null) throw new Error('dist/native/pattern-keys.so is not built (npm run build)');
  return lib;
}

/** A word of its own for each i: letters only (digits would be masked). */
function letters(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return s;
}

/** Messages with masks, repeats, non-ASCII, IPv6 (left to TypeScript), multi-line and long ones, and enough singletons to prune. */
function message(i: number): string {
  switch (i % 9) {
    case 0: return `user ${i} logged in from 10.0.${i % 256}.7`;
    case 1: return `cache miss for key "k${i}" after ${i % 97}ms`;
    // A non-ASCII character right at the 300-unit end of the pattern input (the scanner must see it).
    case 2: return i % 18 === 2 ? `${'x'.repeat(299)}é ${i}` : `naïve ünïcode ${i}`;
    case 3: return `peer fe80::${(i % 4096).toString(16)} down`;
    case 4: return `unique message ${letters(i)}`;
    case 5: return `trace ${i}\n\tat Foo.bar(Foo.java:${i})`;
    case 6: return `${'long '.repeat(70)}${i}`;
    case 7: return `  padded ${letters(i)} ${i}  `;
    default: return `job ${i} done at 2026-11-23 14:36:25`;
  }
}

/** Feeds `n` records through one reused record object, as a processor that reuses its record would. */
function feed(s: Summary, n: number, from = 0): void {
  const r: LogRecord = { time: null, severity: Severity.Info, severityText: '', message: '', fields: {}, line: 0, offset: 0, malformed: false };
  for (let i = from; i < from + n; i++) {
    r.message = message(i);
    r.severity = i % 7 === 0 ? Severity.Error : Severity.Info;
    r.severityText = i % 7 === 0 ? 'ERROR' : 'INFO';
    r.time = i % 11 === 0 ? null : 1_700_000_000_000_000 + i * 1000;
    r.line = i + 1;
    r.offset = i * 100;
    s.add(r, 'app.log');
  }
}

function plain(s: Summary) {
  return JSON.parse(JSON.stringify({ ...s, patterns: [...s.patterns], top: s.topPatterns(50) }));
}

describe('summary keyed by the C scanner', () => {
  it('gives the summary of the TypeScript path, pruning included', () => {
    const n = MAX_PATTERNS * 6 + 777; // singletons (case 4) fill the map: it is pruned
    const ts = new Summary();
    const c = new Summary().keyWith(keyer());
    feed(ts, n);
    feed(c, n);
    expect(ts.patternOverflow).toBeGreaterThan(0);
    expect(plain(c.pack())).toEqual(plain(ts.pack()));
  });

  it('counts what waits before a merge and in topPatterns', () => {
    const ts = new Summary();
    const c = new Summary().keyWith(keyer());
    feed(ts, 300);
    feed(c, 300); // fewer than a batch: all waiting
    expect(c.topPatterns(5)).toEqual(ts.topPatterns(5));
    feed(c, 10, 300);
    feed(ts, 10, 300);
    const into = new Summary();
    into.merge(c.pack());
    const expected = new Summary();
    expected.merge(ts.pack());
    expect(plain(into)).toEqual(plain(expected));
  });
});

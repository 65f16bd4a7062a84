/**
 * A worker's summary crosses to the main process packed (Summary.pack: its
 * patterns in columns) and structured-cloned; merged there, it must give
 * what merging the unpacked summary gives: counts, texts, first examples
 * (line numbers shifted by the range's lineBase), pruning included.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { MAX_PATTERNS, Summary } from '../../app/analysis/summary.js';

function letters(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return s;
}

/** A summary of `n` records from `from`: repeated patterns and singletons, some untimed, some without a line. */
function partial(from: number, n: number): Summary {
  const s = new Summary();
  for (let i = from; i < from + n; i++) {
    const message = i % 3 === 0 ? `only ${letters(i)}` : i % 3 === 1 ? `user ${i} in ${'x'.repeat(i % 400)}` : `job ${i % 50} done`;
    const r: LogRecord = { time: i % 5 === 0 ? null : 1_700_000_000_000_000 + i, severity: i % 4 === 0 ? Severity.Error : Severity.Info,
      severityText: i % 4 === 0 ? 'ERROR' : 'INFO', message, fields: {}, line: i % 7 === 0 ? 0 : i + 1, offset: i * 10, malformed: false };
    s.add(r, `f${from}.log`);
  }
  return s;
}

function view(s: Summary) {
  return { patterns: [...s.patterns], top: s.topPatterns(20), overflow: s.patternOverflow, records: s.records, errors: s.errors };
}

describe('a packed summary', () => {
  it('merges as the unpacked one, after a structured clone', () => {
    const n = MAX_PATTERNS * 2;
    const viaClone = new Summary();
    const direct = new Summary();
    for (const [from, lineBase] of [[0, 0], [n, 5000], [2 * n, 9000]]) {
      viaClone.merge(Summary.revive(structuredClone(partial(from, n).pack())), lineBase);
      direct.merge(partial(from, n), lineBase);
    }
    expect(direct.patternOverflow).toBeGreaterThan(0);
    expect(view(viaClone)).toEqual(view(direct));
  });

  it('reads its patterns back', () => {
    const s = partial(0, 500);
    const before = view(s);
    expect(view(Summary.revive(structuredClone(s.pack())))).toEqual(before);
  });
});

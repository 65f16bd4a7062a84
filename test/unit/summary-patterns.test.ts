/**
 * The summary's pattern counts with lossy counting (MAX_PATTERNS): the
 * patterns dropped when the map is full are gone, and a message seen again
 * afterwards starts a new count, whatever sits in front of the map.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../contract/processor.js';
import { Severity } from '../../contract/severity.js';
import { MAX_PATTERNS, Summary } from '../../app/analysis/summary.js';

/** A message whose pattern is its own: letters only (digits would be masked). */
function word(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return `message ${s}`;
}

function record(message: string): LogRecord {
  return { time: null, severity: Severity.Info, severityText: 'INFO', message, fields: {}, line: 1, offset: 0, malformed: false };
}

describe('summary patterns', () => {
  it('count a pattern dropped by pruning afresh when it comes back', () => {
    const s = new Summary();
    const kept = Math.floor((MAX_PATTERNS * 3) / 4) + 100; // seen twice: the prune has to drop them too
    for (let i = 0; i < kept; i++) s.add(record(word(i)), 'f');
    for (let i = 0; i < kept; i++) s.add(record(word(i)), 'f');
    for (let i = kept; s.patterns.size < MAX_PATTERNS; i++) s.add(record(word(i)), 'f');
    s.add(record('one more'), 'f'); // the map is full: prune (count 1, then count 2: everything)
    expect(s.patterns.size).toBe(1);
    // The last pattern found twice before the prune, and one found earlier.
    s.add(record(word(kept - 1)), 'f');
    s.add(record(word(1)), 'f');
    s.add(record(word(1)), 'f');
    expect(s.topPatterns(5).map((p) => [p.pattern, p.count])).toEqual([[word(1), 2], [word(kept - 1), 1], ['one more', 1]]);
    expect(s.records + 0).toBe(s.patternOverflow + 4);
  });
});

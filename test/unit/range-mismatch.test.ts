/**
 * app/dispatch.ts, rangeMismatch: the ranges of a split file must line up.
 * A resync that misses a record start in the last range used to lose the
 * records from there to the end silently (the range before stopped at that
 * record, the last range found no start and read nothing).
 */
import { describe, expect, it } from 'vitest';
import { rangeMismatch, type Planned } from '../../app/dispatch.js';
import type { RangeResult } from '../../app/pipeline.js';

const planned = {
  input: { kind: 'file', path: '/x.xml', name: '/x.xml', explicit: true },
  processor: { name: 'xml', origin: { kind: 'plugin' } },
} as unknown as Planned;

const range = (first: number | null, stop: number | null): RangeResult => ({ newlines: 0, first, stop });

describe('rangeMismatch', () => {
  it('accepts ranges that line up, and a range holding no record start', () => {
    expect(rangeMismatch(planned, [range(0, 100), range(100, 250), range(250, null)])).toBeNull();
    // The middle range held no record start: the one before read through it.
    expect(rangeMismatch(planned, [range(0, 300), range(null, null), range(300, null)])).toBeNull();
  });

  it('fails a range that begins elsewhere than where the one before stopped', () => {
    expect(rangeMismatch(planned, [range(0, 100), range(120, null)])).toMatch(/a range began at byte 120, but the range before it ended at the record at byte 100/);
  });

  it('fails a file whose last ranges found no record start where the range before stopped', () => {
    const why = rangeMismatch(planned, [range(0, 100), range(null, null)]);
    expect(why).toMatch(/^\[plugin xml\] \/x\.xml: split into byte ranges, the records do not line up: a range ended at the record at byte 100, but no range after it began there/);
    expect(why).toMatch(/run with --jobs 1$/);
  });
});

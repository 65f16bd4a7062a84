import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findLeadingTime, formatTime, parseTime, parseTimeField, parseZone, timeInRange, TimeRangeGuard, UTC } from '../../contract/timestamps.js';

interface Vector { text: string; tz?: string; ref?: string; epoch?: boolean; expect: string | null }
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../../contract/testdata/timestamps.json', import.meta.url), 'utf8')).cases;
const DEFAULT_REF = Date.parse('2026-11-23T12:00:00Z');

describe('timestamps (contract/testdata/timestamps.json)', () => {
  it.each(vectors)('$text (tz $tz) → $expect', (v) => {
    const zone = v.tz ? parseZone(v.tz) : UTC;
    const ref = v.ref ? Date.parse(v.ref) : DEFAULT_REF;
    const us = v.epoch ? parseTimeField(v.text, zone, ref) : parseTime(v.text, zone, ref);
    expect(us === null ? null : formatTime(us)).toBe(v.expect);
  });
});

describe('findLeadingTime', () => {
  it('stops before a word that is not a zone', () => {
    const line = '2026-11-23 05:54:40 INFO started';
    const found = findLeadingTime(line, UTC, DEFAULT_REF)!;
    expect(line.slice(found.length)).toBe(' INFO started');
  });
  it('takes a bracketed ISO stamp with its brackets', () => {
    const line = '[2026-11-23T05:54:40.123Z] boom';
    const found = findLeadingTime(line, UTC, DEFAULT_REF)!;
    expect(formatTime(found.us)).toBe('2026-11-23T05:54:40.123000Z');
    expect(line.slice(found.length)).toBe(' boom');
  });
  it('takes a bracketed ctime stamp (Apache httpd error log) with its brackets', () => {
    const line = '[Mon Nov 23 06:40:46.981714 2026] [proxy:error] [pid 27317:tid 27323] boom';
    const found = findLeadingTime(line, parseZone('Europe/Berlin'), DEFAULT_REF)!;
    expect(formatTime(found.us)).toBe('2026-11-23T05:40:46.981714Z');
    expect(line.slice(found.length)).toBe(' [proxy:error] [pid 27317:tid 27323] boom');
  });
  it('takes an unbracketed ctime stamp and stops after the year', () => {
    const line = 'Tue Nov  3 06:40:45 2026 started';
    const found = findLeadingTime(line, UTC, DEFAULT_REF)!;
    expect(formatTime(found.us)).toBe('2026-11-03T06:40:45.000000Z');
    expect(line.slice(found.length)).toBe(' started');
    expect(findLeadingTime('[Mon Nov 23 06:40:45 2026 boom', UTC, DEFAULT_REF)).toBeNull();
    expect(findLeadingTime('Mon Nov 23 06:40:45 20261', UTC, DEFAULT_REF)).toBeNull();
  });
  it('finds nothing in prose', () => {
    expect(findLeadingTime('Traceback (most recent call last):', UTC, DEFAULT_REF)).toBeNull();
    expect(findLeadingTime('\tat com.example.Foo.bar(Foo.java:12)', UTC, DEFAULT_REF)).toBeNull();
  });
});

describe('parseZone', () => {
  it('accepts names, offsets, UTC and local', () => {
    expect(parseZone('+05:30')).toMatchObject({ offsetMinutes: 330 });
    expect(parseZone('Europe/Berlin')).toMatchObject({ kind: 'iana', name: 'Europe/Berlin' });
    expect(parseZone('local').kind).toBe('iana');
  });
  it('rejects unknown zones with a hint', () => {
    expect(() => parseZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus" \(use an IANA name/);
  });
});

describe('the range of times (reliability audit A25, B15b)', () => {
  const first = Date.parse('0001-01-01T00:00:00Z') * 1000;
  const end = Date.parse('+010000-01-01T00:00:00Z') * 1000;

  it('A25 accepts years 0001-9999, which formatTime can show, and nothing else', () => {
    expect(timeInRange(first)).toBe(true);
    expect(timeInRange(end - 1000)).toBe(true);
    expect(formatTime(first)).toBe('0001-01-01T00:00:00.000000Z');
    expect(formatTime(end - 1000)).toMatch(/^9999-12-31T23:59:59\.999\d{3}Z$/); // µs are not exact past 2^53 (the year 2255)
    for (const us of [first - 1000, end, 9.223372036854776e18, -9.223372036854776e18, 1e22, NaN, Infinity]) expect(timeInRange(us)).toBe(false);
  });

  it('TimeRangeGuard passes times in range, nulls the others and counts them', () => {
    const guard = new TimeRangeGuard();
    expect([guard.check(null), guard.check(0), guard.check(1e22), guard.check(-1e22)]).toEqual([null, 0, null, null]);
    expect(guard.notes()).toEqual(['2 timestamps out of range (years 0001-9999), treated as untimed']);
    expect(new TimeRangeGuard().notes()).toEqual([]);
  });

  it('reads a stamp in the years 1-99 as that year, year 0 as no stamp', () => {
    expect(parseTime('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z') * 1000);
    expect(parseTime('0004-02-29 12:00:00')).toBe(Date.parse('0004-02-29T12:00:00Z') * 1000);
    expect(parseTime('0000-01-01T00:00:00Z')).toBeNull();
  });
});

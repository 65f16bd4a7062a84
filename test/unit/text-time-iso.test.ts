/**
 * The text processor reads the commonest stamp (`2026-11-23T00:00:00.003Z`)
 * without a regular expression (text-time.ts, isoUtc). It must find what the
 * contract's reader (findLeadingTime) finds, on the stamp and on everything
 * that nearly is one.
 */
import { describe, expect, it } from 'vitest';
import { findLeadingTime, UTC, parseZone } from '../../contract/timestamps.js';
import { readIsoUtc, StampFinder } from '../../app/processors/text-time.js';

const DATES = ['2026-11-23', '2024-02-29', '2023-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '0001-01-01', '0000-01-01',
  '0099-12-31', '9999-12-31', '2026/11/23', '2026-11/23', '2026-1-23', '20261123'];
const TIMES = ['00:00:00', '23:59:59', '23:59:60', '24:00:00', '12:60:00', '12:00:61', '7:00:00', '12:00'];
const FRACTIONS = ['', '.0', '.003', ',5', '.123456', '.1234567', '.123456789', '.1234567890', '.', '.x'];
const ENDS = ['Z', 'Z INFO x', 'Zulu', ' Z', 'z', '', '+02:00', ' UTC', ' INFO x', 'Z AM', 'Z\tx', 'Z0'];

describe('isoUtc, the ISO stamp read by hand', () => {
  it('finds what findLeadingTime finds', () => {
    let hits = 0;
    const day = { key: -1, us: 0 }; // shared, as a StampFinder shares it between lines
    for (const zone of [UTC, parseZone('+05:30')]) {
      for (const date of DATES) {
        for (const sep of ['T', ' ', 't']) {
          for (const time of TIMES) {
            for (const fraction of FRACTIONS) {
              for (const end of ENDS) {
                const text = `${date}${sep}${time}${fraction}${end}`;
                const lead = findLeadingTime(text, zone, Date.UTC(2026, 10, 23));
                const fast = readIsoUtc(text, zone, day);
                if (fast) {
                  hits++;
                  expect({ text, found: fast }).toEqual({ text, found: lead });
                } else if (lead && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?Z/.test(text)) {
                  expect({ text, found: fast }).toEqual({ text, found: lead }); // the shape it is for: it must read it
                }
              }
            }
          }
        }
      }
    }
    expect(hits).toBeGreaterThan(500);
  });

  it('keeps the date of each line, not of the line before', () => {
    const finder = new StampFinder(UTC, Date.UTC(2026, 10, 23));
    for (const text of ['2026-11-23T23:59:59.999Z a', '2026-11-24T00:00:00Z b', '2025-01-01T00:00:00Z c', '2026-11-24T00:00:01Z d']) {
      const lead = findLeadingTime(text, UTC, 0)!;
      expect(finder.find(text)).toEqual({ us: lead.us, end: lead.length, inside: false });
    }
  });
});

/**
 * A time value the way almost every JSON logger writes it, read from its
 * bytes: `2026-11-23T05:54:40.208Z` (RFC 3339: `-` or `/` between the date's
 * parts, `T` or a space, a fraction of 1 to 9 digits after `.` or `,`, then
 * `Z`, `±HH:MM`, `±HHMM` or nothing). What the value means is still decided
 * by contract/timestamps.ts (compose: ranges, February 30th, leap seconds,
 * `--tz`), once per minute: the seconds and fraction are added to the
 * minute's start, as compose adds them. Any other shape gives undefined and
 * the caller parses the text (parseTimeField), so the answer is the same.
 */
import { compose, type Zone } from '../../contract/timestamps.js';

/** Below this, a minute's start plus a minute of µs is an exact integer (2^53 - 2^27). */
const EXACT_US = 2 ** 53 - 2 ** 27;

export class IsoTimeReader {
  // The last minute composed (its digits as one number, and the offset), and its start in µs or null.
  private minuteKey = -1;
  private minuteOffset: number | undefined = undefined;
  private minuteStart: number | null = null;

  constructor(private readonly zone: Zone) {}

  /** The time of the JSON string whose bytes (between the quotes) are buf[start..end); undefined for another shape. */
  read(buf: Uint8Array, start: number, end: number): number | null | undefined {
    const length = end - start;
    if (length < 19) return undefined;
    const sep = buf[start + 4];
    const t = buf[start + 10];
    if ((sep !== 0x2d && sep !== 0x2f) || buf[start + 7] !== sep || (t !== 0x54 && t !== 0x20) || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return undefined;
    const y = digits(buf, start, 4);
    const mo = digits(buf, start + 5, 2);
    const d = digits(buf, start + 8, 2);
    const h = digits(buf, start + 11, 2);
    const mi = digits(buf, start + 14, 2);
    const s = digits(buf, start + 17, 2);
    if ((y | mo | d | h | mi | s) < 0) return undefined;
    let i = start + 19;
    // The fraction: its first 6 digits, right-padded with zeros, are µs (as fractionUs reads it).
    let us = 0;
    if (i < end && (buf[i] === 0x2e || buf[i] === 0x2c)) {
      const from = ++i;
      while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) {
        if (i - from < 6) us = us * 10 + (buf[i] - 0x30);
        i++;
      }
      const n = i - from;
      if (n === 0 || n > 9) return undefined;
      for (let k = n; k < 6; k++) us *= 10;
    }
    let offset: number | undefined;
    if (i === end) {
      // No zone in the stamp: --tz's. An IANA zone's offset is looked up per stamp, so leave those to parseTimeField.
      if (this.zone.kind !== 'fixed') return undefined;
    } else if (buf[i] === 0x5a && i + 1 === end) offset = 0;
    else if (buf[i] === 0x2b || buf[i] === 0x2d) {
      const colon = end - i === 6 && buf[i + 3] === 0x3a;
      if (!colon && end - i !== 5) return undefined;
      const oh = digits(buf, i + 1, 2);
      const om = digits(buf, colon ? i + 4 : i + 3, 2);
      if ((oh | om) < 0) return undefined;
      offset = (buf[i] === 0x2d ? -1 : 1) * (oh * 60 + om);
    } else return undefined;
    if (s > 60) return null;
    const key = (((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi;
    if (key !== this.minuteKey || offset !== this.minuteOffset) {
      this.minuteKey = key;
      this.minuteOffset = offset;
      this.minuteStart = compose(y, mo, d, h, mi, 0, 0, offset, this.zone);
    }
    const minute = this.minuteStart;
    if (minute === null) return null;
    // Past 2^53 µs (before 1685, after 2255) the sum could round otherwise than compose's: let it compute.
    if (Math.abs(minute) > EXACT_US) return undefined;
    // compose reads second 60 (a leap second) as 59.
    return minute + (s === 60 ? 59 : s) * 1_000_000 + us;
  }
}

/** The decimal number of `n` digits at buf[at], or -1. */
function digits(buf: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

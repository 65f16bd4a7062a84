/**
 * The `timestamp-format` of a format file: strftime-like patterns as lnav
 * writes them (`%Y-%m-%d %H:%M:%S.%L`, `%d/%b/%Y:%H:%M:%S %z`), compiled
 * once into an anchored regular expression and a function that builds the
 * instant with contract/timestamps.ts's `compose`, so zones, `--tz` and
 * range checks follow the same rules as every other processor. A format
 * without a year takes it as syslog stamps do (this year, or last year when
 * that would be more than a day in the future); a format without a date
 * (time of day only) is refused when the file loads: logmill does not make
 * up dates.
 */
import { ABBREVIATIONS, compose, MONTHS, type Zone } from '../../contract/timestamps.js';

type Part = 'Y' | 'y' | 'm' | 'd' | 'H' | 'I' | 'M' | 'S' | 'frac' | 'p' | 'b' | 'z' | 'Z' | 's' | 'i' | 'skip';

/** Each directive: the regex it matches and the part it sets. */
const DIRECTIVES: Record<string, { re: string; part: Part }> = {
  Y: { re: '\\d{4}', part: 'Y' },
  y: { re: '\\d{2}', part: 'y' },
  m: { re: '\\d{1,2}', part: 'm' },
  d: { re: '\\d{1,2}', part: 'd' },
  e: { re: ' ?\\d{1,2}', part: 'd' },
  H: { re: '\\d{1,2}', part: 'H' },
  k: { re: ' ?\\d{1,2}', part: 'H' },
  I: { re: '\\d{1,2}', part: 'I' },
  l: { re: ' ?\\d{1,2}', part: 'I' },
  M: { re: '\\d{2}', part: 'M' },
  S: { re: '\\d{2}', part: 'S' },
  L: { re: '\\d{1,3}', part: 'frac' },
  f: { re: '\\d{1,9}', part: 'frac' },
  N: { re: '\\d{1,9}', part: 'frac' },
  p: { re: '[AaPp][Mm]', part: 'p' },
  b: { re: '[A-Za-z]{3}', part: 'b' },
  h: { re: '[A-Za-z]{3}', part: 'b' },
  B: { re: '[A-Za-z]{3,9}', part: 'b' },
  a: { re: '[A-Za-z]{3}', part: 'skip' },
  A: { re: '[A-Za-z]{6,9}', part: 'skip' },
  z: { re: 'Z|[+-]\\d{2}:?\\d{2}', part: 'z' },
  Z: { re: '[A-Z]{1,5}|[+-]\\d{2}:?\\d{2}', part: 'Z' },
  s: { re: '\\d{1,12}(?:\\.\\d{1,9})?', part: 's' },
  i: { re: '\\d{1,15}', part: 'i' },
};
/** Shorthands, expanded before compiling. */
const SHORTHANDS: Record<string, string> = { T: '%H:%M:%S', F: '%Y-%m-%d', D: '%m/%d/%y', R: '%H:%M', r: '%I:%M:%S %p' };

export type TimeParser = (text: string, zone: Zone, refMs: number) => number | null;

export class TimeFormatError extends Error {}

/** Compiles one timestamp-format; throws TimeFormatError naming what is wrong with it. */
export function compileTimeFormat(format: string): TimeParser {
  let expanded = format;
  for (const [k, v] of Object.entries(SHORTHANDS)) expanded = expanded.split(`%${k}`).join(v);
  const parts: Part[] = [];
  let re = '^';
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i];
    if (c !== '%') {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    const d = expanded[++i];
    if (d === '%') {
      re += '%';
      continue;
    }
    const dir = d === undefined ? undefined : DIRECTIVES[d];
    if (!dir) throw new TimeFormatError(d === undefined ? 'ends with a lone %' : `%${d} is not a directive logmill reads (see README, "Format files")`);
    re += `(${dir.re})`;
    parts.push(dir.part);
  }
  const epoch = parts.includes('s') || parts.includes('i');
  const dated = parts.includes('d') && (parts.includes('m') || parts.includes('b'));
  if (!epoch && !dated) throw new TimeFormatError('has no date (%d with %m or %b) and no epoch (%s, %i): logmill does not make up dates');
  const regex = new RegExp(re + '$');
  return (text, zone, refMs) => {
    const m = regex.exec(text.trim());
    return m ? build(parts, m, zone, refMs) : null;
  };
}

function build(parts: Part[], m: RegExpExecArray, zone: Zone, refMs: number): number | null {
  let year: number | undefined;
  let month = 1;
  let day = 1;
  let hour = 0;
  let pm: boolean | undefined;
  let minute = 0;
  let second = 0;
  let us = 0;
  let offset: number | undefined;
  for (let k = 0; k < parts.length; k++) {
    const v = m[k + 1];
    switch (parts[k]) {
      case 'Y': year = Number(v); break;
      case 'y': year = Number(v) + (Number(v) < 69 ? 2000 : 1900); break;
      case 'm': month = Number(v); break;
      case 'd': day = Number(v.trim()); break;
      case 'H': hour = Number(v.trim()); break;
      case 'I': hour = Number(v.trim()); break;
      case 'p': pm = v.toLowerCase() === 'pm'; break;
      case 'M': minute = Number(v); break;
      case 'S': second = Number(v); break;
      case 'frac': us = Number((v + '00000').slice(0, 6)); break;
      case 'b': {
        const mo = MONTHS[v.slice(0, 3).toLowerCase()];
        if (!mo) return null;
        month = mo;
        break;
      }
      case 'z': case 'Z': {
        const off = zoneOffset(v);
        if (off === undefined) return null;
        offset = off;
        break;
      }
      case 's': {
        const [int, frac = ''] = v.split('.');
        return Number(int) * 1e6 + Number((frac + '000000').slice(0, 6));
      }
      case 'i': return Number(v) * 1000;
      case 'skip': break;
    }
  }
  if (pm !== undefined && parts.includes('I')) hour = (hour % 12) + (pm ? 12 : 0);
  if (year !== undefined) return compose(year, month, day, hour, minute, second, us, offset, zone);
  // No year: this year, unless that is more than a day ahead (the syslog rule of TIMESTAMPS.md).
  const refYear = new Date(refMs).getUTCFullYear();
  const t = compose(refYear, month, day, hour, minute, second, us, offset, zone);
  if (t !== null && t > (refMs + 86_400_000) * 1000) return compose(refYear - 1, month, day, hour, minute, second, us, offset, zone);
  return t;
}

function zoneOffset(text: string): number | undefined {
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return ABBREVIATIONS[text];
}

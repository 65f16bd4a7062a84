/**
 * The level slot after a stamp (text-level.ts, slotLevel): any case for the
 * main level words, remembered per word as written. The answer must not
 * depend on whether the word was seen before.
 */
import { describe, expect, it } from 'vitest';
import { findSeverity } from '../../app/processors/text-level.js';
import { normalizeSeverity } from '../../contract/severity.js';

const SLOT = ['trace', 'verbose', 'debug', 'info', 'information', 'informational', 'notice', 'warn', 'warning',
  'error', 'err', 'severe', 'fatal', 'crit', 'critical', 'alert', 'emerg', 'emergency', 'panic'];
const CASES = (w: string) => [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)];

describe('the level slot after a stamp', () => {
  it('takes every slot word in any case, the first time and again', () => {
    for (let round = 0; round < 2; round++) {
      for (const w of SLOT.flatMap(CASES)) {
        for (const [line, end] of [[` ${w} x`, 1 + w.length], [`\t| [${w}] x`, 5 + w.length], [` ${w}: x`, 2 + w.length]] as const) {
          expect({ line, found: findSeverity(line, true) }).toEqual({ line, found: { text: w, severity: normalizeSeverity(w), leading: true, end } });
        }
      }
    }
  });

  it('leaves other first words to the rest of the line', () => {
    for (let round = 0; round < 2; round++) {
      for (const line of [' infos x', ' in x', ' errors x', ' logs x', ' informationals x', ' query x', ' Context x']) {
        expect({ line, found: findSeverity(line, true) }).toEqual({ line, found: null });
      }
      expect(findSeverity(' query ERROR x', true)).toMatchObject({ text: 'ERROR', leading: false });
    }
  });
});

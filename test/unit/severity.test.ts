import { describe, expect, it } from 'vitest';
import { normalizeSeverity, Severity, severityFromName } from '../../contract/severity.js';

describe('severity normalization (SEVERITY.md)', () => {
  const table: [string, Severity][] = [
    ['FINEST', Severity.Trace], ['FINER', Severity.Trace], ['TRACE', Severity.Trace],
    ['FINE', Severity.Debug], ['CONFIG', Severity.Debug], ['DEBUG2', Severity.Debug], ['debug', Severity.Debug],
    ['INFO', Severity.Info], ['LOG', Severity.Info], ['DETAIL', Severity.Info], ['STATEMENT', Severity.Info], ['HINT', Severity.Info],
    ['NOTICE', Severity.Notice],
    ['WARNING', Severity.Warn], ['warn', Severity.Warn], ['[warn]', Severity.Warn], ['Warning:', Severity.Warn],
    ['SEVERE', Severity.Error], ['ERROR', Severity.Error], ['err', Severity.Error], ['E', Severity.Error],
    ['CRITICAL', Severity.Fatal], ['CRIT', Severity.Fatal], ['ALERT', Severity.Fatal], ['EMERG', Severity.Fatal],
    ['PANIC', Severity.Fatal], ['FATAL', Severity.Fatal],
    ['0', Severity.Fatal], ['2', Severity.Fatal], ['3', Severity.Error], ['4', Severity.Warn], ['5', Severity.Notice], ['6', Severity.Info], ['7', Severity.Debug],
    ['30', Severity.Info], ['50', Severity.Error], ['60', Severity.Fatal],
    ['<11>', Severity.Error], ['<14>', Severity.Info],
    ['', Severity.Unknown], ['VERBOSE!', Severity.Unknown], ['99', Severity.Unknown], ['hello', Severity.Unknown],
  ];
  it.each(table)('%s → %i', (text, expected) => {
    expect(normalizeSeverity(text)).toBe(expected);
  });

  it('reads --level names and synonyms', () => {
    expect(severityFromName('warn')).toBe(Severity.Warn);
    expect(severityFromName('WARNING')).toBe(Severity.Warn);
    expect(severityFromName('loud')).toBeUndefined();
  });
});

/**
 * The benchmark's own copy of the few rows of contract/SEVERITY.md that its
 * generated data uses. Deliberately not imported from contract/: the expected
 * counts must not share a bug with the code they check. Baselines report raw
 * level words; the bench maps them here.
 */
export const SEVERITIES = ['trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal', 'unknown'] as const;
export type Sev = (typeof SEVERITIES)[number];
export type SevCounts = Record<Sev, number>;

const TABLE: Record<string, Sev> = {
  trace: 'trace', finest: 'trace', finer: 'trace',
  debug: 'debug', fine: 'debug', config: 'debug',
  info: 'info',
  notice: 'notice',
  warn: 'warn', warning: 'warn',
  error: 'error', severe: 'error',
  fatal: 'fatal', critical: 'fatal',
};

export function sevOf(word: string): Sev {
  return TABLE[word.trim().toLowerCase()] ?? 'unknown';
}

export function zeroCounts(): SevCounts {
  return { trace: 0, debug: 0, info: 0, notice: 0, warn: 0, error: 0, fatal: 0, unknown: 0 };
}

/** Folds raw level word → count into normalized counts. */
export function normalizeCounts(raw: Record<string, number>): SevCounts {
  const out = zeroCounts();
  for (const [word, n] of Object.entries(raw)) out[sevOf(word)] += n;
  return out;
}

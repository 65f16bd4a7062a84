/**
 * The parts of logmill's answer the data's meta cannot check: the top
 * patterns (text and count) and the events-over-time histogram (bucket width
 * and every bucket's counts per severity). They are compared with a
 * reference recorded from a logmill whose answers were checked
 * (bench/answers/FORMAT-SIZE-sSEED.json, committed: the data is generated
 * deterministically from the seed, so the same file gives the same answer on
 * every machine). A speed change that alters a pattern or a bucket shows up
 * as a wrong answer in the bench, like a wrong count.
 *
 *   npm run bench -- --record-answers    (re-record, after checking by hand why they changed)
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Reference {
  patterns: Array<{ pattern: string; count: number }>;
  histogram: unknown;
}

/** The comparable parts of an `analyze --output json` report. */
export function referenceOf(report: { patterns: Array<{ pattern: string; count: number }>; histogram: unknown }): Reference {
  return { patterns: report.patterns.map((p) => ({ pattern: p.pattern, count: p.count })), histogram: report.histogram };
}

export function referenceFile(dir: string, format: string, target: number, seed: number): string {
  return path.join(dir, `${format}-${target}-s${seed}.json`);
}

export function readReference(file: string): Reference | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Reference) : undefined;
}

export function writeReference(file: string, ref: Reference): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(ref, null, 1) + '\n');
}

/** '' when `got` gives the reference's answer, else what differs first (patterns, then buckets). */
export function compareReference(got: Reference, want: Reference): string {
  const bad: string[] = [];
  const n = Math.max(got.patterns.length, want.patterns.length);
  for (let i = 0; i < n; i++) {
    const g = got.patterns[i];
    const w = want.patterns[i];
    if (g?.pattern !== w?.pattern || g?.count !== w?.count) {
      bad.push(`pattern #${i + 1} ${g ? `"${g.pattern.slice(0, 40)}" ${g.count}` : 'missing'} ≠ ${w ? `"${w.pattern.slice(0, 40)}" ${w.count}` : 'none'}`);
      break;
    }
  }
  const gh = got.histogram as { bucketSeconds?: number; buckets?: Array<{ start: string }> } | null;
  const wh = want.histogram as { bucketSeconds?: number; buckets?: Array<{ start: string }> } | null;
  if (gh?.bucketSeconds !== wh?.bucketSeconds) bad.push(`histogram bucket ${gh?.bucketSeconds} s ≠ ${wh?.bucketSeconds} s`);
  else {
    const gb = gh?.buckets ?? [];
    const wb = wh?.buckets ?? [];
    if (gb.length !== wb.length) bad.push(`histogram ${gb.length} buckets ≠ ${wb.length}`);
    else {
      const i = gb.findIndex((b, k) => JSON.stringify(b) !== JSON.stringify(wb[k]));
      if (i >= 0) bad.push(`histogram bucket ${wb[i].start} differs`);
    }
  }
  return bad.join('; ');
}

/**
 * `--stats FIELD` and `--count-by FIELD[,FIELD...]`: the aggregates users of
 * angle-grinder and SQL ask for (`count by path`, `p99(ms) by path`), kept
 * mergeable like the rest of the summary (app/analysis/summary.ts): a worker
 * builds them over its file or byte range, `pack()`s them for the trip to
 * the main process, which `revive`s and merges them in input order.
 *
 * Percentiles come from a DDSketch (@datadog/sketches-js): relative error at
 * most 1% of the true value for every quantile, any number of values in a few
 * KiB, and lossless merging; partial sketches travel as its protobuf encoding.
 * Count, min, max and mean are exact.
 */
import { DDSketch } from '@datadog/sketches-js';
import type { LogRecord } from '../../contract/processor.js';
import { severityName } from '../../contract/severity.js';
import { asNumber, asText, fieldOf, type FieldValue } from './values.js';

/** DDSketch's guarantee: a reported quantile is within this fraction of the true value. */
export const RELATIVE_ACCURACY = 0.01;

/**
 * Groups kept by --count-by. When the map is full the rarest groups are
 * dropped, as for patterns (lossy counting): frequent groups keep exact
 * counts, and the dropped records are counted in `dropped`.
 */
export const MAX_GROUPS = 10_000;

/** The JSON report's `Stats` (README, "JSON report"). */
export interface StatsJson {
  field: string;
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  nonNumeric: number;
}

/** Numeric statistics of one field: exact count/min/max/sum, sketched quantiles. */
export class FieldStats {
  count = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  /** Records that have the field with a value that is not a number. */
  nonNumeric = 0;
  /** A live sketch, or its protobuf encoding while it crosses from a worker. */
  sketch: DDSketch | Uint8Array = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

  constructor(readonly field: string) {}

  add(r: LogRecord): void {
    const v = fieldOf(r, this.field);
    if (v === undefined) return;
    const n = asNumber(v);
    if (n === undefined) {
      this.nonNumeric++;
      return;
    }
    this.count++;
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
    this.sum += n;
    (this.sketch as DDSketch).accept(n);
  }

  merge(other: FieldStats): void {
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.sum += other.sum;
    this.nonNumeric += other.nonNumeric;
    if (other.count > 0) (this.sketch as DDSketch).merge(other.sketch as DDSketch);
  }

  /** The sketch as bytes, for a structured clone to carry (its class would not survive). */
  pack(): void {
    if (this.sketch instanceof DDSketch) this.sketch = this.sketch.toProto();
  }

  static revive(data: FieldStats): FieldStats {
    const s = Object.assign(Object.create(FieldStats.prototype), data) as FieldStats;
    if (!(s.sketch instanceof DDSketch)) s.sketch = DDSketch.fromProto(s.sketch);
    return s;
  }

  /** Quantile q in [0, 1], kept within the exact min and max (the sketch's answer is within 1% of the truth). */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const v = (this.sketch as DDSketch).getValueAtQuantile(q);
    return Math.min(this.max, Math.max(this.min, v));
  }

  toJson(): StatsJson {
    const some = this.count > 0;
    return {
      field: this.field, count: this.count,
      min: some ? this.min : null, max: some ? this.max : null, mean: some ? this.sum / this.count : null,
      p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), nonNumeric: this.nonNumeric,
    };
  }
}

export interface Group {
  values: string[];
  count: number;
  stats?: FieldStats;
}

/** `--count-by a,b`: records per distinct (a, b), with `--stats` per group when asked. */
export class GroupCounts {
  readonly groups = new Map<string, Group>();
  /** Records in groups dropped to bound memory (MAX_GROUPS). */
  dropped = 0;
  /** Records lacking one of the fields: in no group. */
  missing = 0;

  constructor(readonly fields: readonly string[], readonly statsField?: string) {}

  add(r: LogRecord, file: string): void {
    const values: string[] = [];
    for (const f of this.fields) {
      const v = groupValue(r, f, file);
      if (v === undefined) {
        this.missing++;
        return;
      }
      values.push(asText(v));
    }
    const g = this.group(JSON.stringify(values), values, 1);
    g.stats?.add(r);
  }

  private group(key: string, values: string[], count: number): Group {
    const known = this.groups.get(key);
    if (known) {
      known.count += count;
      return known;
    }
    if (this.groups.size >= MAX_GROUPS) this.prune();
    const g: Group = { values, count, stats: this.statsField === undefined ? undefined : new FieldStats(this.statsField) };
    this.groups.set(key, g);
    return g;
  }

  /** Drops the rarest groups (count 1, then 2, ...) until a quarter of the map is free. */
  private prune(): void {
    for (let threshold = 1; this.groups.size > (MAX_GROUPS * 3) / 4; threshold++) {
      for (const [key, g] of this.groups) {
        if (g.count <= threshold) {
          this.dropped += g.count;
          this.groups.delete(key);
        }
      }
    }
  }

  merge(other: GroupCounts): void {
    this.dropped += other.dropped;
    this.missing += other.missing;
    for (const [key, g] of other.groups) {
      const mine = this.group(key, g.values, g.count);
      if (g.stats) mine.stats?.merge(g.stats);
    }
  }

  pack(): void {
    for (const g of this.groups.values()) g.stats?.pack();
  }

  static revive(data: GroupCounts): GroupCounts {
    const c = Object.assign(Object.create(GroupCounts.prototype), data) as GroupCounts;
    for (const g of c.groups.values()) if (g.stats) g.stats = FieldStats.revive(g.stats);
    return c;
  }

  top(n: number): Group[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || compareValues(a.values, b.values)).slice(0, n);
  }
}

function compareValues(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/**
 * What `--count-by NAME` groups by: `severity` (or `level`) is the record's
 * severity and `file` its input, as in `--where`; `fields.NAME` reaches a
 * field called like one of those; any other name is a field.
 */
function groupValue(r: LogRecord, name: string, file: string): FieldValue | undefined {
  if (name === 'severity' || name === 'level') return severityName(r.severity);
  if (name === 'file') return file;
  return fieldOf(r, name.startsWith('fields.') ? name.slice('fields.'.length) : name);
}

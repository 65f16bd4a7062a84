/**
 * The analysis behind `logmill analyze`: one pass, bounded memory, every
 * part mergeable (counts, a time histogram, pattern counts, top field values,
 * the first examples), so partial summaries from several workers can be
 * combined later. Per-record work is a few map updates.
 */
import { Severity, SEVERITY_NAMES } from '../../contract/severity.js';
import { fieldValue, type LogRecord } from '../../contract/processor.js';
import { BatchRecord } from '../../contract/batch.js';
import { FieldStats, GroupCounts } from './aggregates.js';
import { lastPatternText, patternKey, patternKeyOfBytes, patternText } from './patterns.js';

/**
 * Distinct patterns kept. When the map is full, the patterns seen only once
 * so far are dropped (lossy counting): frequent patterns, the ones a report
 * shows, stay and keep exact counts; the dropped records are counted in
 * `patternOverflow`. This bounds a worker's memory on logs whose messages
 * never repeat.
 */
export const MAX_PATTERNS = 10_000;
const MAX_FIELD_VALUES = 50_000;
const MAX_BUCKETS = 20_000;
export const EXAMPLES = 5;

export interface Example {
  file: string;
  line: number;
  offset: number;
  time: number | null;
  severity: Severity;
  /** As written in the log (`SEVERE`, an HTTP status `502`). */
  severityText: string;
  message: string;
}

export interface PatternCount {
  pattern: string;
  count: number;
  example: Example;
}

/** What a summary computes beyond the fixed report: `--field`, `--count-by`, `--stats`. */
export interface SummaryQuestions {
  fields?: readonly string[];
  countBy?: readonly string[];
  stats?: string;
}

const CACHE_SLOTS = 4096;

/** A direct-mapped cache of patterns by key: slot = the key's low bits. */
class PatternCache {
  readonly keys = new Float64Array(CACHE_SLOTS).fill(-1);
  readonly values = new Array<PatternCount | undefined>(CACHE_SLOTS).fill(undefined);
}

/** Computes the pattern keys of many messages at once (app/plugins/native.ts, in a worker): -1 where TypeScript must. */
export interface MessageKeyer {
  messageKeys(messages: readonly string[], count: number, keys: Float64Array): void;
}

/** A summary's patterns in columns (Summary.pack): entry i is a pattern, its count and its example. */
interface PackedPatterns {
  keys: Float64Array;
  counts: Float64Array;
  texts: string[];
  files: string[];
  lines: Float64Array;
  offsets: Float64Array;
  /** NaN: no time. */
  times: Float64Array;
  severities: Uint8Array;
  severityTexts: string[];
  messages: string[];
}

/** Records whose pattern counting waits for a keyer call. */
const PENDING = 1024;

class PendingPatterns {
  count = 0;
  readonly messages: string[] = [];
  readonly files: string[] = [];
  readonly severityTexts: string[] = [];
  readonly times = new Float64Array(PENDING);
  readonly severities = new Uint8Array(PENDING);
  readonly lines = new Float64Array(PENDING);
  readonly offsets = new Float64Array(PENDING);
  readonly keys = new Float64Array(PENDING);
}

export class Summary {
  records = 0;
  malformed = 0;
  readonly severity = new Array<number>(SEVERITY_NAMES.length).fill(0);
  firstTime: number | null = null;
  lastTime: number | null = null;
  untimed = 0;
  /** Records per time bucket, per severity; the bucket width grows (×60, ×24) when there are too many. */
  bucketUs = 1_000_000;
  readonly buckets = new Map<number, number[]>();
  /** The bucket the last timed record went to, and its counts (null after the buckets changed). */
  private lastBucket = 0;
  private lastCounts: number[] | null = null;
  /** Patterns last found by key, in front of `patterns` (add); dropped when patterns are pruned and before a clone. */
  private patternCache: PatternCache | null = null;
  /** By patternKey: the pattern's text is built (lastPatternText, from the scan that made the key) only when a key is first seen. */
  private map = new Map<number, PatternCount>();
  /** What pack() made of `map`: its patterns in columns, for the structured clone to a main process (merge reads them as they are). */
  private packed: PackedPatterns | null = null;
  /** keyWith: the keyer, and the records whose pattern waits for it (dropped by pack: not cloned). */
  private keyer: MessageKeyer | null = null;
  private pending: PendingPatterns | null = null;
  patternOverflow = 0;
  readonly fieldValues = new Map<string, Map<string, number>>();
  readonly errors: Example[] = [];
  readonly malformedExamples: Example[] = [];
  readonly fields: readonly string[];
  /** `--stats FIELD` over every record that passed the filters. */
  stats?: FieldStats;
  /** `--count-by`, with `--stats` per group when both are asked. */
  countBy?: GroupCounts;

  /** The patterns by key, in the order first seen. */
  get patterns(): Map<number, PatternCount> {
    if (this.packed !== null) this.unpackPatterns();
    return this.map;
  }

  constructor(questions: SummaryQuestions = {}) {
    this.fields = questions.fields ?? [];
    for (const f of this.fields) this.fieldValues.set(f, new Map());
    if (questions.stats !== undefined) this.stats = new FieldStats(questions.stats);
    if (questions.countBy && questions.countBy.length > 0) this.countBy = new GroupCounts(questions.countBy, questions.stats);
  }

  add(r: LogRecord, file: string): void {
    this.records++;
    this.severity[r.severity]++;
    if (r.time !== null) {
      if (this.firstTime === null || r.time < this.firstTime) this.firstTime = r.time;
      if (this.lastTime === null || r.time > this.lastTime) this.lastTime = r.time;
      const b = Math.floor(r.time / this.bucketUs);
      // Records come mostly in time order: the last bucket is usually this one (no map lookup).
      if (b !== this.lastBucket || this.lastCounts === null) {
        this.lastCounts = this.bucket(b);
        this.lastBucket = b;
      }
      this.lastCounts[r.severity]++;
      if (this.buckets.size > MAX_BUCKETS) this.coarsen();
    } else this.untimed++;

    if (this.keyer !== null && !(r instanceof BatchRecord)) this.defer(r, file);
    else {
      // A plugin's record: its key computed with its batch (app/analysis/pattern-keys.c), else from its
      // message's bytes, not a string (-1: not ASCII, read the string). lastPatternText needs the last
      // scan to be of this message: `scanned` says whether it was.
      let key = -1;
      let scanned = true;
      if (r instanceof BatchRecord && r.live) {
        key = r.patternKey;
        if (key >= 0) scanned = false;
        else key = patternKeyOfBytes(r.bytes, r.messageAt, r.messageLength);
      }
      if (key < 0) key = patternKey(r.message);
      if (!this.countKnown(key)) this.addPattern(key, scanned ? lastPatternText(r.message) : patternText(r.message), example(r, file));
    }

    if (this.fields.length > 0) {
      for (const [name, counts] of this.fieldValues) {
        const v = fieldValue(r, name);
        if (v === undefined) continue;
        if (counts.has(v) || counts.size < MAX_FIELD_VALUES) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
    this.stats?.add(r);
    this.countBy?.add(r, file);
    if (r.severity >= Severity.Error && this.errors.length < EXAMPLES) this.errors.push(example(r, file));
  }

  /** Counts the pattern of `key` once more if it is known; false if it is not (the caller adds it). */
  private countKnown(key: number): boolean {
    // The map's lookup by a 53-bit number key costs more than the scan: a direct-mapped cache goes first.
    const cache = (this.patternCache ??= new PatternCache());
    const slot = key & (CACHE_SLOTS - 1);
    let known = cache.keys[slot] === key ? cache.values[slot] : undefined;
    if (known === undefined) {
      known = this.patterns.get(key);
      if (known === undefined) return false;
      cache.keys[slot] = key;
      cache.values[slot] = known;
    }
    known.count++;
    return true;
  }

  private addPattern(key: number, pattern: string, ex: Example): void {
    if (this.patterns.size >= MAX_PATTERNS) this.prunePatterns();
    this.patterns.set(key, { pattern, count: 1, example: ex });
  }

  /**
   * Has the patterns of records with a string message (a built-in
   * processor's) keyed `PENDING` at a time by `keyer` (the worker's C
   * scanner, app/plugins/native.ts) instead of one by one in TypeScript.
   * Their counting waits until then, in record order, so the answer is the
   * same; pack, merge and topPatterns count what waits first.
   */
  keyWith(keyer: MessageKeyer): this {
    this.keyer = keyer;
    return this;
  }

  /** Keeps what counting `r`'s pattern later needs (its strings and numbers: the record itself may be reused). */
  private defer(r: LogRecord, file: string): void {
    const p = (this.pending ??= new PendingPatterns());
    const i = p.count++;
    p.messages[i] = r.message;
    p.files[i] = file;
    p.severityTexts[i] = r.severityText;
    p.times[i] = r.time === null ? NaN : r.time;
    p.severities[i] = r.severity;
    p.lines[i] = r.line;
    p.offsets[i] = r.offset;
    if (p.count === PENDING) this.countPending();
  }

  /** Counts the patterns of the deferred records, their keys computed in one call of the keyer. */
  private countPending(): void {
    const p = this.pending;
    if (p === null || p.count === 0) return;
    const n = p.count;
    p.count = 0;
    this.keyer!.messageKeys(p.messages, n, p.keys);
    for (let i = 0; i < n; i++) {
      const message = p.messages[i];
      let key = p.keys[i];
      const scanned = key < 0; // left to TypeScript: scanned here, so lastPatternText is of this message
      if (scanned) key = patternKey(message);
      if (this.countKnown(key)) continue;
      const time = p.times[i];
      const ex = exampleOf(p.files[i], p.lines[i], p.offsets[i], Number.isNaN(time) ? null : time, p.severities[i], p.severityTexts[i], message);
      this.addPattern(key, scanned ? lastPatternText(message) : patternText(message), ex);
    }
  }

  addMalformed(r: LogRecord, file: string): void {
    this.malformed++;
    if (this.malformedExamples.length < EXAMPLES) this.malformedExamples.push(example(r, file));
  }

  /** Drops the rarest patterns (count 1, then 2, ...) until a quarter of the map is free. */
  private prunePatterns(): void {
    this.patternCache = null; // it may hold dropped patterns
    for (let threshold = 1; this.patterns.size > (MAX_PATTERNS * 3) / 4; threshold++) {
      for (const [key, p] of this.patterns) {
        if (p.count <= threshold) {
          this.patternOverflow += p.count;
          this.patterns.delete(key);
        }
      }
    }
  }

  private bucket(b: number): number[] {
    let counts = this.buckets.get(b);
    if (!counts) this.buckets.set(b, (counts = new Array<number>(SEVERITY_NAMES.length).fill(0)));
    return counts;
  }

  /** Adds per-severity `counts` into bucket `b`. */
  private addBucket(b: number, counts: number[]): void {
    const into = this.bucket(b);
    counts.forEach((n, i) => (into[i] += n));
  }

  private coarsen(): void {
    const factor = this.bucketUs < 3_600_000_000 ? 60 : 24; // 1s → 1m → 1h → 1d
    this.bucketUs *= factor;
    this.lastCounts = null;
    const old = [...this.buckets];
    this.buckets.clear();
    for (const [b, counts] of old) this.addBucket(Math.floor(b / factor), counts);
  }

  /**
   * Adds a partial summary (from a worker, maybe of a later byte range of
   * the same file) into this one. `lineBase` is added to its examples' line
   * numbers (a range's lines are counted from the range start). Partials
   * must be merged in input order so "first" examples stay first.
   */
  merge(other: Summary, lineBase = 0): void {
    this.countPending();
    this.records += other.records;
    this.malformed += other.malformed;
    other.severity.forEach((n, i) => (this.severity[i] += n));
    if (other.firstTime !== null && (this.firstTime === null || other.firstTime < this.firstTime)) this.firstTime = other.firstTime;
    if (other.lastTime !== null && (this.lastTime === null || other.lastTime > this.lastTime)) this.lastTime = other.lastTime;
    this.untimed += other.untimed;
    while (this.bucketUs < other.bucketUs) this.coarsen();
    const factor = this.bucketUs / other.bucketUs;
    for (const [b, counts] of other.buckets) this.addBucket(Math.floor(b / factor), counts);
    while (this.buckets.size > MAX_BUCKETS) this.coarsen();
    const shift = (e: Example): Example => (lineBase && e.line ? { ...e, line: e.line + lineBase } : e);
    const packed = other.packed;
    if (packed !== null) {
      // A worker's summary: its patterns read from their columns, an object made only for a pattern new here.
      const patterns = this.patterns;
      for (let i = 0; i < packed.keys.length; i++) {
        const key = packed.keys[i];
        const known = patterns.get(key);
        if (known) known.count += packed.counts[i];
        else {
          if (patterns.size >= MAX_PATTERNS) this.prunePatterns();
          const line = packed.lines[i];
          const time = packed.times[i];
          const ex: Example = { file: packed.files[i], line: lineBase && line ? line + lineBase : line, offset: packed.offsets[i],
            time: Number.isNaN(time) ? null : time, severity: packed.severities[i], severityText: packed.severityTexts[i], message: packed.messages[i] };
          patterns.set(key, { pattern: packed.texts[i], count: packed.counts[i], example: ex });
        }
      }
    } else {
      for (const [key, p] of other.patterns) {
        const known = this.patterns.get(key);
        if (known) known.count += p.count;
        else {
          if (this.patterns.size >= MAX_PATTERNS) this.prunePatterns();
          this.patterns.set(key, { pattern: p.pattern, count: p.count, example: shift(p.example) });
        }
      }
    }
    this.patternOverflow += other.patternOverflow;
    for (const [name, counts] of other.fieldValues) {
      const mine = this.fieldValues.get(name) ?? new Map<string, number>();
      this.fieldValues.set(name, mine);
      for (const [v, n] of counts) if (mine.has(v) || mine.size < MAX_FIELD_VALUES) mine.set(v, (mine.get(v) ?? 0) + n);
    }
    if (other.stats) this.stats?.merge(other.stats);
    if (other.countBy) this.countBy?.merge(other.countBy);
    for (const e of other.errors) if (this.errors.length < EXAMPLES) this.errors.push(shift(e));
    for (const e of other.malformedExamples) if (this.malformedExamples.length < EXAMPLES) this.malformedExamples.push(shift(e));
  }

  /** Makes this summary fit for a structured clone (its sketches as bytes); revive() undoes it. */
  pack(): this {
    this.countPending();
    this.keyer = null;
    this.pending = null;
    this.packPatterns();
    this.lastCounts = null;
    this.patternCache = null;
    this.stats?.pack();
    this.countBy?.pack();
    return this;
  }

  /**
   * Moves the patterns into columns (PackedPatterns): a structured clone
   * copies a few arrays instead of two objects per pattern, each with its
   * property names.
   */
  private packPatterns(): void {
    if (this.packed !== null) return;
    const n = this.map.size;
    const p: PackedPatterns = {
      keys: new Float64Array(n), counts: new Float64Array(n), texts: [], files: [], lines: new Float64Array(n), offsets: new Float64Array(n),
      times: new Float64Array(n), severities: new Uint8Array(n), severityTexts: [], messages: [],
    };
    let i = 0;
    for (const [key, { pattern, count, example: e }] of this.map) {
      p.keys[i] = key;
      p.counts[i] = count;
      p.texts.push(pattern);
      p.files.push(e.file);
      p.lines[i] = e.line;
      p.offsets[i] = e.offset;
      p.times[i] = e.time === null ? NaN : e.time;
      p.severities[i] = e.severity;
      p.severityTexts.push(e.severityText);
      // Already cut to 300 characters and '…' by exampleOf: kept as it is.
      p.messages.push(e.message);
      i++;
    }
    this.map = new Map();
    this.packed = p;
  }

  /** Undoes packPatterns, for a reader of `patterns`. */
  private unpackPatterns(): void {
    const p = this.packed!;
    this.packed = null;
    const map = new Map<number, PatternCount>();
    for (let i = 0; i < p.keys.length; i++) {
      const time = p.times[i];
      const example: Example = { file: p.files[i], line: p.lines[i], offset: p.offsets[i], time: Number.isNaN(time) ? null : time,
        severity: p.severities[i], severityText: p.severityTexts[i], message: p.messages[i] };
      map.set(p.keys[i], { pattern: p.texts[i], count: p.counts[i], example });
    }
    this.map = map;
  }

  /** Rebuilds a Summary from its structured clone (what crosses the worker boundary). */
  static revive(data: Summary): Summary {
    const s = Object.assign(Object.create(Summary.prototype), data) as Summary;
    if (s.stats) s.stats = FieldStats.revive(s.stats);
    if (s.countBy) s.countBy = GroupCounts.revive(s.countBy);
    return s;
  }

  topPatterns(n: number): PatternCount[] {
    this.countPending();
    return [...this.patterns.values()].sort((a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : 1)).slice(0, n);
  }

  topValues(field: string, n: number): { value: string; count: number }[] {
    const counts = this.fieldValues.get(field);
    if (!counts) return [];
    return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, n);
  }

  /**
   * The histogram re-bucketed to about `target` bars of a round width
   * (1s, 5s, 1m, 5m, 1h, 1d, ...), covering first to last time.
   */
  histogram(target = 24): { widthUs: number; bars: { start: number; count: number; severity: number[] }[] } | null {
    if (this.firstTime === null || this.lastTime === null) return null;
    const span = this.lastTime - this.firstTime;
    const widths = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400].map((s) => s * 1e6);
    const widthUs = widths.find((w) => w >= this.bucketUs && span / w <= target) ?? widths[widths.length - 1];
    const first = Math.floor(this.firstTime / widthUs);
    const last = Math.floor(this.lastTime / widthUs);
    const bars = Array.from({ length: last - first + 1 }, (_, i) => ({ start: (first + i) * widthUs, count: 0, severity: new Array<number>(SEVERITY_NAMES.length).fill(0) }));
    for (const [b, counts] of this.buckets) {
      const i = Math.floor((b * this.bucketUs) / widthUs) - first;
      if (i < 0 || i >= bars.length) continue;
      counts.forEach((n, s) => {
        bars[i].count += n;
        bars[i].severity[s] += n;
      });
    }
    return { widthUs, bars };
  }
}

function example(r: LogRecord, file: string): Example {
  return exampleOf(file, r.line, r.offset, r.time, r.severity, r.severityText, r.message);
}

function exampleOf(file: string, line: number, offset: number, time: number | null, severity: Severity, severityText: string, text: string): Example {
  const message = text.length > 300 ? text.slice(0, 300) + '…' : text;
  return { file, line, offset, time, severity, severityText, message };
}

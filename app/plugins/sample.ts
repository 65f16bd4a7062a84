/**
 * `logmill plugins check FILE --sample LOG`: runs a loaded processor on real
 * data the ways logmill will, and says what differs. This runs plugin code:
 * only a worker process calls it (app/workers/worker.ts).
 *
 * The reference is the whole sample in one call, then eof in a call of its
 * own (what logmill does with a small file). Every other feeding must give
 * the same records: the whole sample with eof in the same call, 1-byte and
 * 13-byte chunks, cuts at each record start and 1 byte past it, and the
 * sample without its final newline (the last line unterminated at end of
 * input). With ProcessorResync, every byte of the sample is tried as a split
 * point and the records parsed from the boundary it names must be the
 * reference's. Each failure is a headline / detail / hint that says what to
 * fix, in the loader's style.
 */
import type { FieldValue, LogRecord, Processor } from '../../contract/processor.js';
import { UTC } from '../../contract/timestamps.js';

/** At most this much of the sample is checked (cut at a line end): the resync check is quadratic. */
export const SAMPLE_MAX = 64 << 10;

export interface SampleRecord {
  line: number;
  offset: number;
  time: number | null;
  severity: number;
  severityText: string;
  message: string;
  fields: Record<string, FieldValue>;
  malformed: boolean;
}

export interface SampleFailure {
  headline: string;
  detail?: string;
  hint?: string;
}

export interface SampleResult {
  /** Bytes of the sample checked (the whole sample, or its first SAMPLE_MAX bytes up to a line end). */
  checkedBytes: number;
  sampleBytes: number;
  /** The records of the reference feeding (empty if it failed). */
  records: SampleRecord[];
  /** The feedings tried, by name. */
  feedings: string[];
  /** ProcessorDetect's score on the sample's head; null without a detector. */
  detect: number | null;
  /** Split points tried for ProcessorResync; null without it. */
  resyncPoints: number | null;
  failures: SampleFailure[];
}

interface Feeding {
  name: string;
  data: Buffer;
  /** Where calls end (exclusive), increasing, last = data.length. */
  ends: number[];
  /** eof in the call with the last bytes; else in a call of its own. */
  eofWithLast: boolean;
  /**
   * A range's start, as logmill feeds one (app/pipeline.ts): the stream first
   * parses the file's start (here the sample) with eof=0, its records dropped,
   * so a header holds in every range; offsets and lines are then counted from
   * the range's first byte.
   */
  prime?: Buffer;
}

type Fed = { records: SampleRecord[] } | { records: SampleRecord[]; error: string; call: string };

const HINT_CHUNKS = 'With eof=0, emit only records whose bytes are all in `input` and consume only those; return 0 with an empty batch to ask for more. logmill calls again with the unconsumed bytes first and more appended, so a record may straddle any two calls.';
const HINT_OFFSET = 'A record\'s offset is where its first byte is, counted from the start of `input` in THIS call (BATCH.md), not from the start of the stream: logmill adds where the call\'s input starts.';
const HINT_LINE = 'line is the 1-based line of the record\'s first byte in the whole stream: keep the count in the processor handle, across ProcessorParse calls.';
const HINT_LENGTH = 'record_length (bytes 0-3 of each record) is the whole record: its 32-byte header, plus 4 + the length of each string (severity_text, message, then a key and a value per field). logmill_batch.h, the Go SDK and the Rust crate (contract/rust) write it for you.';
const HINT_EOF = 'With eof=1, ProcessorParse must consume everything: parse the last record even without its newline (or emit it as MALFORMED), never leave bytes for a call that will not come.';

/** Runs every check on `sample` with `processor`; `tick` is called between steps (the worker reports progress). */
export function checkSample(processor: Processor, whole: Buffer, tick: () => void = () => undefined): SampleResult {
  const sample = cut(whole);
  const failures: SampleFailure[] = [];
  const feedings = feedingsOf(sample, []);
  const reference = feed(processor, feedings[0]);
  tick();
  const records = reference.records;
  const refOk = !('error' in reference);
  if (!refOk) failures.push(parseFailure(feedings[0].name, reference));
  else failures.push(...checkLines(records, sample));
  // The cuts at record starts come from the reference; without it, only the fixed feedings run.
  const others = feedingsOf(sample, refOk ? records.map((r) => r.offset) : []).slice(1);
  for (const f of others) {
    const got = feed(processor, f);
    tick();
    if ('error' in got) failures.push(parseFailure(f.name, got));
    else if (refOk) {
      const diff = compare(records, got.records, f.name);
      if (diff) failures.push(diff);
    }
  }
  let resyncPoints: number | null = null;
  if (processor.resync && refOk) {
    resyncPoints = Math.max(0, sample.length - 1);
    const bad = checkResync(processor, sample, records, tick);
    if (bad) failures.push(bad);
  }
  const detect = processor.detect ? processor.detect(whole.subarray(0, SAMPLE_MAX)) : null;
  return { checkedBytes: sample.length, sampleBytes: whole.length, records, feedings: [feedings[0], ...others].map((f) => f.name), detect, resyncPoints, failures: merged(failures) };
}

/** One failure per cause: feedings that failed with the same hint are named under the first. */
function merged(failures: (SampleFailure & { feeding?: string })[]): SampleFailure[] {
  const out: (SampleFailure & { feeding?: string; also: string[] })[] = [];
  for (const f of failures) {
    const same = f.hint && f.feeding ? out.find((o) => o.feeding && o.hint === f.hint) : undefined;
    if (same && f.feeding) same.also.push(f.feeding);
    else out.push({ ...f, also: [] });
  }
  return out.map(({ also, headline, detail, hint }) => ({
    headline, detail: also.length > 0 ? `${detail ?? ''}\nthe same way wrong when fed as: ${also.join('; ')}` : detail, hint,
  }));
}

/** The sample, or its first SAMPLE_MAX bytes up to the last line end in them. */
function cut(whole: Buffer): Buffer {
  if (whole.length <= SAMPLE_MAX) return whole;
  const nl = whole.lastIndexOf(10, SAMPLE_MAX - 1);
  return nl > 0 ? whole.subarray(0, nl + 1) : whole.subarray(0, SAMPLE_MAX);
}

function feedingsOf(sample: Buffer, starts: number[]): Feeding[] {
  const n = sample.length;
  const every = (step: number) => {
    const ends: number[] = [];
    for (let e = step; e < n; e += step) ends.push(e);
    return [...ends, n];
  };
  const cuts = (at: number[]) => [...new Set(at.filter((e) => e > 0 && e < n))].sort((a, b) => a - b).concat(n);
  const list: Feeding[] = [
    { name: 'the whole sample, then eof in a call of its own', data: sample, ends: [n], eofWithLast: false },
    { name: 'the whole sample with eof in the same call', data: sample, ends: [n], eofWithLast: true },
    { name: '1-byte chunks', data: sample, ends: every(1), eofWithLast: false },
    { name: '13-byte chunks, eof with the last', data: sample, ends: every(13), eofWithLast: true },
  ];
  if (starts.length > 0) {
    list.push({ name: 'calls cut at each record start', data: sample, ends: cuts(starts), eofWithLast: false });
    list.push({ name: 'calls cut 1 byte past each record start', data: sample, ends: cuts(starts.map((s) => s + 1)), eofWithLast: false });
  }
  const trimmed = sample.subarray(0, n - (sample[n - 1] === 10 ? (sample[n - 2] === 13 ? 2 : 1) : 0));
  if (trimmed.length < n && trimmed.length > 0) {
    list.push({ name: 'the sample without its final newline (the last line unterminated at end of input)', data: trimmed, ends: [trimmed.length], eofWithLast: false });
  }
  return list;
}

/** One fresh stream fed as `f` says: its records, or the error that stopped it and the call it came from. */
function feed(processor: Processor, f: Feeding): Fed {
  const records: SampleRecord[] = [];
  let primed = 0;
  let primedLines = 0;
  const emit = (r: LogRecord) => {
    const got = snapshot(r);
    got.offset -= primed;
    if (got.line > 0) got.line -= primedLines;
    records.push(got);
  };
  let stream;
  try {
    stream = processor.open({ zone: UTC, options: {}, source: 'sample' });
  } catch (err) {
    return { records, error: (err as Error).message, call: 'NewProcessor' };
  }
  let start = 0;
  let call = '';
  try {
    if (f.prime) {
      call = `the file's first ${f.prime.length} bytes, eof=0 (priming a range)`;
      primed = stream.parse(f.prime, false, () => {});
      for (let i = f.prime.indexOf(10); i >= 0 && i < primed; i = f.prime.indexOf(10, i + 1)) primedLines++;
      if (primed === 0) return { records, error: 'cannot split: no record is complete in the start of the file', call };
    }
    for (const end of f.ends) {
      const eof = f.eofWithLast && end === f.data.length;
      call = `bytes ${start}-${end} of ${f.data.length}, eof=${eof ? 1 : 0}`;
      start += stream.parse(f.data.subarray(start, end), eof, emit);
    }
    if (!f.eofWithLast) {
      call = `bytes ${start}-${f.data.length} of ${f.data.length}, eof=1`;
      start += stream.parse(f.data.subarray(start), true, emit);
    }
    return { records };
  } catch (err) {
    return { records, error: (err as Error).message, call };
  } finally {
    stream.close();
  }
}

function snapshot(r: LogRecord): SampleRecord {
  return { line: r.line, offset: r.offset, time: r.time, severity: r.severity, severityText: r.severityText, message: r.message, fields: { ...r.fields }, malformed: r.malformed };
}

/** A feeding that stopped with an error: what it said, and what to fix. */
function parseFailure(feeding: string, fed: Fed & { error: string; call: string }): SampleFailure & { feeding: string } {
  return {
    feeding,
    headline: `parsing the sample fed as ${feeding} failed`,
    detail: `${fed.error}\nin the call with ${fed.call}, after ${fed.records.length} record${fed.records.length === 1 ? '' : 's'}`,
    hint: hintFor(fed.error),
  };
}

/** What to fix, from the adapter's and the batch decoder's messages (app/plugins/adapter.ts, contract/batch.ts). */
function hintFor(message: string): string | undefined {
  if (/unconsumed at end of input/.test(message)) return HINT_EOF;
  if (/string (of \d+ bytes )?runs past the record|has length \d+, outside the batch|starts past the end of the batch/.test(message)) return HINT_LENGTH;
  if (/record offset \d+ (is past|goes back)/.test(message)) return HINT_OFFSET;
  if (/is empty \(length 0\)/.test(message)) return 'record_count in the batch header says more records than were written: count only records you finished (logmill_batch.h: lm_record_end; after a failed write, lm_record_abort).';
  if (/magic/.test(message)) return 'Write the batch header on every return, even with zero records (logmill_batch.h: call lm_batch_end(&b) before returning).';
  if (/consumed 0 bytes but its batch holds/.test(message)) return 'Return the bytes of the records you emitted: a record\'s bytes are consumed with it.';
  if (/consumed \d+ bytes of \d+/.test(message)) return 'Return at most input_len: the count of bytes of `input` consumed.';
  return undefined;
}

/** Each record's line must be the line its offset is on (both point at the record's first byte). */
function checkLines(records: SampleRecord[], sample: Buffer): SampleFailure[] {
  const lineStarts = [0];
  for (let i = sample.indexOf(10); i >= 0; i = sample.indexOf(10, i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const failures: SampleFailure[] = [];
  const overfull = records.findIndex((r) => r.malformed && /^record has \d+ bytes after the last of the/.test(r.message));
  if (overfull >= 0) {
    failures.push({ headline: `record ${overfull + 1} is longer than its strings: its record_length is too large`, detail: records[overfull].message, hint: HINT_LENGTH });
  }
  const bad = records.findIndex((r) => r.line > 0 && lineOf(r.offset) !== r.line);
  if (bad >= 0) {
    const r = records[bad];
    failures.push({
      headline: `record ${bad + 1} says it starts on line ${r.line}, but its offset ${r.offset} is on line ${lineOf(r.offset)}`,
      detail: `the sample's line ${r.line} starts at byte ${lineStarts[r.line - 1] ?? '(past the end)'}; record: ${describe(r)}`,
      hint: `A record's offset must be the byte where THAT record starts (counted from the start of this call's input), and its line the line of that byte. ${HINT_LINE}`,
    });
  }
  return failures;
}

/** The first difference between the reference records and another feeding's, as a failure. */
function compare(want: SampleRecord[], got: SampleRecord[], feeding: string): (SampleFailure & { feeding: string }) | null {
  const headline = `fed as ${feeding}, the plugin gives other records than with the whole sample at once`;
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (!w || !g) {
      return {
        feeding, headline, detail: `${want.length} records with the whole sample, ${got.length} this way; record ${i + 1}: ${w ? `missing (whole sample: ${describe(w)})` : `extra: ${describe(g)}`}`,
        hint: HINT_CHUNKS,
      };
    }
    const d = difference(w, g);
    if (d) return { feeding, headline, detail: `record ${i + 1}: ${d.what}\n  whole sample: ${describe(w)}\n  this way:     ${describe(g)}`, hint: d.hint };
  }
  return null;
}

function difference(w: SampleRecord, g: SampleRecord): { what: string; hint: string } | null {
  if (JSON.stringify({ ...w, offset: 0, line: 0 }) !== JSON.stringify({ ...g, offset: 0, line: 0 })) return { what: 'the content differs', hint: HINT_CHUNKS };
  if (w.offset !== g.offset) return { what: `offset ${g.offset} instead of ${w.offset}`, hint: HINT_OFFSET };
  if (w.line !== g.line) return { what: `line ${g.line} instead of ${w.line}`, hint: HINT_LINE };
  return null;
}

function describe(r: SampleRecord): string {
  const msg = r.message.length > 60 ? `${r.message.slice(0, 60)}…` : r.message;
  return `line ${r.line}, offset ${r.offset}${r.malformed ? ', MALFORMED' : ''}, severity_text ${JSON.stringify(r.severityText)}, message ${JSON.stringify(msg)}`;
}

/**
 * Every byte s of the sample as a split point: ProcessorResync on the bytes
 * from s-1 must name a boundary b >= s (or none), and a fresh processor,
 * primed with the file's start as logmill primes a range, parsing from b must give exactly the reference's records from b on (lines
 * counted from b, as logmill fixes them up).
 */
function checkResync(processor: Processor, sample: Buffer, reference: SampleRecord[], tick: () => void): SampleFailure | null {
  const boundaries = new Set<number>();
  for (let s = 1; s < sample.length; s++) {
    const data = sample.subarray(s - 1);
    const j = processor.resync!(data);
    if (j === -1) continue;
    if (!Number.isInteger(j) || j < 1 || j >= data.length) {
      return {
        headline: `ProcessorResync returned ${j} for ${data.length} bytes starting at byte ${s - 1} of the sample`,
        detail: 'it must return an index >= 1 inside `data` (the first byte of the first record starting after data[0]) or -1',
        hint: 'data[0] is the byte before the range start: a record starting at data[0] itself does not count.',
      };
    }
    boundaries.add(s - 1 + j);
    if (s % 4096 === 0) tick();
  }
  const newlinesBefore = (b: number) => {
    let n = 0;
    for (let i = sample.indexOf(10); i >= 0 && i < b; i = sample.indexOf(10, i + 1)) n++;
    return n;
  };
  for (const b of [...boundaries].sort((x, y) => x - y)) {
    const tail = sample.subarray(b);
    const fed = feed(processor, { name: `the sample from byte ${b}`, data: tail, ends: [tail.length], eofWithLast: false, prime: sample });
    if ('error' in fed) return { ...parseFailure(`the sample from byte ${b} (a boundary ProcessorResync named)`, fed), hint: 'ProcessorResync must name only bytes where a fresh processor can start parsing; export it only if any record boundary is such a place.' };
    const lines = newlinesBefore(b);
    const got = fed.records.map((r) => ({ ...r, offset: r.offset + b, line: r.line > 0 ? r.line + lines : 0 }));
    const want = reference.filter((r) => r.offset >= b);
    const diff = compare(want, got, `a split at byte ${b} (a boundary ProcessorResync named)`);
    if (diff) {
      return { ...diff, headline: `splitting the sample at byte ${b}, where ProcessorResync says a record starts, gives other records`,
        hint: 'ProcessorResync must return the first byte of a record, where a fresh processor parses the same records as one that read from the start; if the format cannot promise that (a header, multi-line records it cannot tell apart), do not export it.' };
    }
    tick();
  }
  return null;
}

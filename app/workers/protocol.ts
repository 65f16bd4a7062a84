/**
 * The messages between the main process and a worker process (Node IPC with
 * the 'advanced' serialization, so Buffers, Maps and RegExps cross as they
 * are). A worker hosts at most one plugin, loaded by its first message;
 * built-in processors need none.
 */
import type { FieldValue } from '../../contract/processor.js';
import type { Filter } from '../analysis/filters.js';
import type { FormatDefinition } from '../formats/definition.js';
import type { Summary } from '../analysis/summary.js';
import type { Input } from '../inputs/expand.js';
import type { ReadAs } from '../inputs/read.js';
import type { ByteRange, InputReport, PipelineSettings, RangeResult } from '../pipeline.js';
import type { PluginMeta } from '../plugins/discovery.js';
import type { SampleResult } from '../plugins/sample.js';
import type { Verified } from '../plugins/trust.js';
import type { SqlBatch } from '../sql/rows.js';

export interface RejectionData {
  file: string;
  headline: string;
  detail?: string;
  hint?: string;
}

/** parse's row formats: NDJSON or CSV for stdout (render/records.ts), column batches for `logmill sql`'s table (sql/rows.ts). */
export type RecordFormat = 'ndjson' | 'csv' | 'sql';

export interface Job {
  mode: 'analyze' | 'parse';
  input: Input;
  /** Decided when planning (inputs/read.ts): the worker decodes by it and never looks at magic bytes. */
  readAs: ReadAs;
  processor: string;
  /** When the processor is a format file: its definition, compiled by the worker (app/formats/processor.ts). */
  format?: FormatDefinition;
  range?: ByteRange;
  settings: PipelineSettings;
  filter: Filter;
  /** analyze: fields whose top values are wanted. */
  fields: string[];
  /** analyze: `--count-by` fields. */
  countBy?: string[];
  /** analyze: `--stats` field. */
  stats?: string;
  /** parse: record format; the records stream back as RecordChunk messages. */
  output?: RecordFormat;
}

/**
 * parse: formatted records (NDJSON or CSV rows), the next run of them in
 * input order, about 256 KiB or what one parse step produced. The worker
 * has at most RECORDS_AHEAD of them unacknowledged: the main process
 * acknowledges one once it is written out (or held within bounds), so
 * output back-pressure reaches the worker.
 */
export interface RecordChunk {
  type: 'records';
  id: number;
  /** ndjson, csv: UTF-8, encoded by the worker, written as they are; sql: the records' columns. */
  data: Buffer | SqlBatch;
  /** Line of the last record parsed so far (0 if none): where a crash leaves the output. */
  lastLine: number;
}

export const RECORDS_AHEAD = 2;

/** `logmill watch`: one followed file, parsed incrementally as it grows. */
export interface FollowOpen {
  type: 'follow-open';
  id: number;
  sid: number;
  /** The file; the worker keeps it open, so a rotated (renamed) file is read to its end. */
  path: string;
  name: string;
  /** `dev:ino` the main process saw: the worker refuses a path that now names another file. */
  identity: string;
  processor: string;
  /** As in Job: the definition of a format-file processor. */
  format?: FormatDefinition;
  settings: PipelineSettings;
  /** --level, --since, --until: records outside it are neither counted nor alerted (as in analyze). */
  filter: Filter;
  /** Records matching this are sent back whole (`--alert`, `--grep`). */
  alert: Filter | null;
  /** Where to start: the end of the last record processed before (from --state), and its line count. */
  from: number;
  lines: number;
}

export interface AlertRecord {
  time: number | null;
  severity: number;
  severityText: string;
  message: string;
  fields: Record<string, FieldValue>;
  line: number;
}

export interface FollowResult {
  type: 'follow-result';
  id: number;
  sid: number;
  /** The end of the last complete record processed: where a restart resumes. */
  committed: number;
  /** Newlines before `committed`. */
  lines: number;
  records: number;
  malformed: number;
  severity: number[];
  /** Every matching record of this read, in order (a read stops early rather than drop any). */
  alerts: AlertRecord[];
  /** Bytes read but not committed (a record that may go on). */
  pending: number;
  /** The read stopped at its batch bound with bytes left: read again at once. */
  more: boolean;
  /** Nothing was read: the file was truncated or rewritten since the last read (its start changed). */
  truncated?: boolean;
  error?: string;
}

/** follow-open's error when the path no longer names the file (`identity`): renamed in between. */
export const FILE_MOVED = 'the path names another file now (renamed while it was being opened)';

/** A result that reports nothing: the answer to follow-open and follow-close. */
export function emptyFollowResult(id: number, sid: number, committed: number, lines: number, error?: string): FollowResult {
  return { type: 'follow-result', id, sid, committed, lines, records: 0, malformed: 0, severity: [], alerts: [], pending: 0, more: false, ...(error === undefined ? {} : { error }) };
}

export type ToWorker =
  /** `verified`: what the main process checked; the worker loads that inode and content or nothing. */
  | { type: 'load'; file: string; verified: Verified }
  | { type: 'detect'; id: number; head: Buffer }
  | { type: 'job'; id: number; job: Job }
  | FollowOpen
  /**
   * Reads what was appended. `idle`: nothing was appended for a while, so
   * records held open for continuation lines are emitted (ParseStream.flushIdle).
   */
  | { type: 'follow-read'; id: number; sid: number; idle: boolean }
  | { type: 'follow-close'; id: number; sid: number }
  /** The main process is done with one RecordChunk of job `id`. */
  | { type: 'ack'; id: number }
  /** `plugins check --sample`: run the loaded plugin on these bytes every way app/plugins/sample.ts knows. */
  | { type: 'sample'; id: number; sample: Buffer };

export interface JobDone {
  type: 'done';
  id: number;
  report: InputReport;
  range?: RangeResult;
  /** analyze: the partial summary of this input (or range). */
  summary?: Summary;
  /** parse: malformed input (the first few hundred), warned about after its records (malformedWarnings). */
  malformed?: MalformedNote[];
  /** parse: how many more malformed inputs there were. */
  malformedMore?: number;
}

/** A malformed input of a parse job: its line (0: none) counts from the start of what the job read. */
export interface MalformedNote {
  line: number;
  offset: number;
  reason: string;
}

/** A parse job's malformed input as `name:line: malformed: reason` lines; `lineBase`: lines before the job's byte range. */
export function malformedWarnings(name: string, done: JobDone, lineBase = 0): string[] {
  const lines = (done.malformed ?? []).map((m) => `${name}:${m.line ? m.line + lineBase : `@${m.offset}`}: malformed: ${m.reason}`);
  if (done.malformedMore) lines.push(`${name}: … and ${done.malformedMore} more malformed inputs`);
  return lines;
}

export type FromWorker =
  | { type: 'loaded'; plugin: PluginMeta }
  | { type: 'rejected'; rejection: RejectionData }
  | { type: 'score'; id: number; score: number }
  | { type: 'sample-result'; id: number; result: SampleResult }
  | { type: 'progress'; id: number; bytes: number }
  | RecordChunk
  | JobDone
  | FollowResult;

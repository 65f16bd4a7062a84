/**
 * The messages between the main process and a worker process (Node IPC with
 * the 'advanced' serialization, so Buffers, Maps and RegExps cross as they
 * are). A worker hosts at most one plugin, loaded by its first message;
 * built-in processors need none.
 */
import type { Filter } from '../analysis/filters.js';
import type { Summary } from '../analysis/summary.js';
import type { Input } from '../inputs/expand.js';
import type { ByteRange, InputReport, PipelineSettings, RangeResult } from '../pipeline.js';
import type { PluginMeta } from '../plugins/discovery.js';

export interface RejectionData {
  file: string;
  headline: string;
  detail?: string;
  hint?: string;
}

export interface Job {
  mode: 'analyze' | 'parse';
  input: Input;
  processor: string;
  range?: ByteRange;
  settings: PipelineSettings;
  filter: Filter;
  /** analyze: fields whose top values are wanted. */
  fields: string[];
  /** parse: record format, and the file the worker writes the records to. */
  output?: 'ndjson' | 'csv';
  outFile?: string;
}

export type ToWorker =
  | { type: 'load'; file: string }
  | { type: 'detect'; id: number; head: Buffer }
  | { type: 'job'; id: number; job: Job };

export interface JobDone {
  type: 'done';
  id: number;
  report: InputReport;
  range?: RangeResult;
  /** analyze: the partial summary of this input (or range). */
  summary?: Summary;
  /** parse: malformed input, as `name:line: reason` lines (the first few hundred). */
  malformed?: string[];
}

export type FromWorker =
  | { type: 'loaded'; plugin: PluginMeta }
  | { type: 'rejected'; rejection: RejectionData }
  | { type: 'score'; id: number; score: number }
  | { type: 'progress'; id: number; bytes: number }
  | JobDone;

/**
 * Adapts one validated native plugin to the Processor interface: a fresh
 * NewProcessor handle per input stream, the ProcessorParse loop with the
 * host-owned output buffer, batch decoding, and severity normalization for
 * records that leave it to the host. Every error is tagged with the plugin.
 */
import { PARSE_NEED_SPACE } from '../../contract/abi.js';
import { BatchError, decodeBatch, invalidateBatch, readBatchHeader, type BatchHeader } from '../../contract/batch.js';
import { typedValue, type PluginFieldKind } from '../../contract/field-kinds.js';
import { normalizeSeverity, Severity } from '../../contract/severity.js';
import type { FieldValue, LogRecord, ParseStream, Processor, ProcessorOrigin, RecordSink, StreamOptions } from '../../contract/processor.js';
import { ProcessorError } from '../../contract/processor.js';
import { TimeRangeGuard } from '../../contract/timestamps.js';
import type { PluginMeta } from './discovery.js';
import { pluginOrigin } from './origin.js';
import type { NativeHandle, NativeLibrary } from './native.js';

const OUT_INITIAL = 4 << 20;
const OUT_MAX = 1 << 30;

export class NativeProcessor implements Processor {
  readonly name: string;
  readonly extensions: readonly string[];
  readonly origin: ProcessorOrigin;
  readonly detect?: (head: Buffer) => number;
  readonly resync?: (data: Buffer) => number;

  constructor(
    private readonly lib: NativeLibrary,
    readonly meta: PluginMeta,
    /** A long-lived handle used only for Detect and Resync, which must not touch parse state. */
    private readonly probe: NativeHandle,
  ) {
    this.name = meta.name;
    this.extensions = meta.extensions;
    this.origin = pluginOrigin(meta);
    if (meta.hasDetect) this.detect = (head) => Math.max(0, Math.min(100, lib.detect(this.probe, head)));
    if (meta.hasResync) this.resync = (data) => lib.resync(this.probe, data);
  }

  open(options: StreamOptions): ParseStream {
    const made = this.lib.newProcessor();
    if ('failure' in made) {
      throw new ProcessorError(`NewProcessor returned NULL${made.failure ? `: ${made.failure}` : ''}`, `plugin ${this.name}`, options.source);
    }
    const h = made.handle;
    try {
      // The zone is advisory: a plugin that does not read times may refuse it.
      this.lib.configure(h, 'tz', options.zone.label);
      for (const [key, value] of Object.entries(options.options)) {
        if (this.lib.configure(h, key, value) !== 0) {
          const why = this.lib.lastError(h) || 'rejected';
          throw new ProcessorError(`option ${this.name}.${key}=${value}: ${why}`, `plugin ${this.name}`, options.source);
        }
      }
    } catch (err) {
      this.lib.free(h);
      throw err;
    }
    // Reused records (analyze) keep their values as text: only what is written out (parse, sql) is typed.
    const kinds = this.reuseRecords ? undefined : this.meta.fieldKinds;
    return new NativeStream(this.lib, h, `plugin ${this.name}`, options.source, this.reuseRecords, kinds);
  }

  /** Whether this processor's streams emit one reused record per batch (withReusedRecords). */
  private reuseRecords = false;

  /**
   * This processor, with streams that emit one BatchRecord overwritten for
   * each record (contract/batch.ts, `reuse`): no object or message string per
   * record. For a caller that keeps nothing of a record past its emit call
   * (analyze's summary copies its examples); `parse` keeps the plain path.
   */
  withReusedRecords(): NativeProcessor {
    const reusing = Object.create(this) as NativeProcessor;
    reusing.reuseRecords = true;
    return reusing;
  }

  /** Releases the probe handle and the library; no stream may be open. */
  unload(): void {
    this.lib.free(this.probe);
    this.lib.close();
  }
}

class NativeStream implements ParseStream {
  // Zeroed, and zeroed again after each batch is decoded (invalidateBatch):
  // nothing a header claims beyond what the plugin wrote can decode as a record.
  private out = Buffer.alloc(OUT_INITIAL);
  private consumedTotal = 0;
  private closed = false;
  private readonly times = new TimeRangeGuard();
  /** Pattern keys of the batch in `out`, by record (reuse only): 8 bytes each, from lib.patternKeys. */
  private keys = Buffer.alloc(0);

  constructor(
    private readonly lib: NativeLibrary,
    private readonly handle: NativeHandle,
    /** `plugin NAME`, how errors are tagged. */
    private readonly name: string,
    private readonly source: string,
    private readonly reuse: boolean,
    /** ProcessorFieldKinds: declared fields whose values are read as their kind. */
    private readonly kinds?: Record<string, PluginFieldKind>,
  ) {}

  parse(input: Buffer, eof: boolean, emit: RecordSink): number {
    const kinds = this.kinds;
    const normalize = (r: LogRecord) => {
      if (r.severity === Severity.Unknown && r.severityText !== '') r.severity = normalizeSeverity(r.severityText);
      r.time = this.times.check(r.time);
      if (kinds) typeFields(r.fields, kinds);
      emit(r);
    };
    let pos = 0;
    for (;;) {
      const rest = input.subarray(pos);
      const result = this.lib.parse(this.handle, rest, eof, this.out);
      if (result === PARSE_NEED_SPACE) {
        this.grow(this.batchHeader().byteLength);
        continue;
      }
      this.checkResult(result, rest.length);
      this.decode(this.consumedTotal + pos, rest.length, normalize);
      pos += result;
      if (pos === input.length) break;
      if (result === 0) {
        if (eof) throw new ProcessorError(`left ${input.length - pos} bytes unconsumed at end of input (a plugin bug: at eof a plugin must consume everything)`, this.name, this.source);
        break; // needs more input
      }
    }
    this.consumedTotal += pos;
    return pos;
  }

  /** Throws for a ProcessorParse result that is an error or a plugin bug; the batch is not decoded then. */
  private checkResult(result: number, inputLength: number): void {
    if (result < 0) {
      const why = this.lib.lastError(this.handle);
      throw new ProcessorError(why || `ProcessorParse failed with code ${result}`, this.name, this.source);
    }
    if (result > inputLength) {
      throw new ProcessorError(`ProcessorParse consumed ${result} bytes of ${inputLength} (a plugin bug)`, this.name, this.source);
    }
    if (result === 0) {
      // Called again with the same input, the plugin would emit the same records again, forever.
      const { count } = this.batchHeader();
      if (count > 0) throw new ProcessorError(`ProcessorParse consumed 0 bytes but its batch holds ${count} records (a plugin bug: called again on the same input, it would emit them again)`, this.name, this.source);
    }
  }

  /** Decodes the batch in `out` (records at `base` in the stream, from an input of `inputLength` bytes), then invalidates it. */
  private decode(base: number, inputLength: number, emit: RecordSink): void {
    try {
      // Fields are decoded only if read (analyze reads them only for --field; parse reads them all).
      decodeBatch(this.out, base, emit, { lazyFields: true, inputLength, reuse: this.reuse, patternKeys: this.reuse ? this.patternKeys() : undefined });
    } catch (err) {
      if (!(err instanceof BatchError)) throw err;
      throw new ProcessorError(`malformed record batch: ${err.message} (a plugin bug)`, this.name, this.source);
    } finally {
      invalidateBatch(this.out);
    }
  }

  /**
   * The pattern key of every record's message in the batch in `out`, in one
   * call of the host's scanner (app/analysis/pattern-keys.c), for the summary
   * (BatchRecord.patternKey); undefined when the scanner was not built.
   */
  private patternKeys(): Float64Array | undefined {
    const scanner = this.lib.patternKeys;
    if (!scanner) return undefined;
    const { count } = readBatchHeader(this.out);
    // Its own ArrayBuffer (offset 0), so the Float64Array view is aligned.
    if (this.keys.length < count * 8) this.keys = Buffer.from(new ArrayBuffer(Math.max(count * 8 * 2, 4096)));
    if (scanner.keys(this.out, this.keys) < count) return undefined;
    return new Float64Array(this.keys.buffer, 0, count);
  }

  /** The header the plugin wrote in `out`; a wrong magic fails the file like any batch error. */
  private batchHeader(): BatchHeader {
    try {
      return readBatchHeader(this.out);
    } catch (err) {
      if (!(err instanceof BatchError)) throw err;
      throw new ProcessorError(`malformed record batch: ${err.message} (a plugin bug)`, this.name, this.source);
    }
  }

  notes(): string[] {
    return this.times.notes();
  }

  private grow(needed: number): void {
    if (needed <= this.out.length || needed > OUT_MAX) {
      throw new ProcessorError(`asked for a ${needed}-byte output buffer (have ${this.out.length}, limit ${OUT_MAX})`, this.name, this.source);
    }
    this.out = Buffer.alloc(Math.max(needed, this.out.length * 2));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lib.free(this.handle);
  }
}

/** Declared fields read as their kind, in place (a value that does not read so stays text). */
function typeFields(fields: Record<string, FieldValue>, kinds: Record<string, PluginFieldKind>): void {
  for (const name in kinds) {
    const v = fields[name];
    if (typeof v === 'string') fields[name] = typedValue(kinds[name], v);
  }
}

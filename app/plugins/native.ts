/**
 * The only module that touches ffi-rs: a typed face over one opened plugin
 * library and its processor handles, exactly the exports of
 * contract/logmill.h. Everything above it (validation, the Processor adapter)
 * speaks this interface, so moving plugin execution into worker processes is
 * a change here and in its caller, nowhere else.
 *
 * ffi-rs facts this relies on (../shared/notes/ffi-rs.md): U8Array arguments
 * are zero-copy; a `char *` return of NULL crashes when read as a String, so
 * strings come back as External pointers and are read only when non-NULL;
 * `freeResultMemory` is never used (the plugin owns its memory); a library key
 * is opened once and never reused for another path.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ffi from 'ffi-rs';

const { open, close, load, DataType, isNullPointer, restorePointer, wrapPointer } = ffi;
type Pointer = ffi.JsExternal;

/** An opaque processor handle returned by NewProcessor. */
export interface NativeHandle {
  readonly pointer: Pointer;
}

export interface NativeLibrary {
  readonly file: string;
  abiVersion(): number;
  /** NewProcessor(); when it returns NULL, the plugin's ProcessorLastError(NULL) text instead. */
  newProcessor(): { handle: NativeHandle } | { failure: string | null };
  name(h: NativeHandle): string | null;
  lastError(h: NativeHandle): string | null;
  parse(h: NativeHandle, input: Buffer, eof: boolean, out: Buffer): number;
  free(h: NativeHandle): void;
  extensions(h: NativeHandle): string | null;
  about(h: NativeHandle): string | null;
  detectRules(h: NativeHandle): string | null;
  fieldKinds(h: NativeHandle): string | null;
  detect(h: NativeHandle, head: Buffer): number;
  configure(h: NativeHandle, key: string, value: string): number;
  resync(h: NativeHandle, data: Buffer): number;
  close(): void;
  /** The host's pattern scanner for this library's batches (null: not built; keys are computed in TypeScript). */
  readonly patternKeys?: PatternKeysLibrary | null;
}

let nextKey = 0;

/**
 * dlopens `file` under a fresh key. `exports` (from the ELF symbol table)
 * decides which optional exports exist; calling a missing one returns the
 * documented "not supported" value instead of throwing.
 */
export function openLibrary(file: string, exports: Set<string> | null): NativeLibrary {
  const library = `logmill-plugin-${nextKey++}`;
  open({ library, path: file });
  const has = (name: string) => exports === null || exports.has(name);
  const call = <T>(funcName: string, retType: ffi.DataType, paramsType: ffi.DataType[], paramsValue: unknown[]): T =>
    load({ library, funcName, retType, paramsType, paramsValue } as Parameters<typeof load>[0]) as T;
  const cString = (p: Pointer): string | null =>
    isNullPointer(p) ? null : (restorePointer({ retType: [DataType.String], paramsValue: wrapPointer([p]) })[0] as string);
  // Takes a pointer, not a handle: ProcessorLastError(NULL) is called with the
  // NULL that NewProcessor returned, the only NULL External ffi-rs can make.
  const stringCall = (funcName: string, p: Pointer): string | null =>
    has(funcName) ? cString(call<Pointer>(funcName, DataType.External, [DataType.External], [p])) : null;

  return {
    file,
    abiVersion: () => call<number>('LogmillAbiVersion', DataType.I32, [], []),
    newProcessor() {
      const pointer = call<Pointer>('NewProcessor', DataType.External, [], []);
      if (!isNullPointer(pointer)) return { handle: { pointer } };
      return { failure: stringCall('ProcessorLastError', pointer) };
    },
    name: (h) => stringCall('ProcessorName', h.pointer),
    lastError: (h) => stringCall('ProcessorLastError', h.pointer),
    parse: (h, input, eof, out) =>
      call<number>(
        'ProcessorParse',
        DataType.I64,
        [DataType.External, DataType.U8Array, DataType.I64, DataType.I32, DataType.U8Array, DataType.I64],
        [h.pointer, input, input.length, eof ? 1 : 0, out, out.length],
      ),
    free: (h) => call<undefined>('ProcessorFree', DataType.Void, [DataType.External], [h.pointer]),
    extensions: (h) => stringCall('ProcessorExtensions', h.pointer),
    about: (h) => stringCall('ProcessorAbout', h.pointer),
    detectRules: (h) => stringCall('ProcessorDetectRules', h.pointer),
    fieldKinds: (h) => stringCall('ProcessorFieldKinds', h.pointer),
    detect: (h, head) =>
      has('ProcessorDetect')
        ? call<number>('ProcessorDetect', DataType.I32, [DataType.External, DataType.U8Array, DataType.I64], [h.pointer, head, head.length])
        : 0,
    configure: (h, key, value) =>
      has('ProcessorConfigure')
        ? call<number>('ProcessorConfigure', DataType.I32, [DataType.External, DataType.String, DataType.String], [h.pointer, key, value])
        : -1,
    resync: (h, data) =>
      call<number>('ProcessorResync', DataType.I64, [DataType.External, DataType.U8Array, DataType.I64], [h.pointer, data, data.length]),
    close: () => close(library),
    patternKeys: patternKeysLibrary(),
  };
}

/** The host's own pattern scanner for plugin batches (app/analysis/pattern-keys.c). */
export interface PatternKeysLibrary {
  /**
   * Writes into `keys` the pattern key of each record's message of the batch
   * in `batch` (-1: compute it in TypeScript); returns how many, or -1 when
   * `batch` holds no batch. One call per batch.
   */
  keys(batch: Buffer, keys: Buffer): number;
  /** The same for messages given as strings (a built-in processor's records): keys[i] for messages[i], i < count. */
  messageKeys(messages: readonly string[], count: number, keys: Float64Array): void;
}

let patternKeys: PatternKeysLibrary | null | undefined;

/**
 * dist/native/pattern-keys.so, built by `npm run build` (app/build/native.mjs),
 * opened once per process; null when it was not built (no C compiler): the
 * caller then computes every key in TypeScript, with the same answers.
 */
export function patternKeysLibrary(): PatternKeysLibrary | null {
  if (patternKeys !== undefined) return patternKeys;
  // This module runs from dist/app/plugins/ (the build) or app/plugins/ (the tests, from the sources).
  const file = ['../../native/pattern-keys.so', '../../dist/native/pattern-keys.so']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((f) => existsSync(f));
  patternKeys = file === undefined ? null : openPatternKeys(file);
  return patternKeys;
}

/** Opens the pattern scanner library `file` (its own key: opened once per process). */
function openPatternKeys(file: string): PatternKeysLibrary {
  const library = 'logmill-pattern-keys';
  open({ library, path: file });
  const paramsType = [DataType.U8Array, DataType.I64, DataType.U8Array, DataType.I64];
  const packedType = [DataType.U8Array, DataType.U8Array, DataType.I64, DataType.U8Array];
  // messageKeys: the messages' UTF-8 back to back in `text` (their ends in `ends`), keys out in `out`; grown as needed.
  let text = Buffer.alloc(0);
  let ends = new Uint32Array(0);
  let out = new Float64Array(0);
  return {
    keys: (batch, keys) =>
      load({ library, funcName: 'LogmillPatternKeys', retType: DataType.I64, paramsType, paramsValue: [batch, batch.length, keys, keys.length >> 3] } as Parameters<typeof load>[0]) as number,
    messageKeys(messages, count, keys) {
      if (ends.length < count) {
        ends = new Uint32Array(count);
        out = new Float64Array(count);
        text = Buffer.alloc(count * MESSAGE_BYTES);
      }
      let at = 0;
      for (let i = 0; i < count; i++) {
        at += (text as Buffer & Utf8Writer).utf8Write(messages[i], at, MESSAGE_BYTES);
        ends[i] = at;
      }
      load({ library, funcName: 'LogmillPatternKeysPacked', retType: DataType.Void, paramsType: packedType,
        paramsValue: [text, Buffer.from(ends.buffer, 0, count * 4), count, Buffer.from(out.buffer, 0, count * 8)] } as Parameters<typeof load>[0]);
      keys.set(out.subarray(0, count));
    },
  };
}

/**
 * Bytes of a message written for the scanner: its pattern input is at most
 * 300 UTF-16 units; if they are all ASCII these are its first 300 bytes, and
 * if not, the first non-ASCII character starts before byte 300 and ends by
 * byte 304, so the scanner sees it (and leaves that message to TypeScript).
 */
const MESSAGE_BYTES = 304;
/** Buffer's own encoder, without the argument checks of `write`. */
type Utf8Writer = { utf8Write(s: string, offset: number, length: number): number };

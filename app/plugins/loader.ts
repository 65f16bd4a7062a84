/**
 * Checks one plugin file against the contract of contract/logmill.h, in the
 * order that header gives, and returns its processor or throws a Rejection.
 * This runs plugin code: only worker processes call it (app/workers).
 */
import { closeSync } from 'node:fs';
import { ABI_BLOCK_SYMBOL, ABI_MAGIC } from '../../contract/abi.js';
import { BATCH_MAGIC } from '../../contract/batch.js';
import { parseFieldKinds, PLUGIN_FIELD_KINDS, type PluginFieldKind } from '../../contract/field-kinds.js';
import { PROCESSOR_NAME } from '../../contract/processor.js';
import { NativeProcessor } from './adapter.js';
import { NO_DETECT_RULE, parseDetectRules } from './detect-rules.js';
import { ABI_VERSION, display, REQUIRED_EXPORTS, Rejection } from './discovery.js';
import { printable } from '../render/escape.js';
import { ElfError, readElf, type ElfInfo } from './elf.js';
import { openLibrary, type NativeLibrary } from './native.js';
import { reopenVerified, type Verified } from './trust.js';

/**
 * Checks one file against the contract and returns its processor, or throws a
 * Rejection. `verified` is what the main process checked (trust.ts): the file
 * is reopened, must still be that inode with that SHA-256, and is loaded
 * through the same descriptor, so the bytes checked are the bytes run.
 */
export function loadPlugin(file: string, verified: Verified): NativeProcessor {
  const shown = display(file);
  let opened: { fd: number; bytes: Buffer };
  try {
    opened = reopenVerified(file, verified);
  } catch (err) {
    if (err instanceof Rejection) throw err;
    throw new Rejection(file, `could not read plugin "${shown}"`, (err as Error).message);
  }
  try {
    return loadOpened(file, shown, opened.fd, opened.bytes);
  } finally {
    closeSync(opened.fd);
  }
}

/** The ELF check (no plugin code runs), then dlopen of the descriptor, then the calls of contract/logmill.h. */
function loadOpened(file: string, shown: string, fd: number, bytes: Buffer): NativeProcessor {
  let exports: Set<string> | null;
  let abiBlock: ElfInfo['abiBlock'];
  try {
    ({ exports, abiBlock } = readElf(bytes));
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
    throw new Rejection(file, `could not load plugin "${shown}"`, err.message,
      'A plugin is a shared library: build it with `go build -buildmode=c-shared` or `gcc -shared -fPIC` (see README, "Writing a plugin").');
  }
  const missing = exports ? REQUIRED_EXPORTS.filter((name) => !exports!.has(name)) : [];
  if (missing.length > 0) {
    throw new Rejection(file, `plugin "${shown}" does not implement the logmill contract`,
      `missing required export${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      'Export every REQUIRED function of contract/logmill.h with C linkage (//export in Go, #[no_mangle] pub extern "C" in Rust, extern "C" in C++).');
  }
  checkAbiBlock(file, shown, abiBlock);
  let lib: NativeLibrary;
  const byFd = `/proc/self/fd/${fd}`;
  try {
    lib = openLibrary(byFd, exports);
  } catch (err) {
    throw new Rejection(file, `could not load plugin "${shown}"`, (err as Error).message.trim().replaceAll(byFd, shown),
      /undefined symbol/.test((err as Error).message) ? 'The plugin needs a symbol no loaded library provides: link it against its dependencies, or install them.' : undefined);
  }
  try {
    return validate(lib, file, shown, exports);
  } catch (err) {
    lib.close();
    throw err;
  }
}

/** A plugin that defines the ABI block (logmill.h) is refused here, unloaded, when it was built for another ABI. */
function checkAbiBlock(file: string, shown: string, block: ElfInfo['abiBlock']): void {
  if (!block) return;
  const bad = 'unreadable' in block ? block.unreadable
    : block.magic !== ABI_MAGIC ? `its magic is 0x${block.magic.toString(16)}, not 0x${ABI_MAGIC.toString(16)}`
    : block.size < 12 ? `its size field says ${block.size} bytes` : null;
  if (bad) {
    throw new Rejection(file, `plugin "${shown}" has a damaged ABI block (${ABI_BLOCK_SYMBOL})`, bad,
      'Define it only with LOGMILL_ABI_BLOCK(); from contract/logmill.h (the Go SDK and the Rust crate do it for you).');
  }
  const { abiVersion } = block as { abiVersion: number };
  if (abiVersion !== ABI_VERSION) {
    throw new Rejection(file, `incompatible plugin "${shown}": ABI version mismatch`,
      `logmill speaks ABI version ${ABI_VERSION}, the plugin was built for version ${abiVersion} (its ${ABI_BLOCK_SYMBOL} says so; none of its code was run).`,
      'Rebuild the plugin against contract/logmill.h of this logmill (for the bundled plugins: make -C plugins).');
  }
}

function validate(lib: NativeLibrary, file: string, shown: string, exports: Set<string> | null): NativeProcessor {
  // The version first: in another ABI version nothing else may mean the same thing.
  const version = lib.abiVersion();
  if (version !== ABI_VERSION) {
    throw new Rejection(file, `incompatible plugin "${shown}": ABI version mismatch`,
      `logmill speaks ABI version ${ABI_VERSION}, the plugin was built for version ${version}.`,
      'Rebuild the plugin against contract/logmill.h of this logmill (for the bundled plugins: make -C plugins).');
  }
  const made = lib.newProcessor();
  if ('failure' in made) {
    throw new Rejection(file, `plugin "${shown}" failed to start: NewProcessor returned NULL`,
      made.failure ? `the plugin says: ${made.failure}` : 'the plugin gave no reason (ProcessorLastError(NULL) is empty)');
  }
  const h = made.handle;
  try {
    const name = lib.name(h) ?? '';
    if (!PROCESSOR_NAME.test(name)) {
      // The name is the plugin's text: shown escaped wherever the rejection goes.
      throw new Rejection(file, `plugin "${shown}" has an invalid name "${printable(name)}"`, 'a processor name must match [a-z0-9_-]{1,32}',
        'Return a lower-case name from ProcessorName: it is what users type after --format.');
    }
    const out = Buffer.alloc(64 << 10);
    const result = lib.parse(h, Buffer.alloc(0), true, out);
    if (result < 0) {
      throw new Rejection(file, `plugin "${shown}" (${name}) failed its self-test: parsing empty input failed`,
        lib.lastError(h) || `ProcessorParse returned ${result} and ProcessorLastError gave no reason`,
        'ProcessorParse must accept input_len 0 with eof 1 and return 0 with an empty batch.');
    }
    if (result !== 0 || out.readUInt32LE(0) !== BATCH_MAGIC || out.readUInt32LE(4) !== 0) {
      throw new Rejection(file, `plugin "${shown}" (${name}) failed its self-test: parsing empty input must consume 0 bytes and emit an empty batch`,
        `ProcessorParse returned ${result}; batch magic 0x${out.readUInt32LE(0).toString(16)}, ${out.readUInt32LE(4)} records`);
    }
    const about = parseAbout(lib.about(h) ?? '');
    let detectRules: string[] | undefined;
    let hasDetect = exports === null || exports.has('ProcessorDetect');
    try {
      const rules = parseDetectRules(lib.detectRules(h) ?? '');
      // `none`: no head is this format, as if ProcessorDetect were not exported.
      if (rules[0] === NO_DETECT_RULE) hasDetect = false;
      else if (rules.length > 0) detectRules = rules;
    } catch (err) {
      throw new Rejection(file, `plugin "${shown}" (${name}) declares detect rules logmill cannot read`, printable((err as Error).message),
        'ProcessorDetectRules returns lines magic=HEX or pattern=REGEX, or "none" (contract/logmill.h); return "" to have every head scored by ProcessorDetect.');
    }
    let fieldKinds: Record<string, PluginFieldKind> | undefined;
    try {
      const kinds = parseFieldKinds(lib.fieldKinds(h) ?? '');
      if (Object.keys(kinds).length > 0) fieldKinds = { ...kinds };
    } catch (err) {
      throw new Rejection(file, `plugin "${shown}" (${name}) declares field kinds logmill cannot read`, printable((err as Error).message),
        `ProcessorFieldKinds returns lines NAME=KIND, KIND one of ${PLUGIN_FIELD_KINDS.join(', ')} (contract/logmill.h); return "" if every field is text.`);
    }
    const extensions = (lib.extensions(h) ?? '').split(',').map((e) => e.trim().toLowerCase().replace(/^\./, '')).filter(Boolean);
    return new NativeProcessor(lib, {
      file, name, extensions, about,
      hasDetect,
      hasResync: exports !== null && exports.has('ProcessorResync'),
      detectRules,
      fieldKinds,
    }, h);
  } catch (err) {
    lib.free(h);
    throw err;
  }
}

function parseAbout(text: string): Record<string, string> {
  const about: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) about[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return about;
}


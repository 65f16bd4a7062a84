/**
 * The contract checks itself: every #define of contract/logmill.h and
 * contract/logmill_batch.h, the severity enum and the lists of required and
 * optional exports are parsed from the headers and compared with the
 * TypeScript side (contract/abi.ts, contract/batch.ts, contract/severity.ts,
 * the names app/plugins/native.ts calls) and with the Go SDK and the Rust
 * crate, which must export and encode the same things.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { ABI_MAGIC, ABI_VERSION, OPTIONAL_EXPORTS, PARSE_ERROR, PARSE_NEED_SPACE, REQUIRED_EXPORTS } from '../../contract/abi.js';
import { BATCH_HEADER, BATCH_MAGIC, FLAG_HAS_TIME, FLAG_MALFORMED, RECORD_HEADER } from '../../contract/batch.js';
import { SEVERITY_NAMES } from '../../contract/severity.js';
import { REPO } from '../helpers/paths.js';

const read = (rel: string) => readFileSync(path.join(REPO, rel), 'utf8');
const LOGMILL_H = read('contract/logmill.h');
const BATCH_H = read('contract/logmill_batch.h');

/** `#define NAME value` (not include guards), values read as C integer literals. */
function defines(header: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of header.matchAll(/^#define\s+(\w+)[ \t]+([^\s/][^/\n]*?)\s*(?:\/\*.*)?$/gm)) {
    const literal = m[2].replace(/^\((.*)\)$/, '$1').replace(/[uUlL]+$/, '');
    out[m[1]] = Number(literal);
  }
  return out;
}

/** The functions a header section declares: `type Name(params);`. */
function functions(text: string): string[] {
  return [...text.matchAll(/^[\w \t]+?\**\s*\b(\w+)\(([^;{]*?)\);/gm)].map((m) => m[1]);
}

const TS_VALUES: Record<string, number> = {
  LOGMILL_ABI_VERSION: ABI_VERSION, LOGMILL_ABI_MAGIC: ABI_MAGIC, LOGMILL_PARSE_ERROR: PARSE_ERROR, LOGMILL_PARSE_NEED_SPACE: PARSE_NEED_SPACE,
  LM_BATCH_MAGIC: BATCH_MAGIC, LM_BATCH_HEADER: BATCH_HEADER, LM_RECORD_HEADER: RECORD_HEADER,
  LM_REC_HAS_TIME: FLAG_HAS_TIME, LM_REC_MALFORMED: FLAG_MALFORMED,
};

describe('contract/logmill.h and logmill_batch.h against the TypeScript side', () => {
  it('every #define has its TypeScript constant, with the same value', () => {
    const all = { ...defines(LOGMILL_H), ...defines(BATCH_H) };
    expect(Object.keys(all).sort()).toEqual(Object.keys(TS_VALUES).sort());
    for (const [name, value] of Object.entries(all)) expect(value, name).toBe(TS_VALUES[name]);
  });

  it('the severity enum is the normalized scale, in order', () => {
    const body = /enum\s*\{([^}]*)\}/.exec(BATCH_H)![1];
    const names = [...body.matchAll(/LM_SEV_(\w+)/g)].map((m) => m[1].toLowerCase());
    expect(names).toEqual([...SEVERITY_NAMES]);
    expect(body).toMatch(/LM_SEV_UNKNOWN = 0/);
  });

  it('the REQUIRED and OPTIONAL exports are the ones the loader requires and native.ts calls', () => {
    // The section banners: ` * REQUIRED exports` and ` * OPTIONAL exports (looked up by name...)`.
    const at = (banner: string) => LOGMILL_H.search(new RegExp(`^ \\* ${banner} exports\\b`, 'm'));
    expect(at('REQUIRED')).toBeGreaterThan(0);
    expect(at('OPTIONAL')).toBeGreaterThan(at('REQUIRED'));
    const required = LOGMILL_H.slice(at('REQUIRED'), at('OPTIONAL'));
    const optional = LOGMILL_H.slice(at('OPTIONAL'));
    expect(functions(required)).toEqual([...REQUIRED_EXPORTS]);
    expect(functions(optional)).toEqual([...OPTIONAL_EXPORTS]);
    const called = new Set([...read('app/plugins/native.ts').matchAll(/'((?:Processor|NewProcessor|LogmillAbiVersion)\w*)'/g)].map((m) => m[1]));
    expect([...called].sort()).toEqual([...REQUIRED_EXPORTS, ...OPTIONAL_EXPORTS].sort());
  });

  it('the load-time limit the header states is the loader\'s default', async () => {
    const { DEFAULT_LOAD_TIMEOUT_MS } = await import('../../app/workers/process.js');
    expect(LOGMILL_H).toContain(`(--plugin-load-timeout, default ${DEFAULT_LOAD_TIMEOUT_MS / 1000} s)`);
  });
});

describe('the SDKs against the headers', () => {
  it('the Go SDK exports every required function, only contract names, and encodes the same layout', () => {
    // Every Go source of the SDK, its opt-in export packages (logmill/resync) included.
    const sources = fg.sync('contract/go/logmill/**/*.go', { cwd: REPO, ignore: ['**/*_test.go'] });
    expect(sources).toContain('contract/go/logmill/resync/resync.go');
    const go = sources.map(read).join('\n');
    const exported = [...go.matchAll(/^\/\/export (\w+)$/gm)].map((m) => m[1]);
    for (const name of REQUIRED_EXPORTS) expect(exported).toContain(name);
    for (const name of exported) expect([...REQUIRED_EXPORTS, ...OPTIONAL_EXPORTS]).toContain(name);
    const batch = read('contract/go/logmill/batch.go');
    const goConst = (name: string) => Number(new RegExp(`\\b${name}\\s*=\\s*(0x[0-9A-Fa-f]+|\\d+)`).exec(batch)![1]);
    expect([goConst('BatchMagic'), goConst('BatchHeaderSize'), goConst('RecordHeaderSize'), goConst('FlagHasTime'), goConst('FlagMalformed')])
      .toEqual([BATCH_MAGIC, BATCH_HEADER, RECORD_HEADER, FLAG_HAS_TIME, FLAG_MALFORMED]);
    // The ABI version and return codes come from logmill.h itself (cgo), so they cannot drift.
    expect(read('contract/go/logmill/abi.go')).toMatch(/#include "logmill.h"[\s\S]*C\.LOGMILL_ABI_VERSION[\s\S]*C\.LOGMILL_PARSE_NEED_SPACE/);
    const levels = /const \(\s*([\s\S]*?)\)/.exec(read('contract/go/logmill/logmill.go'))![1];
    expect([...levels.matchAll(/^\s*Sev(\w+)/gm)].map((m) => m[1].toLowerCase())).toEqual([...SEVERITY_NAMES]);
  });

  it('the Rust crate exports every contract function from its macros, with the same constants', () => {
    const lib = read('contract/rust/src/lib.rs');
    const macro = (name: string) => lib.slice(lib.indexOf(`macro_rules! ${name}`), lib.indexOf('macro_rules!', lib.indexOf(`macro_rules! ${name}`) + 1) >>> 0 || undefined);
    const fns = (text: string) => [...text.matchAll(/extern "C" fn (\w+)/g)].map((m) => m[1]);
    expect(fns(macro('export_processor'))).toEqual([...REQUIRED_EXPORTS, 'ProcessorExtensions', 'ProcessorAbout', 'ProcessorConfigure', 'ProcessorFieldKinds']);
    expect(fns(macro('export_detect'))).toEqual(['ProcessorDetect']);
    expect(fns(macro('export_resync'))).toEqual(['ProcessorResync']);
    const rustConst = (text: string, name: string) => Number(new RegExp(`const ${name}: \\w+ = (-?(?:0x[0-9A-Fa-f_]+|\\d+))`).exec(text)![1].replaceAll('_', ''));
    expect([rustConst(lib, 'ABI_VERSION'), rustConst(lib, 'ABI_MAGIC'), rustConst(lib, 'PARSE_ERROR'), rustConst(lib, 'PARSE_NEED_SPACE')]).toEqual([ABI_VERSION, ABI_MAGIC, PARSE_ERROR, PARSE_NEED_SPACE]);
    expect(macro('export_processor')).toMatch(/#\[no_mangle\]\s*#\[used\]\s*pub static LogmillAbiBlock: \$crate::AbiBlock = \$crate::AbiBlock::CURRENT;/);
    const batch = read('contract/rust/src/batch.rs');
    expect(['BATCH_MAGIC', 'BATCH_HEADER', 'RECORD_HEADER', 'FLAG_HAS_TIME', 'FLAG_MALFORMED'].map((n) => rustConst(batch, n)))
      .toEqual([BATCH_MAGIC, BATCH_HEADER, RECORD_HEADER, FLAG_HAS_TIME, FLAG_MALFORMED]);
    const sev = /pub mod severity \{([\s\S]*?)\}/.exec(batch)![1];
    expect([...sev.matchAll(/const (\w+): u8 = (\d+)/g)].map((m) => [m[1].toLowerCase(), Number(m[2])]))
      .toEqual(SEVERITY_NAMES.map((n, i) => [n, i]));
  });
});

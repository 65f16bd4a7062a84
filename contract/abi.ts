/**
 * The numbers and names of contract/logmill.h, the TypeScript side's one
 * copy: test/unit/contract-abi.test.ts parses logmill.h and logmill_batch.h
 * and fails when any #define or export differs from what is here (or from
 * contract/batch.ts for the batch layout).
 */

/** LOGMILL_ABI_VERSION: the ABI version this host speaks. */
export const ABI_VERSION = 1;

/** LOGMILL_PARSE_ERROR: ProcessorParse failed; see ProcessorLastError. */
export const PARSE_ERROR = -1;

/** LOGMILL_PARSE_NEED_SPACE: not even the first record fits in `out`; the batch header's byte_length says how much would. */
export const PARSE_NEED_SPACE = -2;

/** LOGMILL_ABI_MAGIC: the magic of the ABI block (LogmillAbiBlock), read from the ELF file before loading. */
export const ABI_MAGIC = 0x4c4d4142;

/** The exported data symbol holding the ABI block (logmill.h, LOGMILL_ABI_BLOCK). */
export const ABI_BLOCK_SYMBOL = 'LogmillAbiBlock';

/** The REQUIRED exports of logmill.h: a plugin missing one is rejected before it is loaded. */
export const REQUIRED_EXPORTS = [
  'LogmillAbiVersion', 'NewProcessor', 'ProcessorName', 'ProcessorParse', 'ProcessorLastError', 'ProcessorFree',
] as const;

/** The OPTIONAL exports of logmill.h, looked up by name (app/plugins/native.ts). */
export const OPTIONAL_EXPORTS = [
  'ProcessorExtensions', 'ProcessorDetect', 'ProcessorAbout', 'ProcessorConfigure', 'ProcessorResync',
  'ProcessorDetectRules', 'ProcessorFieldKinds',
] as const;

/*
 * logmill.h — the whole contract between logmill and a processor plugin.
 *
 * Who includes this: the author of a logmill plugin, a shared library
 * (`.so`) that teaches logmill one log format. Include it from exactly one
 * C file of your plugin (or let the Go SDK in contract/go/logmill do it for
 * you), implement every REQUIRED export below with C linkage, build with
 * `-shared -fPIC` (C/Rust) or `go build -buildmode=c-shared` (Go), and drop
 * the result into a logmill plugin directory (~/.config/logmill/plugins, or
 * the one named with --plugins). Nothing else is needed: the
 * record batch layout is in contract/BATCH.md and, for C, in
 * contract/logmill_batch.h.
 *
 * How logmill uses a plugin, in order:
 *   1. Trust (no plugin code runs): the file, symlinks resolved, and every
 *      directory above it must not be writable by anyone but you or root, and
 *      must match its SHA-256 in plugins.lock if its directory has one. The
 *      main process opens the file once, checks and hashes it; the worker
 *      process that loads it reopens it and refuses it unless it is the same
 *      inode with the same hash, then loads it through that descriptor
 *      (dlopen of /proc/self/fd/N), so the bytes checked are the bytes run.
 *   2. The ELF check (still no plugin code runs): a shared library for this
 *      machine, whose dynamic symbol table exports every REQUIRED symbol.
 *      A missing one rejects the plugin. If the file defines the ABI block
 *      (LogmillAbiBlock, at the end of this file), its version must be
 *      LOGMILL_ABI_VERSION: a mismatch rejects the plugin here, unloaded.
 *   3. dlopen() the file with RTLD_NOW (LD_BIND_NOW), in a worker process.
 *      Library constructors (and a Go runtime) run here.
 *   4. LogmillAbiVersion() — checked FIRST of the calls, because nothing else
 *      in this file may mean the same thing in another ABI version. A mismatch
 *      rejects the plugin with both versions shown.
 *   5. NewProcessor() is called once: this is the worker's probe handle.
 *      ProcessorName() must be valid, ProcessorParse() is called once with
 *      empty input and eof=1 (it must succeed and emit no records), then
 *      ProcessorExtensions() and ProcessorAbout() are read. The probe handle
 *      is NOT freed: it lives as long as the worker process and is used only
 *      for ProcessorDetect() and ProcessorResync(), never for parsing.
 *      Steps 3-5 have a time limit (--plugin-load-timeout, default 30 s);
 *      running out of it, or crashing, rejects the plugin.
 *   6. For every input stream (usually one log file) routed to the plugin,
 *      logmill calls NewProcessor(), then ProcessorConfigure() for each
 *      user option, then ProcessorParse() repeatedly, then ProcessorFree().
 *      A worker may load the plugin again (steps 1-5) in a new process at
 *      any time, so load-time code must be cheap and must not depend on
 *      running once.
 *
 * Versioning: LOGMILL_ABI_VERSION changes whenever the meaning of an existing
 * export or of the batch layout changes. New OPTIONAL exports may be added at
 * the end of this file without a version change; a plugin that lacks them
 * keeps working.
 *
 * Threads: one processor handle is only ever used by one thread at a time, but
 * different handles of the same plugin may be used from different threads
 * concurrently. Keep per-stream state in the handle, not in globals.
 *
 * Strings: every `const char *` crossing this boundary is NUL-terminated
 * UTF-8. Every pointer returned by the plugin is owned by the plugin; the
 * comment beside each export says how long it must stay valid. logmill
 * never frees plugin memory itself (it calls ProcessorFree).
 */
#ifndef LOGMILL_H
#define LOGMILL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. Return it from LogmillAbiVersion. */
#define LOGMILL_ABI_VERSION 1

/* Opaque per-stream state owned by the plugin. */
typedef struct logmill_processor logmill_processor;

/* ProcessorParse return codes (anything >= 0 is a byte count). */
#define LOGMILL_PARSE_ERROR (-1)     /* fatal for this stream; see ProcessorLastError */
#define LOGMILL_PARSE_NEED_SPACE (-2) /* not even the first record fits in `out`; the
                                         batch header's byte_length holds the capacity
                                         needed. logmill grows `out` and calls again
                                         with the same input. Return it only when
                                         nothing was consumed: if bytes were consumed
                                         (a file header, blank lines), return that
                                         count with an empty batch instead. */

/* ------------------------------------------------------------------------
 * REQUIRED exports
 * ---------------------------------------------------------------------- */

/* Returns LOGMILL_ABI_VERSION as compiled into the plugin. Called before any
 * other export; must not allocate or fail. */
int32_t LogmillAbiVersion(void);

/* The factory. Returns a new processor for one input stream, or NULL if the
 * plugin cannot work at all (logmill then rejects the plugin, or fails the
 * one file, and shows ProcessorLastError(NULL) if that is exported text).
 * The handle is owned by the plugin and lives until ProcessorFree. */
logmill_processor *NewProcessor(void);

/* The format name this processor parses, matching [a-z0-9_-]{1,32}. It is
 * what users pass to --format and what reports show. Must be the same for
 * every handle. Returned memory is owned by the plugin and must stay valid
 * until ProcessorFree(p). */
const char *ProcessorName(logmill_processor *p);

/* Streaming parse. logmill passes the next bytes of the stream:
 *   input, input_len  the unconsumed bytes, starting where the previous call's
 *                     consumed count ended. Owned by logmill, valid only during
 *                     this call, read-only. input_len may be 0.
 *   eof               1 when no more bytes follow `input`, else 0.
 *   out, out_cap      a buffer owned by logmill, valid only during this call,
 *                     into which the plugin writes one record batch (BATCH.md)
 *                     with a header even if it holds zero records.
 * Returns the number of bytes of `input` consumed (0..input_len): the bytes of
 * every complete record in the batch, plus anything deliberately skipped
 * (blank lines, a file header). A record that is not complete yet must not be
 * consumed unless eof is 1: logmill will call again with those bytes first
 * and more appended. Consuming less than input_len with records in the batch
 * is fine (e.g. `out` filled up); logmill calls again with the rest.
 * Returning 0 with zero records and eof=0 means "need more input".
 * With eof=1 the plugin must consume everything, emitting a MALFORMED record
 * for bytes it cannot parse.
 * Returns LOGMILL_PARSE_ERROR when the stream cannot continue at all (e.g. an
 * unsupported encoding); one bad record is never a reason for that: emit it
 * flagged LOGMILL_REC_MALFORMED and go on.
 * Never keeps pointers into `input` or `out` after returning. */
int64_t ProcessorParse(logmill_processor *p, const uint8_t *input, int64_t input_len,
                       int32_t eof, uint8_t *out, int64_t out_cap);

/* Text describing the last failure of ProcessorParse or ProcessorConfigure on
 * `p` (or of NewProcessor when p is NULL), or NULL/"" if none. Owned by the
 * plugin; valid until the next call on `p`. */
const char *ProcessorLastError(logmill_processor *p);

/* Releases `p` and everything it returned. `p` is never used again. */
void ProcessorFree(logmill_processor *p);

/* ------------------------------------------------------------------------
 * OPTIONAL exports (looked up by name; absent means "not supported")
 * ---------------------------------------------------------------------- */

/* Comma-separated file extensions this format claims, lower case, without
 * dots, e.g. "csv,tsv". Static or owned by `p` until ProcessorFree. */
const char *ProcessorExtensions(logmill_processor *p);

/* Scores how likely `head` (the first bytes of a file, at most 64 KiB, maybe
 * cut mid-record) is this format: 0 = certainly not, 100 = certainly.
 * Built-in sniffers score json 90 and text 1, so return more than 90 only
 * when you are sure. `head` is owned by logmill and valid during the call.
 * Must not change the state used by ProcessorParse. */
int32_t ProcessorDetect(logmill_processor *p, const uint8_t *head, int64_t head_len);

/* Metadata as "key=value" lines separated by '\n'. Known keys: version,
 * language (c, rust, go, ...), description. Unknown keys are shown as-is.
 * Owned by `p` until ProcessorFree. */
const char *ProcessorAbout(logmill_processor *p);

/* Sets one option before the first ProcessorParse on `p`. Users write
 * `--opt NAME.key=value` where NAME is the processor name; logmill passes
 * key and value without the prefix. logmill always passes `tz` (an IANA zone
 * name, "UTC", or an offset like "+02:00") to say how to read timestamps
 * that carry no zone. Returns 0 on success, nonzero for an unknown key or bad
 * value, with the reason in ProcessorLastError(p); logmill fails the run
 * with that reason for user-given options and ignores the failure for `tz`. */
int32_t ProcessorConfigure(logmill_processor *p, const char *key, const char *value);

/* Lets logmill split one large file into byte ranges parsed in parallel by
 * separate processors. `data` (owned by logmill, valid during the call) starts
 * one byte before a range start, at an arbitrary byte of the stream. Returns
 * the index (>= 1) in `data` of the first byte of the first record that
 * starts after data[0], or -1 if none starts within `data`. Export it only if
 * the format can be resynchronized this way (every newline ends a record,
 * say; or, for CSV, a newline after which the rows parse as a table). A
 * range's processor is first given the file's first bytes (64 KiB, more if
 * no record is complete in them) with eof=0, and the records of that call are
 * discarded; the range's bytes follow, from the boundary. So what a format
 * learns at the top of a file (a header, a delimiter) holds in every range.
 * logmill checks each boundary against the record the range before found
 * there and fails the file if they differ, so a wrong answer here costs the
 * file, never its counts. Must not change the state used by ProcessorParse. */
int64_t ProcessorResync(logmill_processor *p, const uint8_t *data, int64_t data_len);

/* Detection as data, so logmill can route a file without starting a worker
 * for this plugin. Returns rules, one per line ('\n'-separated), each
 * "KIND=VALUE":
 *   magic=HEX      the head starts with these bytes (hex digits, e.g.
 *                  "magic=1f8b"); a UTF-8 byte-order mark is NOT skipped.
 *   pattern=REGEX  a regular expression in the common subset of ECMAScript
 *                  and RE2 (no backreferences, no lookaround), searched in the
 *                  head read as Latin-1: each byte is one character, so
 *                  "\xEF" matches the byte 0xEF. No flags: ^ and $ anchor at
 *                  the head's start and end. Spell classes out ([ \t\r\n],
 *                  [^\n], [0-9]): \s and . differ between the two dialects.
 *   none           alone: no head is this format; files reach the plugin
 *                  only by its extensions or --format, and ProcessorDetect
 *                  is never called (what the Go SDK returns for a processor
 *                  without Detect, whose ProcessorDetect is always exported).
 * Meaning: a head that matches NONE of the rules scores 0 without
 * ProcessorDetect being called (no plugin code runs, no worker starts);
 * a head that matches one is scored by ProcessorDetect as before. So declare
 * rules that EVERY head you would score 50 or more matches (scores under 50
 * never win routing): a necessary condition, cheap to test. A rule that does
 * not parse rejects the plugin when it loads, with the rule named. Read once
 * per plugin build and remembered in logmill's check cache. Without this
 * export, or with NULL/"" returned, every head is given to ProcessorDetect.
 * Static or owned by `p` until ProcessorFree. */
const char *ProcessorDetectRules(logmill_processor *p);

/* The fields whose values are not text, so that `logmill parse` writes them
 * as JSON numbers and booleans and `logmill sql` stores them typed. Returns
 * lines ('\n'-separated) "NAME=KIND", KIND one of integer, float, boolean,
 * string (the default). Batches still carry every value as text; logmill
 * reads a declared field's value as its kind, and a value that does not
 * read so (an integer field holding "-") stays text in that record. A line
 * that does not parse rejects the plugin when it loads, with the line
 * named. Read once per plugin build, from the probe handle. NULL/"": every
 * field is text. Static or owned by `p` until ProcessorFree. */
const char *ProcessorFieldKinds(logmill_processor *p);

/* ------------------------------------------------------------------------
 * OPTIONAL data: the ABI block
 * ---------------------------------------------------------------------- */

/* A plugin built against this header should define the ABI block, an exported
 * constant that logmill reads from the file itself (the dynamic symbol
 * LogmillAbiBlock) before dlopen() runs any of the plugin's code, so a plugin
 * built for another ABI version is rejected without running its library
 * constructors or its Go runtime. Write `LOGMILL_ABI_BLOCK();` at file scope
 * in one C file; the Go SDK and the Rust crate (export_processor!) define it
 * for you. Size-prefixed, so later versions may add fields at the end. Without
 * it, the version is checked by LogmillAbiVersion() after loading, as before. */
typedef struct {
  uint32_t size;        /* sizeof(logmill_abi_block) */
  uint32_t magic;       /* LOGMILL_ABI_MAGIC */
  int32_t abi_version;  /* LOGMILL_ABI_VERSION */
  uint32_t reserved;    /* 0 */
} logmill_abi_block;

#define LOGMILL_ABI_MAGIC 0x4C4D4142u /* the bytes 'B' 'A' 'M' 'L' */

#define LOGMILL_ABI_BLOCK()                                                          \
  __attribute__((visibility("default"), used)) const logmill_abi_block LogmillAbiBlock = \
      {sizeof(logmill_abi_block), LOGMILL_ABI_MAGIC, LOGMILL_ABI_VERSION, 0}

#ifdef __cplusplus
}
#endif

#endif /* LOGMILL_H */

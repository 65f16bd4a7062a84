/*
 * The logmill plugin __NAME__: one record per line, `TIMESTAMP LEVEL message`.
 * Change parse_line for your format; `make test` checks it on sample.log.
 * The contract: __CONTRACT__/logmill.h; records are written with
 * logmill_batch.h and timestamps read with logmill_time.h.
 */
#include <stdlib.h>
#include <string.h>

#include "logmill.h"
#include "logmill_batch.h"
#include "logmill_time.h"

struct logmill_processor {
  uint64_t line;  /* lines consumed so far, across ProcessorParse calls */
  lm_zone zone;   /* for stamps without a zone (logmill's --tz) */
  char err[256];
};

/* Lets logmill refuse a build for another ABI version before loading it. */
LOGMILL_ABI_BLOCK();

int32_t LogmillAbiVersion(void) { return LOGMILL_ABI_VERSION; }

logmill_processor *NewProcessor(void) {
  logmill_processor *p = calloc(1, sizeof *p);
  if (p) p->zone = (lm_zone)LM_ZONE_UTC;
  return p;
}

const char *ProcessorName(logmill_processor *p) { (void)p; return "__NAME__"; }

const char *ProcessorLastError(logmill_processor *p) { return p ? p->err : "out of memory"; }

void ProcessorFree(logmill_processor *p) {
  if (!p) return;
  lm_zone_free(&p->zone);
  free(p);
}

/* Files named *.__NAME__ come to this plugin. (To be chosen by content too,
 * export ProcessorDetect; see logmill.h.) */
const char *ProcessorExtensions(logmill_processor *p) { (void)p; return "__NAME__"; }

const char *ProcessorAbout(logmill_processor *p) {
  (void)p;
  return "version=0.1.0\nlanguage=c\ndescription=__NAME__ logs: TIMESTAMP LEVEL message";
}

int32_t ProcessorConfigure(logmill_processor *p, const char *key, const char *value) {
  if (strcmp(key, "tz") == 0) return lm_zone_parse(&p->zone, value, p->err, sizeof p->err) == 0 ? 0 : 1;
  strcpy(p->err, "unknown option");
  return 1;
}

/* Every newline ends a record, and a fresh processor can start at any line:
 * logmill may split a large file at the line starts this names. */
int64_t ProcessorResync(logmill_processor *p, const uint8_t *data, int64_t data_len) {
  (void)p;
  const uint8_t *nl = memchr(data, '\n', (size_t)data_len);
  return nl && nl + 1 < data + data_len ? (nl - data) + 1 : -1;
}

/* Writes the record of one line (s, n) at `offset` of this call's input; 0 if it does not fit. */
static int parse_line(logmill_processor *p, lm_batch *b, const uint8_t *s, int64_t n, int64_t offset) {
  /* The stamp is the first word, or the first two ("2026-11-23 05:54:42,117"). */
  int64_t ends[2] = {0, 0};
  for (int64_t i = 0, w = 0; i < n && w < 2; i++)
    if (s[i] == ' ') ends[w++] = i;
  if (ends[0] == 0) ends[0] = n;
  for (int w = 1; w >= 0; w--) {
    int64_t us, end = ends[w];
    if (end == 0 || !lm_parse_time(s, (size_t)end, &p->zone, &us)) continue;
    while (end < n && s[end] == ' ') end++;
    int64_t level = end;
    while (end < n && s[end] != ' ') end++;
    const uint8_t *msg = s + end + (end < n);
    int64_t msg_len = n - end - (end < n);
    /* severity 0: logmill maps the level text (SEVERITY.md) */
    return lm_record_begin(b, LM_SEV_UNKNOWN, LM_REC_HAS_TIME, us, p->line + 1, (uint64_t)offset)
        && lm_record_str(b, (const char *)s + level, (uint64_t)(end - level))
        && lm_record_str(b, (const char *)msg, (uint64_t)msg_len) && lm_record_end(b);
  }
  static const char why[] = "no timestamp at the start of the line";
  return lm_record_begin(b, LM_SEV_UNKNOWN, LM_REC_MALFORMED, 0, p->line + 1, (uint64_t)offset)
      && lm_record_str(b, "", 0) && lm_record_str(b, why, sizeof why - 1)
      && lm_record_field(b, "raw", 3, (const char *)s, (uint64_t)n) && lm_record_end(b);
}

/* A record per complete line; returns the bytes consumed. A line without its
 * newline is complete only at eof; otherwise logmill calls again with it
 * first and more appended. */
int64_t ProcessorParse(logmill_processor *p, const uint8_t *input, int64_t input_len, int32_t eof,
                       uint8_t *out, int64_t out_cap) {
  lm_batch b;
  lm_batch_begin(&b, out, out_cap);
  int64_t pos = 0;
  while (pos < input_len) {
    const uint8_t *s = input + pos;
    const uint8_t *nl = memchr(s, '\n', (size_t)(input_len - pos));
    int64_t n, next;
    if (nl) { n = nl - s; next = pos + n + 1; }
    else if (eof) { n = input_len - pos; next = input_len; }
    else break;
    if (n > 0 && s[n - 1] == '\r') n--;
    int blank = 1;
    for (int64_t i = 0; i < n && blank; i++) blank = s[i] == ' ' || s[i] == '\t';
    if (!blank && !parse_line(p, &b, s, n, pos)) {
      lm_record_abort(&b);
      if (b.count == 0) { /* not even this record fits: ask for room */
        lm_batch_need(&b, lm_record_size(4, 2 * (uint64_t)n + 64));
        return LOGMILL_PARSE_NEED_SPACE;
      }
      break; /* the batch is full: logmill calls again with the rest */
    }
    p->line++;
    pos = next;
  }
  lm_batch_end(&b);
  return pos;
}

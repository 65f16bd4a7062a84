/*
 * logmill_batch.h — a small helper for C plugins that writes the record batch
 * described in contract/BATCH.md into the `out` buffer of ProcessorParse.
 *
 * Header-only; include it after logmill.h in the one C file that implements
 * ProcessorParse. Usage:
 *
 *     lm_batch b;
 *     lm_batch_begin(&b, out, out_cap);
 *     if (!lm_record_begin(&b, LM_SEV_UNKNOWN, flags, time_us, line, offset)
 *         || !lm_record_str(&b, sev_text, sev_len)
 *         || !lm_record_str(&b, msg, msg_len)
 *         || !lm_record_field(&b, "host", 4, host, host_len)
 *         || !lm_record_end(&b)) {
 *         lm_record_abort(&b);  // did not fit: stop here, consume only what is done
 *         if (b.count == 0) {   // not even one record fits: ask for room
 *             lm_batch_need(&b, lm_record_size(3, sev_len + msg_len + 4 + host_len));
 *             return LOGMILL_PARSE_NEED_SPACE;
 *         }
 *     }
 *     lm_batch_end(&b);         // always: writes the header
 *
 * Every function returns 1 on success and 0 when the buffer is full; after a
 * 0, call lm_record_abort to drop the partial record.
 *
 * A plugin that knows a record's size before writing it (lm_record_size) can
 * check once with lm_record_fits, and write strings whose bytes it produces
 * itself (unescaped, sanitized) in place: lm_record_str_begin returns where
 * at most `max` bytes go, lm_record_str_end says how many were written. A
 * field whose key is written that way starts with lm_record_key.
 */
#ifndef LOGMILL_BATCH_H
#define LOGMILL_BATCH_H

#include <stdint.h>
#include <string.h>

#define LM_BATCH_MAGIC 0x31424D4Cu
#define LM_BATCH_HEADER 16
#define LM_RECORD_HEADER 32

enum {
  LM_SEV_UNKNOWN = 0, LM_SEV_TRACE, LM_SEV_DEBUG, LM_SEV_INFO,
  LM_SEV_NOTICE, LM_SEV_WARN, LM_SEV_ERROR, LM_SEV_FATAL
};

#define LM_REC_HAS_TIME 0x01
#define LM_REC_MALFORMED 0x02

typedef struct {
  uint8_t *out;
  uint64_t cap;
  uint64_t pos;          /* next free byte */
  uint64_t record_start; /* start of the record being written */
  uint32_t count;        /* complete records */
  uint16_t fields;       /* fields of the record being written */
} lm_batch;

static inline void lm_put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void lm_put64(uint8_t *p, uint64_t v) {
  lm_put32(p, (uint32_t)v); lm_put32(p + 4, (uint32_t)(v >> 32));
}

static inline void lm_batch_begin(lm_batch *b, uint8_t *out, int64_t cap) {
  b->out = out; b->cap = cap < 0 ? 0 : (uint64_t)cap;
  b->pos = LM_BATCH_HEADER; b->record_start = 0; b->count = 0; b->fields = 0;
}

/* Writes the batch header. Call once, after the last record. */
static inline void lm_batch_end(lm_batch *b) {
  if (b->cap < LM_BATCH_HEADER) return;
  lm_put32(b->out, LM_BATCH_MAGIC);
  lm_put32(b->out + 4, b->count);
  lm_put32(b->out + 8, (uint32_t)b->pos);
  lm_put32(b->out + 12, 0);
}

/* For LOGMILL_PARSE_NEED_SPACE: records the capacity needed in the header. */
static inline void lm_batch_need(lm_batch *b, uint64_t bytes) {
  if (b->cap < LM_BATCH_HEADER) return;
  lm_put32(b->out, LM_BATCH_MAGIC);
  lm_put32(b->out + 4, 0);
  lm_put32(b->out + 8, (uint32_t)(bytes + LM_BATCH_HEADER));
  lm_put32(b->out + 12, 0);
}

static inline int lm_record_begin(lm_batch *b, uint8_t severity, uint8_t flags, int64_t time_us,
                                  uint64_t line, uint64_t offset) {
  b->record_start = b->pos;
  b->fields = 0;
  if (b->pos + LM_RECORD_HEADER > b->cap) return 0;
  uint8_t *r = b->out + b->pos;
  r[4] = severity; r[5] = flags;
  lm_put64(r + 8, (uint64_t)time_us);
  lm_put64(r + 16, line);
  lm_put64(r + 24, offset);
  b->pos += LM_RECORD_HEADER;
  return 1;
}

/* Appends one string: the severity text, then the message, then fields. */
static inline int lm_record_str(lm_batch *b, const char *s, uint64_t len) {
  if (b->pos + 4 + len > b->cap) return 0;
  lm_put32(b->out + b->pos, (uint32_t)len);
  if (len) memcpy(b->out + b->pos + 4, s, len);
  b->pos += 4 + len;
  return 1;
}

static inline int lm_record_field(lm_batch *b, const char *k, uint64_t klen, const char *v, uint64_t vlen) {
  if (!lm_record_str(b, k, klen) || !lm_record_str(b, v, vlen)) return 0;
  b->fields++;
  return 1;
}

static inline int lm_record_end(lm_batch *b) {
  uint8_t *r = b->out + b->record_start;
  lm_put32(r, (uint32_t)(b->pos - b->record_start));
  r[6] = (uint8_t)b->fields; r[7] = (uint8_t)(b->fields >> 8);
  b->count++;
  return 1;
}

/* Whether a record of `size` bytes (lm_record_size) fits in what is left of the buffer. */
static inline int lm_record_fits(const lm_batch *b, uint64_t size) {
  return b->pos + size <= b->cap;
}

/* Starts a string written in place: returns where its bytes go (at most `max`),
 * or NULL when they would not fit. Finish it with lm_record_str_end. */
static inline uint8_t *lm_record_str_begin(lm_batch *b, uint64_t max) {
  if (b->pos + 4 + max > b->cap) return NULL;
  return b->out + b->pos + 4;
}

/* Ends the string lm_record_str_begin started, `written` bytes long (at most its `max`). */
static inline void lm_record_str_end(lm_batch *b, uint64_t written) {
  lm_put32(b->out + b->pos, (uint32_t)written);
  b->pos += 4 + written;
}

/* Writes the key of one field and counts the field; its value follows
 * (lm_record_str, or lm_record_str_begin/end). */
static inline int lm_record_key(lm_batch *b, const char *k, uint64_t klen) {
  if (!lm_record_str(b, k, klen)) return 0;
  b->fields++;
  return 1;
}

/* Drops the record being written (after a 0 return). */
static inline void lm_record_abort(lm_batch *b) {
  b->pos = b->record_start;
}

/* The bytes a whole record takes: `strings` strings (severity text, message,
 * and two per field) holding `string_bytes` bytes together. For lm_batch_need. */
static inline uint64_t lm_record_size(uint64_t strings, uint64_t string_bytes) {
  return LM_RECORD_HEADER + 4 * strings + string_bytes;
}

#endif /* LOGMILL_BATCH_H */

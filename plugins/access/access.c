/*
 * access.c — the bundled logmill plugin "access": HTTP access logs in the
 * nginx / Apache "combined" and "common" formats, e.g.
 *
 *   203.0.113.7 - alice [23/Nov/2026:05:54:40 +0000] "GET /i.html?x=1 HTTP/1.1" 200 5123 "https://ex.com/" "Mozilla/5.0"
 *
 * and their usual variants:
 *   - "common" (no referer / user agent), `-` for the response size;
 *   - extra trailing fields (nginx `$request_time`, `"$http_x_forwarded_for"`,
 *     `rt=0.123`, ...) -> fields extra1, extra2, ...;
 *   - IPv6 clients, a request line that is just "-" or contains `\"` escapes;
 *   - nginx's `\xHH` escapes in quoted fields (`\x22` for `"`, `\x5C` for `\`),
 *     decoded to the byte (and then to U+FFFD unless it makes valid UTF-8);
 *   - Apache `vhost_combined`: `vhost:port ip ident user [...] ...`.
 *
 * One line is one record. Record layout: time from the bracketed stamp
 * (HAS_TIME), message = the request line, severity from the status
 * (5xx error, 4xx warn, else info), severity_text = the status code, fields
 * vhost, remote_addr, ident, remote_user, method, path, protocol, status,
 * bytes, referer, user_agent, extra1.. (the optional ones omitted when `-`).
 * A line that does not have this shape is a MALFORMED record whose message
 * says why and whose field `raw` holds the first 200 bytes of the line.
 *
 * Build: gcc -O2 -shared -fPIC -I../contract -o access.so access/access.c
 *
 * Design notes: no global mutable state (everything per stream lives in the
 * handle), no regex, no allocation per record: a line is split into spans
 * pointing into `input`, the exact record size is computed, then the record is
 * written straight into `out`. Strings are emitted as valid UTF-8: a line
 * that is not valid UTF-8 has its invalid bytes replaced by U+FFFD.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logmill.h"
#include "logmill_batch.h"

#define EXPORT __attribute__((visibility("default")))

#define MAX_EXTRA 64   /* extra1..extra64; the 64th takes the rest of the line */
#define MAX_FIELDS (12 + MAX_EXTRA)
#define RAW_MAX 200    /* bytes of the line kept in `raw` of a malformed record */
#define DETECT_LINES 32

static const char ABOUT[] =
    "version=1.0.0\n"
    "language=c\n"
    "description=HTTP access logs: nginx/Apache combined and common formats "
    "(vhost prefix, IPv6 clients, extra trailing fields as extra1..)";

struct logmill_processor {
  uint64_t line;   /* 1-based number of the next unconsumed line */
  char err[256];   /* ProcessorLastError text, "" if none */
};

/* ------------------------------------------------------------------------
 * Spans and string output
 * ---------------------------------------------------------------------- */

typedef struct {
  const uint8_t *p;
  uint32_t n;
  uint8_t esc; /* may contain \", \\ or \xHH escapes (a quoted field) */
} span;

typedef struct {
  const char *key; /* NULL: the key is "extra<idx>" */
  uint32_t klen;
  uint32_t idx;
  span v;
} field;

typedef struct {
  const char *reason; /* NULL when the line parsed */
  int has_time;
  int64_t time_us;
  uint8_t sev;
  span sevtext, msg;
  uint32_t nf;
  field *f;
} rec;

enum { M_UNESC = 1, M_SANITIZE = 2 };

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static inline int u8len(const uint8_t *s, uint64_t n) {
  uint8_t c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
    return 3;
  }
  if (c < 0xF5) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0; /* > U+10FFFF */
    return 4;
  }
  return 0;
}

/* 1 when s[0..n) is valid UTF-8 (fast path for ASCII, 8 bytes at a time). */
static int utf8_valid(const uint8_t *s, uint64_t n) {
  uint64_t i = 0;
  while (i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n) {
    if (s[i] < 0x80) { i++; continue; }
    int k = u8len(s + i, n - i);
    if (!k) return 0;
    i += (uint64_t)k;
  }
  return 1;
}

static inline int hexval(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* The byte that the escape (or plain byte) at s[i] stands for, and in *adv
 * how many input bytes it takes: `\"` and `\\` (Apache, nginx before 1.1.6)
 * and `\xHH` (nginx writes `"`, `\`, control and non-ASCII bytes so). */
static inline uint8_t unesc_at(const uint8_t *s, uint64_t n, uint64_t i, uint64_t *adv) {
  uint8_t c = s[i];
  if (c == '\\' && i + 1 < n) {
    uint8_t e = s[i + 1];
    if (e == '"' || e == '\\') { *adv = 2; return e; }
    if (e == 'x' && i + 3 < n) {
      int h = hexval(s[i + 2]), l = hexval(s[i + 3]);
      if (h >= 0 && l >= 0) { *adv = 4; return (uint8_t)(h << 4 | l); }
    }
  }
  *adv = 1;
  return c;
}

/* Unescapes s[0..n) and replaces invalid UTF-8 in the result (a decoded
 * `\xFF` as well as a raw invalid byte) by U+FFFD. Writes to d unless it is
 * NULL; returns the output length, never more than 3 * n. */
static uint64_t unescape(const uint8_t *s, uint64_t n, uint8_t *d) {
  uint64_t len = 0, i = 0, a;
  while (i < n) {
    uint8_t c = unesc_at(s, n, i, &a);
    if (c < 0x80) {
      if (d) d[len] = c;
      len++; i += a;
      continue;
    }
    /* Decode up to 3 more bytes to check the sequence starting here. */
    uint8_t u[4];
    uint64_t next[4]; /* input index after decoded byte k */
    u[0] = c; next[0] = i + a;
    int m = 1;
    while (m < 4 && next[m - 1] < n) {
      u[m] = unesc_at(s, n, next[m - 1], &a);
      next[m] = next[m - 1] + a;
      m++;
    }
    int k = u8len(u, (uint64_t)m);
    if (k) {
      if (d) memcpy(d + len, u, (size_t)k);
      len += (uint64_t)k; i = next[k - 1];
    } else {
      if (d) { d[len] = 0xEF; d[len + 1] = 0xBF; d[len + 2] = 0xBD; }
      len += 3; i = next[0];
    }
  }
  return len;
}

/* Output length of s[0..n) after the transformations in `mode`. */
static uint64_t out_len(const uint8_t *s, uint64_t n, int mode) {
  if (!mode) return n;
  if (mode & M_UNESC) return unescape(s, n, NULL);
  uint64_t len = 0, i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c >= 0x80) {
      int k = u8len(s + i, n - i);
      if (k) { len += (uint64_t)k; i += (uint64_t)k; } else { len += 3; i++; }
    } else {
      len++; i++;
    }
  }
  return len;
}

/* Writes a batch string: n bytes of s, unescaped and/or sanitized as `mode`
 * says, in place (out_len said how many bytes that takes at most). */
static void emit(lm_batch *b, const uint8_t *s, uint64_t n, int mode) {
  uint8_t *w = lm_record_str_begin(b, out_len(s, n, mode));
  if (!mode) {
    if (n) memcpy(w, s, n);
    lm_record_str_end(b, n);
    return;
  }
  if (mode & M_UNESC) {
    lm_record_str_end(b, unescape(s, n, w));
    return;
  }
  uint8_t *d = w;
  uint64_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c >= 0x80) {
      int k = u8len(s + i, n - i);
      if (k) { memcpy(d, s + i, (size_t)k); d += k; i += (uint64_t)k; }
      else { *d++ = 0xEF; *d++ = 0xBF; *d++ = 0xBD; i++; }
    } else {
      *d++ = c; i++;
    }
  }
  lm_record_str_end(b, (uint64_t)(d - w));
}

static inline int span_mode(span v, int sanitize) {
  return (v.esc ? M_UNESC : 0) | (sanitize ? M_SANITIZE : 0);
}

static inline uint32_t ndigits(uint32_t v) {
  uint32_t d = 1;
  while (v >= 10) { v /= 10; d++; }
  return d;
}

/* ------------------------------------------------------------------------
 * Timestamp: dd/Mon/yyyy:hh:mm:ss[.frac] +hhmm
 * ---------------------------------------------------------------------- */

static inline int dig(uint8_t c) { return c >= '0' && c <= '9'; }

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int month_of(const uint8_t *s) {
  /* case-insensitive three-letter English month abbreviation */
  uint32_t k = ((uint32_t)(s[0] | 0x20) << 16) | ((uint32_t)(s[1] | 0x20) << 8) | (uint32_t)(s[2] | 0x20);
#define MON(a, b, c) (((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))
  switch (k) {
    case MON('j', 'a', 'n'): return 1;
    case MON('f', 'e', 'b'): return 2;
    case MON('m', 'a', 'r'): return 3;
    case MON('a', 'p', 'r'): return 4;
    case MON('m', 'a', 'y'): return 5;
    case MON('j', 'u', 'n'): return 6;
    case MON('j', 'u', 'l'): return 7;
    case MON('a', 'u', 'g'): return 8;
    case MON('s', 'e', 'p'): return 9;
    case MON('o', 'c', 't'): return 10;
    case MON('n', 'o', 'v'): return 11;
    case MON('d', 'e', 'c'): return 12;
  }
#undef MON
  return 0;
}

/* Parses the text between the brackets. Returns 1 and sets *us on success,
 * 0 when the shape is right but a part is out of range (a record without
 * time), -1 when it is not an access-log stamp at all. */
static int parse_stamp(const uint8_t *s, uint64_t n, int64_t *us) {
  const uint8_t *e = s + n;
  unsigned day = 0;
  int nd = 0;
  while (s < e && dig(*s) && nd < 2) { day = day * 10 + (unsigned)(*s - '0'); s++; nd++; }
  if (!nd || e - s < 1 + 3 + 1 + 4 + 1 + 8 || *s != '/') return -1;
  s++;
  int mon = month_of(s);
  if (!mon || s[3] != '/') return -1;
  s += 4;
  if (!dig(s[0]) || !dig(s[1]) || !dig(s[2]) || !dig(s[3]) || s[4] != ':') return -1;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  s += 5;
  if (!dig(s[0]) || !dig(s[1]) || s[2] != ':' || !dig(s[3]) || !dig(s[4]) || s[5] != ':' ||
      !dig(s[6]) || !dig(s[7]))
    return -1;
  int hh = (s[0] - '0') * 10 + (s[1] - '0');
  int mi = (s[3] - '0') * 10 + (s[4] - '0');
  int ss = (s[6] - '0') * 10 + (s[7] - '0');
  s += 8;
  int64_t frac = 0;
  if (s < e && (*s == '.' || *s == ',')) {
    s++;
    int fd = 0;
    while (s < e && dig(*s)) {
      if (fd < 6) frac = frac * 10 + (*s - '0');
      fd++; s++;
    }
    if (!fd) return -1;
    for (; fd < 6; fd++) frac *= 10;
  }
  int off = 0;
  if (s < e) {
    if (*s != ' ' || e - s != 6 || (s[1] != '+' && s[1] != '-') || !dig(s[2]) || !dig(s[3]) ||
        !dig(s[4]) || !dig(s[5]))
      return -1;
    int oh = (s[2] - '0') * 10 + (s[3] - '0'), om = (s[4] - '0') * 10 + (s[5] - '0');
    if (oh > 23 || om > 59) return 0;
    off = (oh * 60 + om) * 60;
    if (s[1] == '-') off = -off;
  }
  static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day < 1 || day > mdays[mon] || hh > 23 || mi > 59 || ss > 59 || year < 1) return 0;
  if (mon == 2 && day == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 0;
  int64_t secs = days_from_civil(year, (unsigned)mon, day) * 86400 + hh * 3600 + mi * 60 + ss - off;
  *us = secs * 1000000 + frac;
  return 1;
}

/* ------------------------------------------------------------------------
 * Line parser
 * ---------------------------------------------------------------------- */

static inline int is_sp(uint8_t c) { return c == ' ' || c == '\t'; }

static inline span mk(const uint8_t *a, const uint8_t *b, uint8_t esc) {
  span v = {a, (uint32_t)(b - a), esc};
  return v;
}

static inline int is_dash(span v) { return v.n == 1 && v.p[0] == '-'; }

static inline void add(rec *r, const char *key, uint32_t klen, span v) {
  field *f = &r->f[r->nf++];
  f->key = key; f->klen = klen; f->idx = 0; f->v = v;
}
#define ADD(r, k, v) add((r), (k), (uint32_t)(sizeof(k) - 1), (v))

/* Finds the closing quote of a quoted field whose content starts at p;
 * a quote preceded by an odd number of backslashes is escaped. Sets *esc
 * when the content holds a backslash. NULL if unterminated. */
static const uint8_t *close_quote(const uint8_t *p, const uint8_t *e, uint8_t *esc) {
  const uint8_t *q = p;
  *esc = 0;
  for (;;) {
    const uint8_t *r = memchr(q, '"', (size_t)(e - q));
    if (!r) return NULL;
    const uint8_t *b = r;
    while (b > p && b[-1] == '\\') b--;
    if (((r - b) & 1) == 0) {
      if (!*esc && memchr(p, '\\', (size_t)(r - p))) *esc = 1;
      return r;
    }
    *esc = 1;
    q = r + 1;
  }
}

/* ` ddd` followed by a space or the end, at p (p points at the space). */
static inline int status_at(const uint8_t *p, const uint8_t *e) {
  return e - p >= 4 && p[0] == ' ' && dig(p[1]) && dig(p[2]) && dig(p[3]) && (e - p == 4 || is_sp(p[4]));
}

static inline int method_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Splits the request line into method, path and protocol fields. */
static void split_request(rec *r, span req) {
  if (req.n == 0 || is_dash(req)) return;
  const uint8_t *s = req.p, *e = req.p + req.n;
  const uint8_t *sp1 = memchr(s, ' ', req.n);
  if (!sp1 || sp1 == s || sp1 - s > 32) return;
  for (const uint8_t *c = s; c < sp1; c++)
    if (!method_char(*c)) return;
  ADD(r, "method", mk(s, sp1, 0));
  const uint8_t *ps = sp1 + 1, *pe = e;
  const uint8_t *last = e;
  while (last > ps && last[-1] != ' ') last--;
  if (last > ps && e - last >= 5 && memcmp(last, "HTTP/", 5) == 0) {
    pe = last - 1;
    while (pe > ps && pe[-1] == ' ') pe--;
    if (pe > ps) ADD(r, "path", mk(ps, pe, req.esc));
    ADD(r, "protocol", mk(last, e, 0));
  } else if (e > ps) {
    ADD(r, "path", mk(ps, e, req.esc));
  }
}

static int fail(rec *r, const char *reason) {
  r->reason = reason;
  r->nf = 0;
  r->has_time = 0;
  return 0;
}

/* Parses one non-blank line (no line terminator, trimmed). Returns 1 when it
 * is an access-log line, 0 with r->reason set when it is malformed. */
static int parse_line(const uint8_t *s, uint64_t n, rec *r) {
  const uint8_t *p = s, *e = s + n;
  r->reason = NULL; r->has_time = 0; r->time_us = 0; r->nf = 0; r->sev = LM_SEV_INFO;

  /* [vhost:port] remote_addr ident remote_user '[' */
  span tok[4];
  int nt = 0;
  for (;;) {
    if (p < e && *p == '[') break;
    if (nt == 4) return fail(r, "expected \"[\" before the timestamp");
    const uint8_t *t = p;
    while (p < e && *p != ' ') p++;
    if (p == t || p >= e) return fail(r, "expected \"[\" before the timestamp");
    tok[nt++] = mk(t, p, 0);
    p++;
  }
  if (nt < 3) return fail(r, "expected \"[\" before the timestamp");

  /* [stamp] */
  const uint8_t *lim = e - p > 64 ? p + 64 : e;
  const uint8_t *rb = memchr(p, ']', (size_t)(lim - p));
  if (!rb) return fail(r, "expected \"]\" after the timestamp");
  int ts = parse_stamp(p + 1, (uint64_t)(rb - p - 1), &r->time_us);
  if (ts < 0) return fail(r, "invalid timestamp (expected dd/Mon/yyyy:hh:mm:ss +hhmm)");
  r->has_time = ts;
  p = rb + 1;

  /* "request" */
  if (p >= e || *p != ' ') return fail(r, "expected a quoted request line after the timestamp");
  while (p < e && *p == ' ') p++;
  if (p >= e || *p != '"') return fail(r, "expected a quoted request line after the timestamp");
  p++;
  uint8_t esc;
  const uint8_t *rq = close_quote(p, e, &esc);
  if (!rq) return fail(r, "unterminated quoted request line");
  if (!status_at(rq + 1, e)) {
    /* Old nginx versions wrote quotes in the request unescaped: look for a
     * later quote that is followed by a status. */
    const uint8_t *q = rq + 1, *found = NULL;
    while (q < e && (q = memchr(q, '"', (size_t)(e - q))) != NULL) {
      if (status_at(q + 1, e)) { found = q; break; }
      q++;
    }
    if (!found) return fail(r, "expected a 3-digit status after the request line");
    rq = found;
    esc = memchr(p, '\\', (size_t)(rq - p)) != NULL;
  }
  span req = mk(p, rq, esc);
  p = rq + 2;
  span status = mk(p, p + 3, 0);
  p += 3;

  /* bytes */
  while (p < e && is_sp(*p)) p++;
  const uint8_t *bs = p;
  while (p < e && !is_sp(*p)) p++;
  span bytes = mk(bs, p, 0);
  if (bytes.n == 0) return fail(r, "expected the response size after the status");
  if (!is_dash(bytes))
    for (uint32_t i = 0; i < bytes.n; i++)
      if (!dig(bytes.p[i])) return fail(r, "expected the response size after the status");

  /* Fields in a fixed order: identity first, then request, then the rest. */
  if (nt == 4) ADD(r, "vhost", tok[0]);
  span *id = &tok[nt - 3];
  ADD(r, "remote_addr", id[0]);
  if (!is_dash(id[1])) ADD(r, "ident", id[1]);
  if (!is_dash(id[2])) ADD(r, "remote_user", id[2]);
  split_request(r, req);
  ADD(r, "status", status);
  if (!is_dash(bytes)) ADD(r, "bytes", bytes);

  /* "referer" "user_agent" extra... */
  int k = 0;            /* index of the trailing token */
  int quoted_prefix = 1; /* all tokens so far were quoted */
  uint32_t nextra = 0;
  for (;;) {
    while (p < e && is_sp(*p)) p++;
    if (p >= e) break;
    if (nextra == MAX_EXTRA - 1 && k >= 2) {
      field *f = &r->f[r->nf++];
      f->key = NULL; f->klen = 0; f->idx = ++nextra; f->v = mk(p, e, 0);
      break;
    }
    span v;
    int quoted = *p == '"';
    if (quoted) {
      const uint8_t *q = close_quote(p + 1, e, &esc);
      if (!q) return fail(r, "unterminated quoted field after the response size");
      v = mk(p + 1, q, esc);
      p = q + 1;
    } else {
      const uint8_t *t = p;
      while (p < e && !is_sp(*p)) p++;
      v = mk(t, p, 0);
    }
    if (!quoted) quoted_prefix = 0;
    if (k < 2 && quoted_prefix) {
      if (v.n && !is_dash(v)) {
        if (k == 0) ADD(r, "referer", v);
        else ADD(r, "user_agent", v);
      }
    } else {
      if (k < 2) k = 2; /* a bare token ends the referer/user agent part */
      field *f = &r->f[r->nf++];
      f->key = NULL; f->klen = 0; f->idx = ++nextra; f->v = v;
    }
    k++;
  }

  r->sevtext = status;
  r->msg = req;
  r->sev = status.p[0] == '5' ? LM_SEV_ERROR : status.p[0] == '4' ? LM_SEV_WARN : LM_SEV_INFO;
  return 1;
}

/* ------------------------------------------------------------------------
 * Record output
 * ---------------------------------------------------------------------- */

/* `raw` of a malformed record: at most RAW_MAX bytes, cut on a character. */
static span raw_span(const uint8_t *s, uint64_t n) {
  if (n > RAW_MAX) {
    n = RAW_MAX;
    while (n > 0 && (s[n] & 0xC0) == 0x80 && RAW_MAX - n < 3) n--;
  }
  span v = {s, (uint32_t)n, 0};
  return v;
}

static uint64_t record_size(const rec *r, int sanitize, span raw) {
  int sm = sanitize ? M_SANITIZE : 0;
  if (r->reason) return LM_RECORD_HEADER + 4 + 4 + strlen(r->reason) + 4 + 3 + 4 + out_len(raw.p, raw.n, sm);
  uint64_t size = LM_RECORD_HEADER + 4 + r->sevtext.n + 4 + out_len(r->msg.p, r->msg.n, span_mode(r->msg, sanitize));
  for (uint32_t i = 0; i < r->nf; i++) {
    const field *f = &r->f[i];
    size += 8 + (f->key ? f->klen : 5 + ndigits(f->idx));
    size += out_len(f->v.p, f->v.n, span_mode(f->v, sanitize));
  }
  return size;
}

/* Writes one record of `size` bytes (record_size), which the caller checked fits
 * (lm_record_fits): every write below succeeds. */
static void write_record(lm_batch *b, const rec *r, int sanitize, span raw, uint64_t line, uint64_t offset) {
  if (r->reason) {
    lm_record_begin(b, LM_SEV_UNKNOWN, LM_REC_MALFORMED, 0, line, offset);
    lm_record_str(b, "", 0);
    lm_record_str(b, r->reason, strlen(r->reason));
    lm_record_key(b, "raw", 3);
    emit(b, raw.p, raw.n, sanitize ? M_SANITIZE : 0);
  } else {
    lm_record_begin(b, r->sev, r->has_time ? LM_REC_HAS_TIME : 0, r->time_us, line, offset);
    lm_record_str(b, (const char *)r->sevtext.p, r->sevtext.n);
    emit(b, r->msg.p, r->msg.n, span_mode(r->msg, sanitize));
    for (uint32_t i = 0; i < r->nf; i++) {
      const field *f = &r->f[i];
      if (f->key) {
        lm_record_key(b, f->key, f->klen);
      } else {
        char key[16];
        int klen = snprintf(key, sizeof key, "extra%u", (unsigned)f->idx);
        lm_record_key(b, key, (uint64_t)klen);
      }
      emit(b, f->v.p, f->v.n, span_mode(f->v, sanitize));
    }
  }
  lm_record_end(b);
}

/* Trims spaces, tabs and a trailing CR; skips a UTF-8 BOM at stream start. */
static inline void trim(const uint8_t **s, uint64_t *n, int first) {
  const uint8_t *a = *s, *e = *s + *n;
  if (first && e - a >= 3 && a[0] == 0xEF && a[1] == 0xBB && a[2] == 0xBF) a += 3;
  while (e > a && (e[-1] == '\r' || is_sp(e[-1]))) e--;
  while (a < e && is_sp(*a)) a++;
  *s = a; *n = (uint64_t)(e - a);
}

/* ------------------------------------------------------------------------
 * Exports
 * ---------------------------------------------------------------------- */

EXPORT int32_t LogmillAbiVersion(void) { return LOGMILL_ABI_VERSION; }

EXPORT logmill_processor *NewProcessor(void) {
  logmill_processor *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->line = 1;
  return p;
}

EXPORT const char *ProcessorName(logmill_processor *p) {
  (void)p;
  return "access";
}

EXPORT const char *ProcessorLastError(logmill_processor *p) {
  if (!p) return "out of memory";
  return p->err;
}

EXPORT void ProcessorFree(logmill_processor *p) { free(p); }

EXPORT const char *ProcessorExtensions(logmill_processor *p) {
  (void)p;
  return ""; /* access logs are *.log: content detection routes them */
}

EXPORT const char *ProcessorAbout(logmill_processor *p) {
  (void)p;
  return ABOUT;
}

EXPORT int32_t ProcessorConfigure(logmill_processor *p, const char *key, const char *value) {
  (void)value;
  if (!p) return 1;
  p->err[0] = 0;
  if (key && strcmp(key, "tz") == 0) return 0; /* stamps carry their own offset */
  snprintf(p->err, sizeof p->err, "unknown option \"%.200s\"",
           key ? key : "");
  return 1;
}

EXPORT int64_t ProcessorParse(logmill_processor *p, const uint8_t *input, int64_t input_len,
                              int32_t eof, uint8_t *out, int64_t out_cap) {
  if (!p) return LOGMILL_PARSE_ERROR;
  p->err[0] = 0;
  if (!out || out_cap < LM_BATCH_HEADER) {
    snprintf(p->err, sizeof p->err, "output buffer of %lld bytes is smaller than a batch header",
             (long long)out_cap);
    return LOGMILL_PARSE_ERROR;
  }
  if (input_len < 0 || (input_len > 0 && !input)) input_len = 0;

  lm_batch b;
  lm_batch_begin(&b, out, out_cap);
  field fields[MAX_FIELDS];
  rec r;
  r.f = fields;
  const uint64_t len = (uint64_t)input_len, line0 = p->line;
  uint64_t pos = 0;

  while (pos < len) {
    const uint8_t *s = input + pos;
    const uint8_t *nl = memchr(s, '\n', (size_t)(len - pos));
    uint64_t n, next;
    if (nl) { n = (uint64_t)(nl - s); next = pos + n + 1; }
    else if (eof) { n = len - pos; next = len; }
    else break; /* incomplete line: wait for more input */

    trim(&s, &n, p->line == 1);
    if (n == 0) { pos = next; p->line++; continue; } /* blank line */

    parse_line(s, n, &r);
    int sanitize = !utf8_valid(s, n);
    span raw = r.reason ? raw_span(s, n) : (span){0, 0, 0};
    uint64_t size = record_size(&r, sanitize, raw);
    if (!lm_record_fits(&b, size)) {
      if (b.count == 0) {
        p->line = line0; /* nothing consumed: the next call starts over */
        lm_batch_need(&b, size);
        return LOGMILL_PARSE_NEED_SPACE;
      }
      break; /* batch full: logmill calls again with the rest */
    }
    write_record(&b, &r, sanitize, raw, p->line, pos);
    pos = next;
    p->line++;
  }
  lm_batch_end(&b);
  return (int64_t)pos;
}

EXPORT int32_t ProcessorDetect(logmill_processor *p, const uint8_t *head, int64_t head_len) {
  (void)p;
  if (!head || head_len <= 0) return 0;
  field fields[MAX_FIELDS];
  rec r;
  r.f = fields;
  const uint64_t len = (uint64_t)head_len;
  uint64_t pos = 0;
  int total = 0, matched = 0;
  while (pos < len && total < DETECT_LINES) {
    const uint8_t *s = head + pos;
    const uint8_t *nl = memchr(s, '\n', (size_t)(len - pos));
    uint64_t n;
    if (nl) n = (uint64_t)(nl - s);
    else if (total == 0) n = len - pos; /* a one-line head: judge the partial line */
    else break;
    pos += n + 1;
    trim(&s, &n, s == head);
    if (n == 0) continue;
    total++;
    parse_line(s, n, &r);
    if (!r.reason && r.has_time) matched++;
  }
  return (matched > 0 && matched * 2 > total) ? 95 : 0;
}

/* Detection as data (ProcessorDetectRules): Detect scores a head only when a
 * line has a bracketed access-log stamp ([23/Nov/2026:05:54:40 ...), so a
 * head without one scores 0 and logmill routes it without starting this
 * plugin's worker. */
EXPORT const char *ProcessorDetectRules(logmill_processor *p) {
  (void)p;
  return "pattern=\\[[0-9]{1,2}/[A-Za-z]{3}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}";
}

/* The status code and the response size are numbers: `logmill parse` writes
 * them as JSON numbers and `logmill sql` stores them so (a "-" size is not
 * emitted; any other value that is not a number stays text). */
EXPORT const char *ProcessorFieldKinds(logmill_processor *p) {
  (void)p;
  return "status=integer\nbytes=integer";
}

/* Every line is a record, so a range of the file starts after its first
 * newline: logmill can split a large access log across workers. */
EXPORT int64_t ProcessorResync(logmill_processor *p, const uint8_t *data, int64_t data_len) {
  (void)p;
  if (!data || data_len <= 1) return -1;
  const uint8_t *nl = memchr(data, '\n', (size_t)data_len);
  if (!nl || nl + 1 >= data + data_len) return -1;
  return (int64_t)(nl + 1 - data);
}

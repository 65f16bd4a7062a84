/*
 * logmill_time.h — timestamp parsing for C plugins, per contract/TIMESTAMPS.md:
 * the same shapes and the same answers as the Go SDK's logmill.ParseTime and
 * the Rust crate's logmill::parse_time, tested against the same vectors
 * (contract/testdata/timestamps.json).
 *
 * Header-only; include it in the C file that needs it. No allocation while
 * parsing; lm_zone_parse allocates the transitions of an IANA zone (read
 * from the system's TZif files, /usr/share/zoneinfo or $ZONEINFO), released
 * by lm_zone_free. Usage:
 *
 *     lm_zone zone = LM_ZONE_UTC;           // in the processor handle
 *     // ProcessorConfigure(p, "tz", value):
 *     char why[128];
 *     if (lm_zone_parse(&p->zone, value, why, sizeof why) != 0) { ... refuse, why says it ... }
 *     // in ProcessorParse:
 *     int64_t us;
 *     if (lm_parse_time(text, text_len, &p->zone, &us)) { flags |= LM_REC_HAS_TIME; time_us = us; }
 *     // ProcessorFree: lm_zone_free(&p->zone);
 *
 * Every function returns 1 and sets *us (microseconds since the Unix epoch,
 * UTC) when the text is a timestamp, else 0. Past the last transition of a
 * zone file the last offset holds (tzdata "fat" files go to 2037).
 */
#ifndef LOGMILL_TIME_H
#define LOGMILL_TIME_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  int32_t fixed;     /* seconds east of UTC, when ntrans < 0 */
  int32_t ntrans;    /* -1: a fixed offset; else the transitions below */
  int32_t ntypes;
  int64_t *trans;    /* ntrans instants */
  uint8_t *kinds;    /* ntrans indexes into offsets */
  int32_t *offsets;  /* ntypes offsets */
  uint8_t *isdst;    /* ntypes flags */
} lm_zone;

#define LM_ZONE_UTC {0, -1, 0, NULL, NULL, NULL, NULL}

static inline void lm_zone_free(lm_zone *z) {
  free(z->trans); free(z->kinds); free(z->offsets); free(z->isdst);
  z->fixed = 0; z->ntrans = -1; z->ntypes = 0; z->trans = NULL; z->kinds = NULL; z->offsets = NULL; z->isdst = NULL;
}

static inline uint32_t lm__be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static inline uint64_t lm__be64(const uint8_t *p) { return (uint64_t)lm__be32(p) << 32 | lm__be32(p + 4); }

/* Reads a TZif file's data (version 1, or the 64-bit block of 2+). 0 on success. */
static inline int lm__tzif(lm_zone *z, const uint8_t *b, size_t len) {
  if (len < 44 || memcmp(b, "TZif", 4) != 0) return -1;
  size_t c[6];
  for (int i = 0; i < 6; i++) c[i] = lm__be32(b + 20 + 4 * i);
  size_t v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  int wide = 0;
  if (b[4] >= '2' && len > 44 + v1) { b += 44 + v1; len -= 44 + v1; wide = 1; }
  if (len < 44 || memcmp(b, "TZif", 4) != 0) return -1;
  for (int i = 0; i < 6; i++) c[i] = lm__be32(b + 20 + 4 * i);
  size_t timecnt = c[3], typecnt = c[4], tsize = wide ? 8 : 4, p = 44;
  if (typecnt == 0 || len < p + timecnt * (tsize + 1) + typecnt * 6) return -1;
  z->trans = malloc(timecnt * sizeof *z->trans + 1);
  z->kinds = malloc(timecnt + 1);
  z->offsets = malloc(typecnt * sizeof *z->offsets);
  z->isdst = malloc(typecnt);
  if (!z->trans || !z->kinds || !z->offsets || !z->isdst) { lm_zone_free(z); return -1; }
  for (size_t i = 0; i < timecnt; i++)
    z->trans[i] = wide ? (int64_t)lm__be64(b + p + i * 8) : (int64_t)(int32_t)lm__be32(b + p + i * 4);
  p += timecnt * tsize;
  memcpy(z->kinds, b + p, timecnt);
  p += timecnt;
  for (size_t i = 0; i < typecnt; i++) {
    z->offsets[i] = (int32_t)lm__be32(b + p + i * 6);
    z->isdst[i] = b[p + i * 6 + 4];
  }
  for (size_t i = 0; i < timecnt; i++) if (z->kinds[i] >= typecnt) { lm_zone_free(z); return -1; }
  z->ntrans = (int32_t)timecnt; z->ntypes = (int32_t)typecnt;
  return 0;
}

/* err = head + v + tail, cut to errlen (by hand: snprintf's truncation warnings break -Werror builds). */
static inline int lm__zone_err(char *err, size_t errlen, const char *head, const char *v, const char *tail) {
  if (!err || !errlen) return -1;
  size_t k = 0;
  const char *parts[3] = {head, v, tail};
  for (int i = 0; i < 3; i++)
    for (const char *c = parts[i]; *c && k + 1 < errlen; c++) err[k++] = *c;
  err[k] = 0;
  return -1;
}
#define LM__UNKNOWN_TZ "unknown tz \"", value, "\" (want an IANA zone name, UTC, local or ±hh:mm)"

/* Parses the `tz` option like the Go SDK: "", UTC, GMT, Z, local, ±hh[:mm],
 * ±hhmm, UTC±h, or an IANA name. 0 on success; -1 with the reason in err. */
static inline int lm_zone_parse(lm_zone *z, const char *value, char *err, size_t errlen) {
  char s[256];
  while (*value == ' ' || *value == '\t') value++;
  size_t n = strlen(value);
  while (n && (value[n - 1] == ' ' || value[n - 1] == '\t')) n--;
  if (n >= sizeof s) return lm__zone_err(err, errlen, LM__UNKNOWN_TZ);
  memcpy(s, value, n); s[n] = 0;
  lm_zone fresh = LM_ZONE_UTC;
  const char *lower[] = {"", "utc", "z", "gmt"};
  for (int i = 0; i < 4; i++) {
    if (strlen(lower[i]) == n) {
      size_t k = 0;
      while (k < n && (s[k] | 0x20) == lower[i][k]) k++;
      if (k == n) { lm_zone_free(z); *z = fresh; return 0; }
    }
  }
  const char *off = s;
  if (n >= 3 && (((s[0] | 0x20) == 'u' && (s[1] | 0x20) == 't' && (s[2] | 0x20) == 'c') ||
                 ((s[0] | 0x20) == 'g' && (s[1] | 0x20) == 'm' && (s[2] | 0x20) == 't')))
    off = s + 3;
  if (*off == '+' || *off == '-') {
    int sign = *off == '-' ? -1 : 1;
    const char *body = off + 1, *colon = strchr(body, ':');
    char hs[8] = {0}, ms[8] = "0";
    size_t bl = strlen(body);
    if (colon) {
      if ((size_t)(colon - body) >= sizeof hs || strlen(colon + 1) >= sizeof ms) goto bad_offset;
      memcpy(hs, body, (size_t)(colon - body)); strcpy(ms, colon + 1);
    } else if (bl == 4) {
      memcpy(hs, body, 2); memcpy(ms, body + 2, 2); ms[2] = 0;
    } else {
      if (bl >= sizeof hs) goto bad_offset;
      strcpy(hs, body);
    }
    size_t hl = strlen(hs), ml = strlen(ms);
    if (hl == 0 || hl > 2 || ml == 0) goto bad_offset;
    int hh = 0, mm = 0;
    for (size_t k = 0; k < hl; k++) { if (hs[k] < '0' || hs[k] > '9') goto bad_offset; hh = hh * 10 + hs[k] - '0'; }
    for (size_t k = 0; k < ml; k++) { if (ms[k] < '0' || ms[k] > '9' || mm > 59) goto bad_offset; mm = mm * 10 + ms[k] - '0'; }
    if (hh > 23 || mm > 59) goto bad_offset;
    lm_zone_free(z);
    *z = fresh;
    z->fixed = sign * (hh * 3600 + mm * 60);
    return 0;
  bad_offset:
    return lm__zone_err(err, errlen, "bad tz offset \"", value, "\" (want ±hh:mm)");
  }
  char path[512];
  int is_local = n == 5 && (s[0] | 0x20) == 'l' && (s[1] | 0x20) == 'o' && (s[2] | 0x20) == 'c' && (s[3] | 0x20) == 'a' && (s[4] | 0x20) == 'l';
  if (is_local) {
    const char *tz = getenv("TZ");
    if (tz && *tz) {
      if (*tz == ':') tz++;
      if (lm_zone_parse(&fresh, tz, NULL, 0) == 0) { lm_zone_free(z); *z = fresh; return 0; }
    }
    snprintf(path, sizeof path, "/etc/localtime");
  } else {
    if (s[0] == '/' || strstr(s, "..")) return lm__zone_err(err, errlen, LM__UNKNOWN_TZ);
    const char *dir = getenv("ZONEINFO");
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", s);
  }
  FILE *f = fopen(path, "rb");
  uint8_t buf[1 << 16];
  size_t len = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f) fclose(f);
  if (!f || lm__tzif(&fresh, buf, len) != 0) {
    if (is_local) { lm_zone_free(z); *z = fresh; return 0; } /* no zone file: UTC */
    return lm__zone_err(err, errlen, LM__UNKNOWN_TZ);
  }
  lm_zone_free(z);
  *z = fresh;
  return 0;
}

/* The offset at `at` and the period [*start, *end) it holds for, like Go's Location.lookup. */
static inline int32_t lm__lookup(const lm_zone *z, int64_t at, int64_t *start, int64_t *end) {
  *start = INT64_MIN; *end = INT64_MAX;
  if (!z || z->ntrans < 0) return z ? z->fixed : 0;
  if (z->ntrans == 0 || at < z->trans[0]) {
    int32_t first = z->offsets[0];
    for (int32_t i = 0; i < z->ntypes; i++) if (!z->isdst[i]) { first = z->offsets[i]; break; }
    if (z->ntrans > 0) *end = z->trans[0];
    return first;
  }
  int32_t lo = 0, hi = z->ntrans - 1; /* the last transition <= at */
  while (lo < hi) { int32_t mid = (lo + hi + 1) / 2; if (z->trans[mid] <= at) lo = mid; else hi = mid - 1; }
  *start = z->trans[lo];
  if (lo + 1 < z->ntrans) *end = z->trans[lo + 1];
  return z->offsets[z->kinds[lo]];
}

/* The instant of a civil time read in the zone (`local` = its seconds as if UTC), choosing like Go's time.Date. */
static inline int64_t lm__local_to_unix(const lm_zone *z, int64_t local) {
  int64_t start, end;
  int32_t offset = lm__lookup(z, local, &start, &end);
  if (offset != 0 && z && z->ntrans >= 0) {
    int64_t utc = local - offset;
    if (utc < start || utc >= end) offset = lm__lookup(z, utc, &start, &end);
  }
  return local - offset;
}

typedef struct {
  int64_t year, month, day, hour, min, sec, us, offset;
  int has_zone;
} lm__stamp;

#define LM__NO_YEAR (-(1LL << 30))

static inline int lm__digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline int lm__letter(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline int lm__space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static inline int lm__digits(const uint8_t *s, size_t n, size_t i, size_t k, int64_t *v) {
  if (i + k > n) return 0;
  int64_t x = 0;
  for (size_t j = i; j < i + k; j++) { if (!lm__digit(s[j])) return 0; x = x * 10 + (s[j] - '0'); }
  *v = x;
  return 1;
}

static inline int lm__leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
static inline int64_t lm__days_in(int64_t m, int64_t y) {
  if (m == 2) return lm__leap(y) ? 29 : 28;
  return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}
static inline int64_t lm__floordiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Days since 1970-01-01 (Howard Hinnant's algorithm). */
static inline int64_t lm__days_from_civil(int64_t y, int64_t m, int64_t d) {
  if (m <= 2) y--;
  int64_t era = lm__floordiv(y, 400), yoe = y - era * 400;
  int64_t doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static inline int64_t lm__civil_year(int64_t local) {
  int64_t z = lm__floordiv(local, 86400) + 719468, era = lm__floordiv(z, 146097), doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2);
}

static inline int64_t lm__to_us(const lm__stamp *st, const lm_zone *z) {
  int64_t local = lm__days_from_civil(st->year, st->month, st->day) * 86400 + st->hour * 3600 + st->min * 60 + st->sec;
  int64_t secs = st->has_zone ? local - st->offset : lm__local_to_unix(z, local);
  return secs * 1000000 + st->us;
}

static inline int64_t lm__month(const uint8_t *m) {
  static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  for (int i = 0; i < 12; i++)
    if ((m[0] | 0x20) == names[3 * i] && (m[1] | 0x20) == names[3 * i + 1] && (m[2] | 0x20) == names[3 * i + 2]) return i + 1;
  return 0;
}

static inline int lm__weekday(const uint8_t *w) {
  static const char names[] = "montuewedthufrisatsun";
  for (int i = 0; i < 7; i++)
    if ((w[0] | 0x20) == names[3 * i] && (w[1] | 0x20) == names[3 * i + 1] && (w[2] | 0x20) == names[3 * i + 2]) return 1;
  return 0;
}

/* The 1 to 9 digits of a fraction of a second at s[i]; the index after them, or 0. */
static inline size_t lm__frac(const uint8_t *s, size_t n, size_t i, lm__stamp *st) {
  int k = 0;
  int64_t f = 0;
  while (i < n && lm__digit(s[i])) {
    if (k >= 9) return 0;
    if (k < 6) f = f * 10 + (s[i] - '0');
    k++; i++;
  }
  if (k == 0) return 0;
  for (; k < 6; k++) f *= 10;
  st->us = f;
  return i;
}

/* hh:mm[:ss][.frac] at s[i]; the index after it, or 0. */
static inline size_t lm__clock(const uint8_t *s, size_t n, size_t i, lm__stamp *st, int sec_optional) {
  if (!lm__digits(s, n, i, 2, &st->hour) || i + 2 >= n || s[i + 2] != ':') return 0;
  if (!lm__digits(s, n, i + 3, 2, &st->min)) return 0;
  i += 5;
  if (i < n && s[i] == ':') {
    if (!lm__digits(s, n, i + 1, 2, &st->sec)) return 0;
    i += 3;
  } else if (!sec_optional) {
    return 0;
  }
  if (i + 1 < n && (s[i] == '.' || s[i] == ',') && lm__digit(s[i + 1])) return lm__frac(s, n, i + 1, st);
  return i;
}

static inline int lm__abbrev(const uint8_t *z, size_t n, int64_t *off) {
  static const struct { const char *name; int h; } table[] = {
    {"Z", 0}, {"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"WET", 0}, {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
    {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}, {"CET", 1}, {"WEST", 1}, {"BST", 1}, {"CEST", 2},
    {"EET", 2}, {"EEST", 3}, {"JST", 9},
  };
  if (n < 1 || n > 4) return 0;
  for (size_t i = 0; i < n; i++) if (!lm__letter(z[i])) return 0;
  for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
    if (strlen(table[t].name) != n) continue;
    size_t i = 0;
    while (i < n && (z[i] & ~0x20) == table[t].name[i]) i++;
    if (i == n) { *off = table[t].h * 3600; return 1; }
  }
  return 0;
}

/* An optional zone that ends the text, optionally after one space. */
static inline int lm__zone(const uint8_t *s, size_t n, size_t i, lm__stamp *st) {
  if (i == n) return 1;
  if (s[i] == ' ' && ++i == n) return 0;
  uint8_t c = s[i];
  if (c == '+' || c == '-') {
    int64_t h, m = 0;
    if (!lm__digits(s, n, i + 1, 2, &h)) return 0;
    size_t j = i + 3;
    if (j == n) {
    } else if (s[j] == ':' && j + 3 == n) {
      if (!lm__digits(s, n, j + 1, 2, &m)) return 0;
    } else if (j + 2 == n) {
      if (!lm__digits(s, n, j, 2, &m)) return 0;
    } else {
      return 0;
    }
    if (h > 23 || m > 59) return 0;
    st->offset = (c == '-' ? -1 : 1) * (h * 3600 + m * 60);
    st->has_zone = 1;
    return 1;
  }
  if (!lm__abbrev(s + i, n - i, &st->offset)) return 0;
  st->has_zone = 1;
  return 1;
}

/* The day of a syslog or ctime stamp at s[i]: the index after its space, or 0. */
static inline size_t lm__day(const uint8_t *s, size_t n, size_t i, lm__stamp *st) {
  if (i < n && s[i] == ' ') i++;
  int64_t d = 0;
  int k = 0;
  while (i < n && lm__digit(s[i]) && k < 2) { d = d * 10 + (s[i] - '0'); i++; k++; }
  if (k == 0 || i >= n || s[i] != ' ') return 0;
  st->day = d;
  return i + 1;
}

static inline int lm__parse(const uint8_t *s, size_t n, lm__stamp *st) {
  uint8_t c = s[0];
  size_t i;
  if (lm__digit(c) && n >= 10 && (s[4] == '-' || s[4] == '/')) { /* ISO 8601, or with slashes */
    uint8_t sep = s[4];
    if (!lm__digits(s, n, 0, 4, &st->year) || !lm__digits(s, n, 5, 2, &st->month) || s[7] != sep) return 0;
    if (!lm__digits(s, n, 8, 2, &st->day)) return 0;
    if (n < 16 || (s[10] != 'T' && s[10] != ' ' && s[10] != 't')) return 0;
    if (!(i = lm__clock(s, n, 11, st, sep == '-'))) return 0;
    return lm__zone(s, n, i, st);
  }
  if (lm__digit(c) && n >= 11 && s[2] == '/') { /* DD/Mon/YYYY:hh:mm:ss[ zone] */
    if (!lm__digits(s, n, 0, 2, &st->day) || n < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':') return 0;
    if (!(st->month = lm__month(s + 3)) || !lm__digits(s, n, 7, 4, &st->year)) return 0;
    if (!(i = lm__clock(s, n, 12, st, 0))) return 0;
    return lm__zone(s, n, i, st);
  }
  if (lm__letter(c) && n >= 23 && s[3] == ' ' && s[7] == ' ' && lm__weekday(s)) { /* ctime */
    if (!(st->month = lm__month(s + 4)) || !(i = lm__day(s, n, 8, st)) || !(i = lm__clock(s, n, i, st, 0))) return 0;
    if (i + 5 != n || s[i] != ' ') return 0;
    return lm__digits(s, n, i + 1, 4, &st->year);
  }
  if (lm__letter(c)) { /* syslog: no year, no zone */
    if (n < 14 || s[3] != ' ' || !(st->month = lm__month(s)) || !(i = lm__day(s, n, 4, st))) return 0;
    if (lm__clock(s, n, i, st, 0) != n) return 0;
    st->year = LM__NO_YEAR;
    return 1;
  }
  return 0;
}

/* lm_parse_time with `ref_us` as the reference instant for the year of
 * syslog stamps: the year that puts the stamp closest before it, allowing up
 * to one day in the future. */
static inline int lm_parse_time_ref(const uint8_t *s, size_t n, const lm_zone *z, int64_t ref_us, int64_t *us) {
  while (n && lm__space(s[0])) { s++; n--; }
  while (n && lm__space(s[n - 1])) n--;
  if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
    s++; n -= 2;
    while (n && lm__space(s[0])) { s++; n--; }
    while (n && lm__space(s[n - 1])) n--;
  }
  if (n < 8) return 0;
  lm__stamp st = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (!lm__parse(s, n, &st)) return 0;
  if (st.hour > 23 || st.min > 59 || st.sec > 59 || st.month < 1 || st.month > 12 || st.day < 1) return 0;
  if (st.year != LM__NO_YEAR) {
    if (st.day > lm__days_in(st.month, st.year)) return 0;
    *us = lm__to_us(&st, z);
    return 1;
  }
  int64_t limit = ref_us + 86400LL * 1000000, ref_s = lm__floordiv(ref_us, 1000000), a, b;
  int64_t y0 = lm__civil_year(ref_s + lm__lookup(z, ref_s, &a, &b));
  for (int64_t y = y0 + 1; y >= y0 - 1; y--) {
    if (st.day > lm__days_in(st.month, y)) continue;
    st.year = y;
    int64_t t = lm__to_us(&st, z);
    if (t <= limit) { *us = t; return 1; }
  }
  for (int64_t y = y0 - 2; y >= y0 - 8; y--) { /* Feb 29 with no leap year nearby */
    if (st.day <= lm__days_in(st.month, y)) { st.year = y; *us = lm__to_us(&st, z); return 1; }
  }
  return 0;
}

/* A timestamp in one of the shapes of TIMESTAMPS.md (not bare epoch numbers:
 * see lm_parse_epoch). `z` is the zone for stamps without one (NULL = UTC).
 * Syslog stamps take their year from the current time. */
static inline int lm_parse_time(const uint8_t *s, size_t n, const lm_zone *z, int64_t *us) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return lm_parse_time_ref(s, n, z, (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000, us);
}

/* A bare epoch number with an optional fraction; the unit follows the
 * magnitude: below 10^11 seconds, 10^14 milliseconds, 10^17 microseconds,
 * else nanoseconds. */
static inline int lm_parse_epoch(const uint8_t *s, size_t n, int64_t *us) {
  while (n && lm__space(s[0])) { s++; n--; }
  while (n && lm__space(s[n - 1])) n--;
  size_t i = 0;
  uint64_t v = 0;
  while (i < n && lm__digit(s[i])) {
    if (i >= 19) return 0;
    v = v * 10 + (uint64_t)(s[i] - '0');
    i++;
  }
  if (i == 0) return 0;
  int64_t frac = 0;
  if (i < n) {
    if (s[i] != '.' || i + 1 >= n) return 0;
    i++;
    int k = 0;
    while (i < n && lm__digit(s[i])) {
      if (k < 9) { frac = frac * 10 + (s[i] - '0'); k++; }
      i++;
    }
    if (i != n) return 0;
    for (; k < 9; k++) frac *= 10;
  }
  if (v > (uint64_t)INT64_MAX) return 0;
  int64_t iv = (int64_t)v;
  if (v < 100000000000ULL) *us = iv * 1000000 + frac / 1000;
  else if (v < 100000000000000ULL) *us = iv * 1000 + frac / 1000000;
  else if (v < 100000000000000000ULL) *us = iv + frac / 1000000000;
  else *us = iv / 1000;
  return 1;
}

/* The value of a field known to hold a time: lm_parse_time, then lm_parse_epoch. */
static inline int lm_parse_time_field(const uint8_t *s, size_t n, const lm_zone *z, int64_t *us) {
  return lm_parse_time(s, n, z, us) || lm_parse_epoch(s, n, us);
}

#endif /* LOGMILL_TIME_H */

/*
 * patternKeyOfBytes (app/analysis/patterns.ts) for every message of a record
 * batch (contract/BATCH.md) in one call: the worker calls it once per batch a
 * plugin wrote, through app/plugins/native.ts, so a record whose pattern is
 * already known costs no JavaScript scan.
 *
 * This is a port of the TypeScript scanner, decision for decision, with the
 * same hash: a key from here equals the key patterns.ts computes for the same
 * message (test/unit/pattern-keys-native.test.ts checks it on generated and
 * real messages). Where the TypeScript scanner would need its regular
 * expression (an IPv6 candidate) or reads the string (a pattern input with a
 * byte >= 0x80), the key is -1 and the host computes it in TypeScript.
 *
 * Built by `npm run build` (app/build/bundle.mjs) into dist/native/; without
 * it the host scans every message in TypeScript, with the same answers.
 */
#include <stdint.h>
#include <string.h>

#define MAX_PATTERN_INPUT 300
#define BATCH_MAGIC 0x31424d4cu
#define BATCH_HEADER 16
#define RECORD_HEADER 32

enum { M_DATE, M_TIME, M_UUID, M_IP, M_HEX, M_STR, M_NUM };
static const char *const MASK_TEXT[] = {"<date>", "<time>", "<uuid>", "<ip>", "<hex>", "", "<num>"};

enum { C_HEX = 2, C_WORD = 4, C_LETTER = 8, C_CAND = 16 };
static uint8_t CLASS[256];
static int class_ready = 0;

static void init_class(void) {
  for (int c = 48; c <= 57; c++) CLASS[c] = C_HEX | C_WORD | C_CAND;
  for (int c = 65; c <= 90; c++) {
    int hex = c <= 70 ? C_HEX | C_CAND : 0;
    CLASS[c] = hex | C_WORD | C_LETTER;
    CLASS[c + 32] = hex | C_WORD | C_LETTER;
  }
  CLASS[95] = C_WORD;
  CLASS[58] = C_CAND;
  CLASS[34] = C_CAND;
  CLASS[39] = C_CAND;
  class_ready = 1;
}

/* The pattern input: U[from, to), -1 ("no character") around it and past it. */
#define PAD 48
typedef struct {
  int32_t u[MAX_PATTERN_INPUT + 2 * PAD];
  int from, to;
  int32_t spans[3 * MAX_PATTERN_INPUT];
  int nspans;
  int fallback; /* an IPv6 candidate: the TypeScript scanner decides */
} Scan;

static inline int cls(int32_t c) { return c < 0 ? 0 : CLASS[c & 0xff]; }
static inline int is_digit(int32_t c) { return (uint32_t)(c - 48) < 10; }
static inline int is_hex(int32_t c) { return (cls(c) & C_HEX) != 0; }
static inline int is_word(int32_t c) { return (cls(c) & C_WORD) != 0; }
static inline int is_letter(int32_t c) { return (cls(c) & C_LETTER) != 0; }

/* loadAscii: 0 when a byte of the pattern input is not ASCII. */
static int load_ascii(Scan *s, const uint8_t *buf, uint32_t length) {
  int n = length < MAX_PATTERN_INPUT ? (int)length : MAX_PATTERN_INPUT;
  int32_t *u = s->u + PAD - 1; /* u[1] is the first byte, as in patterns.ts */
  for (int j = 0; j < n; j++) {
    uint8_t b = buf[j];
    if (b == 10) {
      n = j;
      break;
    }
    if (b >= 0x80) return 0;
    u[j + 1] = b;
  }
  int from = 1, to = n + 1;
  while (from < to && (u[from] == 32 || (u[from] >= 9 && u[from] <= 13))) from++;
  while (to > from && (u[to - 1] == 32 || (u[to - 1] >= 9 && u[to - 1] <= 13))) to--;
  u[from - 1] = -1;
  for (int k = 0; k < PAD; k++) u[to + k] = -1;
  s->from = from + PAD - 1;
  s->to = to + PAD - 1;
  return 1;
}

static int time_end(const int32_t *u, int i) {
  int j = i + 1;
  if (is_digit(u[j])) j++;
  if (u[j] != 58 || !is_digit(u[j + 1]) || !is_digit(u[j + 2]) || u[j + 3] != 58 || !is_digit(u[j + 4]) || !is_digit(u[j + 5])) return -1;
  j += 6;
  int32_t sep = u[j];
  if ((sep == 46 || sep == 44) && is_digit(u[j + 1])) {
    int k = j + 1;
    while (is_digit(u[k])) k++;
    if (k - j - 1 <= 9 && u[k] != 58) return k;
    return j;
  }
  return is_digit(sep) || sep == 58 ? -1 : j;
}

static int hex_run(const int32_t *u, int i, int n) {
  for (int k = 0; k < n; k++)
    if (!is_hex(u[i + k])) return 0;
  return 1;
}

static int uuid_end(const int32_t *u, int i) {
  if (!hex_run(u, i, 8) || u[i + 8] != 45 || !hex_run(u, i + 9, 4) || u[i + 13] != 45 || !hex_run(u, i + 14, 4)
      || u[i + 18] != 45 || !hex_run(u, i + 19, 4) || u[i + 23] != 45 || !hex_run(u, i + 24, 12)) return -1;
  return is_word(u[i + 36]) ? -1 : i + 36;
}

static int ipv4_end(const int32_t *u, int i) {
  int j = i;
  for (int octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (u[j] != 46) return -1;
      j++;
    }
    int from = j;
    while (is_digit(u[j])) j++;
    if (j == from || j - from > 3) return -1;
  }
  if (u[j] == 58 && is_digit(u[j + 1])) {
    int k = j + 1;
    while (is_digit(u[k])) k++;
    if (!is_word(u[k])) return k;
  }
  return is_word(u[j]) ? -1 : j;
}

static int ipv6_candidate(const int32_t *u, int i) {
  int colons = 0, dbl = 0;
  for (int j = i;; j++) {
    int32_t c = u[j];
    if (c == 58) {
      colons++;
      if (u[j + 1] == 58) dbl = 1;
    } else if (!is_hex(c)) return dbl || colons >= 3;
  }
}

static int hex_end(const int32_t *u, int i) {
  if (u[i] == 48 && u[i + 1] == 120 && is_hex(u[i + 2])) {
    int j = i + 2;
    while (is_hex(u[j])) j++;
    if (!is_word(u[j])) return j;
  }
  int j = i, digit = 0, letter = 0;
  for (int32_t c = u[j]; is_hex(c); c = u[++j]) {
    if (is_digit(c)) digit = 1;
    else letter = 1;
  }
  return j - i >= 8 && digit && letter && !is_word(u[j]) ? j : -1;
}

static int quoted_end(const int32_t *u, int i, int32_t q) {
  for (int j = i + 1;;) {
    int32_t c = u[j];
    if (c < 0) return -1;
    if (c == q) return j + 1;
    if (c == 92) {
      int32_t n = u[j + 1];
      if (n < 0 || n == 10 || n == 13) return -1;
      j += 2;
    } else j++;
  }
}

static int number_end(const int32_t *u, int i) {
  int j = i;
  while (is_digit(u[j])) j++;
  int last_sep = -1;
  while ((u[j] == 46 || u[j] == 44 || u[j] == 58) && is_digit(u[j + 1])) {
    last_sep = j;
    j += 2;
    while (is_digit(u[j])) j++;
  }
  int q = j;
  while (is_letter(u[q])) q++;
  if (!is_word(u[q])) return j;
  return last_sep;
}

/* scan() of patterns.ts; sets s->fallback at an IPv6 candidate it cannot decide. */
static void scan(Scan *s) {
  const int32_t *u = s->u;
  int end = s->to, spans = 0, i = s->from;
  while (i < end) {
    int32_t c = u[i];
    int k = cls(c);
    if ((k & C_CAND) == 0) {
      i++;
      continue;
    }
    int32_t prev = u[i - 1];
    int kp = cls(prev);
    int digit = is_digit(c);
    if ((kp & C_WORD) && (k & C_WORD) && (!digit || is_digit(prev))) {
      i++;
      continue;
    }
    int word_start = (kp & C_WORD) == 0 && (k & C_WORD) != 0;
    int kind = -1, to = -1;
    if (word_start && digit && is_digit(u[i + 1]) && is_digit(u[i + 2]) && is_digit(u[i + 3])) {
      int32_t sep = u[i + 4];
      if ((sep == 45 || sep == 47) && is_digit(u[i + 5]) && is_digit(u[i + 6]) && u[i + 7] == sep
          && is_digit(u[i + 8]) && is_digit(u[i + 9]) && !is_digit(u[i + 10])) {
        kind = M_DATE;
        to = i + 10;
      }
    }
    if (kind < 0 && digit && !is_digit(prev) && prev != 58 && prev != 46) {
      to = time_end(u, i);
      if (to >= 0) kind = M_TIME;
    }
    if (kind < 0 && word_start) {
      to = uuid_end(u, i);
      if (to >= 0) kind = M_UUID;
    }
    if (kind < 0 && word_start && digit) {
      to = ipv4_end(u, i);
      if (to >= 0) kind = M_IP;
    }
    if (kind < 0 && (kp & C_WORD) == 0 && prev != 58 && c != 34 && c != 39 && ipv6_candidate(u, i)) {
      s->fallback = 1;
      return;
    }
    if (kind < 0 && word_start) {
      to = hex_end(u, i);
      if (to >= 0) kind = M_HEX;
    }
    if (kind < 0 && (c == 34 || c == 39)) {
      to = quoted_end(u, i, c);
      if (to >= 0) kind = M_STR;
    }
    if (kind < 0 && word_start && digit) {
      to = number_end(u, i);
      if (to >= 0) kind = M_NUM;
    }
    if (kind < 0) {
      i++;
      continue;
    }
    s->spans[spans] = kind;
    s->spans[spans + 1] = i;
    s->spans[spans + 2] = to;
    spans += 3;
    i = to;
  }
  s->nspans = spans;
}

#define MIX(c)                                        \
  do {                                                \
    uint32_t ch = (uint32_t)(c);                      \
    h1 = (h1 ^ ch) * 0x01000193u;                     \
    h2 = ((h2 ^ ch) * 0x5bd1e995u) ^ (h2 >> 15);      \
  } while (0)

/* hashScan() of patterns.ts. */
static double hash_scan(const Scan *s) {
  const int32_t *u = s->u;
  uint32_t h1 = 0x811c9dc5u, h2 = 0x9747b28cu;
  int lit = s->from;
  for (int k = 0; k <= s->nspans; k += 3) {
    int last = k == s->nspans;
    int from = last ? s->to : s->spans[k + 1];
    for (int j = lit; j < from; j++) MIX(u[j]);
    if (last) break;
    int kind = s->spans[k];
    if (kind == M_STR) {
      int32_t q = u[from];
      MIX(q);
      MIX(0x2026);
      MIX(q);
    } else {
      for (const char *t = MASK_TEXT[kind]; *t; t++) MIX(*t);
    }
    lit = s->spans[k + 2];
  }
  return (double)(((uint64_t)h1 << 21) + (h2 >> 11));
}

static inline uint32_t u32(const uint8_t *b) {
  return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

/*
 * Writes keys[i] for record i of the batch in buf[0, length): its message's
 * pattern key, or -1 when TypeScript must compute it (not ASCII, an IPv6
 * candidate, a record whose bounds do not check: the host's decoder reports
 * those). Returns the number of keys written (the batch's record count, at
 * most max_keys), or -1 when buf holds no batch.
 */
int64_t LogmillPatternKeys(const uint8_t *buf, int64_t length, double *keys, int64_t max_keys) {
  static Scan s;
  if (!class_ready) init_class();
  if (length < BATCH_HEADER || u32(buf) != BATCH_MAGIC) return -1;
  uint32_t count = u32(buf + 4);
  uint64_t end = u32(buf + 8);
  if (end > (uint64_t)length) end = (uint64_t)length;
  if ((int64_t)count > max_keys) count = (uint32_t)max_keys;
  uint64_t pos = BATCH_HEADER;
  for (uint32_t i = 0; i < count; i++) {
    keys[i] = -1;
    if (pos + RECORD_HEADER > end) continue;
    uint32_t rlen = u32(buf + pos);
    uint64_t rend = pos + rlen;
    if (rlen < RECORD_HEADER || rend > end) {
      pos = end; /* the decoder stops here with an error */
      continue;
    }
    uint64_t p = pos + RECORD_HEADER;
    pos = rend;
    if (p + 4 > rend) continue;
    p += 4 + (uint64_t)u32(buf + p); /* severity_text */
    if (p + 4 > rend) continue;
    uint32_t n = u32(buf + p);
    p += 4;
    if (p + n > rend) continue;
    if (!load_ascii(&s, buf + p, n)) continue;
    s.fallback = 0;
    scan(&s);
    if (!s.fallback) keys[i] = hash_scan(&s);
  }
  return count;
}

/*
 * The same for `count` messages written back to back in text: message i is
 * text[ends[i - 1], ends[i]) (ends[-1] = 0). Keys as LogmillPatternKeys.
 */
void LogmillPatternKeysPacked(const uint8_t *text, const uint32_t *ends, int64_t count, double *keys) {
  static Scan s;
  if (!class_ready) init_class();
  uint32_t from = 0;
  for (int64_t i = 0; i < count; i++) {
    uint32_t to = ends[i];
    keys[i] = -1;
    if (to >= from && load_ascii(&s, text + from, to - from)) {
      s.fallback = 0;
      scan(&s);
      if (!s.fallback) keys[i] = hash_scan(&s);
    }
    from = to;
  }
}

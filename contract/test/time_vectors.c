/*
 * Runs logmill_time.h on timestamp vectors given on stdin, one per line:
 *   text TAB tz TAB ref TAB epoch(0|1)
 * and prints one line per vector: the instant as 2026-11-23T05:54:40.208000Z,
 * "-" for no timestamp, or "!tz: reason" when the zone is refused.
 * test/integration/contract.test.ts feeds it contract/testdata/timestamps.json,
 * the vectors the Go SDK and the Rust crate are tested against.
 *   build: gcc -Wall -Wextra -Werror -I contract -o time_vectors contract/test/time_vectors.c
 */
#include "logmill_time.h"

static void print_us(int64_t us) {
  int64_t secs = lm__floordiv(us, 1000000), micros = us - secs * 1000000;
  int64_t days = lm__floordiv(secs, 86400), sod = secs - days * 86400;
  int64_t z = days + 719468, era = lm__floordiv(z, 146097), doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2);
  printf("%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ\n", (long long)y, (long long)m, (long long)d,
         (long long)(sod / 3600), (long long)(sod % 3600 / 60), (long long)(sod % 60), (long long)micros);
}

int main(void) {
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    char *fields[4] = {line, "", "", "0"};
    for (int i = 1; i < 4; i++) {
      char *tab = strchr(fields[i - 1], '\t');
      if (!tab) break;
      *tab = 0;
      fields[i] = tab + 1;
    }
    lm_zone zone = LM_ZONE_UTC;
    char why[256];
    if (lm_zone_parse(&zone, fields[1], why, sizeof why) != 0) {
      printf("!tz: %s\n", why);
      continue;
    }
    int64_t ref = 0, us = 0;
    const char *ref_text = *fields[2] ? fields[2] : "2026-11-23T12:00:00Z";
    if (!lm_parse_time_ref((const uint8_t *)ref_text, strlen(ref_text), NULL, 0, &ref)) {
      printf("!ref: %s\n", ref_text);
      continue;
    }
    const uint8_t *text = (const uint8_t *)fields[0];
    size_t n = strlen(fields[0]);
    int ok = fields[3][0] == '1' ? lm_parse_time_field(text, n, &zone, &us) : lm_parse_time_ref(text, n, &zone, ref, &us);
    if (ok) print_us(us);
    else printf("-\n");
    lm_zone_free(&zone);
  }
  return 0;
}

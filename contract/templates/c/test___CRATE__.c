/* The unit test of __NAME__.c: every line of sample.log is a record (one of
 * them malformed), and at eof everything is consumed. `make test` also runs
 * `logmill plugins check`. */
#include <stdio.h>

#include "__NAME__.c"

int main(void) {
  static uint8_t sample[1 << 16], out[1 << 20];
  FILE *f = fopen("sample.log", "rb");
  if (!f) { perror("sample.log"); return 1; }
  int64_t len = (int64_t)fread(sample, 1, sizeof sample, f);
  fclose(f);
  logmill_processor *p = NewProcessor();
  int64_t n = ProcessorParse(p, sample, len, 1, out, sizeof out);
  uint32_t records = (uint32_t)out[4] | (uint32_t)out[5] << 8 | (uint32_t)out[6] << 16 | (uint32_t)out[7] << 24;
  ProcessorFree(p);
  if (n != len || records != 6) {
    fprintf(stderr, "FAIL: consumed %lld of %lld bytes, %u records (want 6)\n", (long long)n, (long long)len, records);
    return 1;
  }
  printf("ok: %u records\n", records);
  return 0;
}

/**
 * `logmill plugins check FILE --sample LOG` against real plugins on real
 * logs (the bundled ones must pass on the bundled samples) and against the
 * mistakes a new plugin author makes (test/fixtures/plugins/kit_*.c, from
 * ../shared/reviews/new-user-walkthrough.md): each passes the load-time
 * check and must fail here with a hint that says what to fix.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

const SAMPLE = 'ERROR disk full\nINFO all good\n\nWARN slow\nDEBUG last one\n';

async function checkSample(name: string, sample = SAMPLE, extra: string[] = []) {
  const dir = fixturePluginDir([name]);
  const cwd = path.dirname(dir);
  writeFileSync(path.join(cwd, 'sample.log'), sample);
  return logmill(['plugins', 'check', `plugins/${name}.so`, '--sample', 'sample.log', ...extra], { cwd });
}

describe('logmill plugins check --sample', () => {
  it.each([
    ['access', 'nginx-access.log'],
    ['csv', 'orders.csv'],
    ['csv', 'postgresql.csv'],
    ['xml', 'java-app.xml'],
  ])('passes the bundled %s plugin on logs-samples/%s, finding the records analyze counts', async (plugin, sample) => {
    const file = path.join(REPO, 'logs-samples', sample);
    const res = await logmill(['plugins', 'check', path.join(REPO, 'plugins', `${plugin}.so`), '--sample', file, '-o', 'json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.ok).toBe(true);
    expect(out.failures).toEqual([]);
    expect(out.sample.feedings.length).toBeGreaterThanOrEqual(6);
    expect(out.detect).toBeGreaterThan(1);
    const analyzed = JSON.parse((await logmill(['analyze', '-o', 'json', '--plugins', path.join(REPO, 'plugins'), '-f', plugin, file])).stdout);
    expect(out.records.filter((r: { malformed: boolean }) => !r.malformed)).toHaveLength(analyzed.files[0].records);
    expect(out.records.filter((r: { malformed: boolean }) => r.malformed)).toHaveLength(analyzed.files[0].malformed ?? 0);
  });

  it('checks every split point of a plugin with ProcessorResync (access)', async () => {
    const res = await logmill(['plugins', 'check', path.join(REPO, 'plugins/access.so'), '--sample', path.join(REPO, 'logs-samples/nginx-access.log')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/fed 7 ways, the same records every way\n/);
    expect(res.stdout).toMatch(/resync: \d+ split points tried\n/);
    expect(res.stdout).toMatch(/detect: scores \d+ on this sample/);
    expect(res.stdout).toMatch(/ +1 @0 +2026-11-23T05:54:40\.000000Z info +GET \/ HTTP\/1\.1/);
  });

  it('passes a good plugin and lists its records', async () => {
    const res = await checkSample('good_upper');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('records: 4\n');
    expect(res.stdout).toContain('detect: no (no ProcessorDetect, or the rule "none")');
    expect(res.stdout).toMatch(/ +4 @31 +- +warn +WARN slow\n/);
  });

  it('catches a plugin that never consumes the last unterminated line (the walkthrough\'s Go mistake)', async () => {
    const res = await checkSample('kit_no_eof');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('logmill: plugin "plugins/kit_no_eof.so" (kit_no_eof) failed its check on "sample.log": parsing the sample fed as the sample without its final newline (the last line unterminated at end of input) failed\n'
      + 'DETAIL: left 14 bytes unconsumed at end of input');
    expect(res.stderr).toContain('HINT: With eof=1, ProcessorParse must consume everything: parse the last record even without its newline');
  });

  it('catches a record_length without the 32-byte header (the walkthrough\'s Rust mistake)', async () => {
    const res = await checkSample('kit_bad_length');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('DETAIL: malformed record batch: record 1 has length 28, outside the batch (a plugin bug)');
    expect(res.stderr).toContain('HINT: record_length (bytes 0-3 of each record) is the whole record: its 32-byte header, plus 4 + the length of each string');
    // One failure for one cause, however many feedings it broke.
    expect(res.stderr.match(/^logmill: /gm)).toHaveLength(1);
  });

  it('catches offsets counted from the start of the stream', async () => {
    const res = await checkSample('kit_stream_offset');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('fed as 1-byte chunks failed\nDETAIL: malformed record batch: record 1: record offset 16 is past the 14 bytes passed in');
    expect(res.stderr).toContain('HINT: A record\'s offset is where its first byte is, counted from the start of `input` in THIS call (BATCH.md), not from the start of the stream');
  });

  it('catches offsets that do not point at the record (all 0)', async () => {
    const res = await checkSample('kit_zero_offset');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('record 2 says it starts on line 2, but its offset 0 is on line 1\nDETAIL: the sample\'s line 2 starts at byte 16;');
    expect(res.stderr).toContain('HINT: A record\'s offset must be the byte where THAT record starts');
  });

  it('catches a ProcessorResync that names a byte inside a record', async () => {
    const res = await checkSample('kit_bad_resync');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/splitting the sample at byte \d+, where ProcessorResync says a record starts, gives other records\nDETAIL: record 1: the content differs/);
  });

  it('honours -o json, with the failures in the loader\'s headline/detail/hint shape', async () => {
    const res = await checkSample('kit_no_eof', SAMPLE, ['-o', 'json']);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout);
    expect(out.ok).toBe(false);
    expect(out.records).toHaveLength(4);
    expect(out.failures).toHaveLength(1);
    expect(out.failures[0]).toMatchObject({ file: 'plugins/kit_no_eof.so', headline: expect.stringContaining('without its final newline'), hint: expect.stringContaining('eof=1') });
  });

  it('-o json without --sample too, for a valid and a rejected plugin', async () => {
    const dir = fixturePluginDir(['good_upper', 'wrong_abi']);
    const ok = await logmill(['plugins', 'check', 'plugins/good_upper.so', '-o', 'json'], { cwd: path.dirname(dir) });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, plugin: { name: 'upper', extensions: ['upper'] } });
    const bad = await logmill(['plugins', 'check', 'plugins/wrong_abi.so', '-o', 'json'], { cwd: path.dirname(dir) });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).rejection).toMatchObject({ headline: 'incompatible plugin "plugins/wrong_abi.so": ABI version mismatch' });
  });

  it('fails a plugin that crashes on the sample, naming the signal', async () => {
    const res = await checkSample('crash_on_word', 'INFO fine\nPOISON now\n');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/crashed while parsing the sample "sample\.log"\nDETAIL: worker crashed with SIGSEGV/);
  });

  it('refuses a sample that cannot be read before starting any worker', async () => {
    const res = await logmill(['plugins', 'check', path.join(REPO, 'plugins/access.so'), '--sample', path.join(tempDir(), 'nope.log')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--sample .*nope\.log: no such file/);
  });
});

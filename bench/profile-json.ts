/**
 * Runs one `analyze` job of the built-in json processor in this process, for
 * a CPU profile of the JSON record path without worker processes:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile-json.js FILE [--parse-only] [--field NAME]
 *   node dist/bench/profile.js /tmp/prof/*.cpuprofile
 * `--parse-only` feeds the processor and drops its records (no summary): the
 * processor's own cost. Prints the wall time and MB/s.
 */
import fs from 'node:fs';
import { UTC } from '../contract/timestamps.js';
import type { LogRecord } from '../contract/processor.js';
import { jsonProcessor } from '../app/processors/json.js';
import { analyzeJob } from '../app/workers/analyze-job.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: profile-json.js FILE [--parse-only] [--field NAME]');
const fieldAt = args.indexOf('--field');
const fields = fieldAt >= 0 ? [args[fieldAt + 1]] : [];
const size = fs.statSync(file).size;
const settings = { zone: UTC, options: {}, chunkSize: 4 << 20, maxRecordBytes: 64 << 20 };
const started = process.hrtime.bigint();
let records = 0;
if (args.includes('--parse-only')) {
  const stream = jsonProcessor.open({ zone: UTC, options: {}, source: file });
  const fd = fs.openSync(file, 'r');
  let buf = Buffer.alloc(settings.chunkSize * 2);
  let pending = 0;
  const emit = (r: LogRecord) => { records++; if (fields.length > 0) void r.fields; };
  for (;;) {
    if (buf.length - pending < settings.chunkSize) {
      const bigger = Buffer.alloc(buf.length * 2);
      buf.copy(bigger, 0, 0, pending);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, pending, settings.chunkSize, null);
    if (n === 0) break;
    pending += n;
    const consumed = stream.parse(buf.subarray(0, pending), false, emit);
    buf.copyWithin(0, consumed, pending);
    pending -= consumed;
  }
  stream.parse(buf.subarray(0, pending), true, emit);
  fs.closeSync(fd);
} else {
  const done = await analyzeJob(1, {
    mode: 'analyze', input: { kind: 'file', path: file, name: file, explicit: true }, readAs: { encoding: 'plain', size },
    processor: 'json', settings, filter: {}, fields,
  }, jsonProcessor, () => {});
  records = done.report.records;
}
const s = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage();
process.stdout.write(`${records} records, ${s.toFixed(2)} s, ${(size / 1e6 / s).toFixed(1)} MB/s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s\n`);

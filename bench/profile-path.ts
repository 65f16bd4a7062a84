/**
 * The analyze record path of one worker, in this process, for a CPU profile:
 * analyzeJob (app/workers/analyze-job.ts) on one file with the text
 * processor, or with a plugin loaded the way a worker loads it (trust check,
 * then loader). No worker process, no IPC: what a profile shows is the
 * record path.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile-path.js FILE [PROCESSOR] [PLUGIN.so]
 *   node dist/bench/profile.js /tmp/prof/*.cpuprofile
 * PROCESSOR is a built-in's name (default text) or the plugin's; prints the
 * wall and CPU time (the machine may be shared: CPU time is the steadier) and the record count.
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import { UTC } from '../contract/timestamps.js';
import type { Processor } from '../contract/processor.js';
import { builtinProcessor } from '../app/processors/registry.js';
import { analyzeJob } from '../app/workers/analyze-job.js';
import type { Job } from '../app/workers/protocol.js';

const [file, name = 'text', pluginFile] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-path.js FILE [PROCESSOR] [PLUGIN.so]\n');
  process.exit(2);
}

async function processorFor(): Promise<Processor> {
  if (!pluginFile) {
    const p = builtinProcessor(name);
    if (!p) throw new Error(`no built-in processor "${name}"`);
    return p;
  }
  const { checkTrust } = await import('../app/plugins/trust.js');
  const { loadPlugin } = await import('../app/plugins/loader.js');
  return loadPlugin(pluginFile, checkTrust(pluginFile, true));
}

const processor = await processorFor();
const job: Job = {
  mode: 'analyze',
  input: { kind: 'file', path: file, name: path.basename(file), explicit: true },
  readAs: { encoding: 'plain', size: statSync(file).size },
  processor: processor.name,
  settings: { zone: UTC, options: {}, chunkSize: 4 << 20, maxRecordBytes: 64 << 20 },
  filter: {},
  fields: [],
};
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
// As a worker runs a large job: string messages keyed by the C scanner (LOGMILL_NO_KEYER=1: in TypeScript).
const keyer = process.env.LOGMILL_NO_KEYER === '1' ? null : (await import('../app/plugins/native.js')).patternKeysLibrary();
const done = await analyzeJob(1, job, processor, () => {}, keyer);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const mb = job.readAs.size / 1e6;
process.stdout.write(`${processor.name}: ${done.report.records} records, ${done.summary?.patterns.size} patterns, ${ms.toFixed(0)} ms (cpu ${cpuMs.toFixed(0)} ms), ${(mb / (ms / 1000)).toFixed(1)} MB/s${done.report.error ? `, error: ${done.report.error}` : ''}\n`);

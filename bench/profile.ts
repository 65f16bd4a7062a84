/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the
 * most self time, and the most total (inclusive) time.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/app/cli.js analyze --output json FILE > /dev/null
 *   node dist/bench/profile.js /tmp/prof/*.cpuprofile [TOP]
 */
import fs from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
const [file, topText] = process.argv.slice(2);
const top = Number(topText ?? 15);
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map<number, number>();
prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const label = (n: Node) => {
  const f = n.callFrame;
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};
const self = new Map<string, number>();
const total = new Map<string, number>();
for (const [id, us] of selfUs) {
  self.set(label(byId.get(id)!), (self.get(label(byId.get(id)!)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + us);
  }
}
const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`${title} (of ${(all / 1e6).toFixed(2)} s sampled)\n`);
  for (const [l, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${((us / all) * 100).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${l}\n`);
  }
};
show('self time', self);
show('total time', total);

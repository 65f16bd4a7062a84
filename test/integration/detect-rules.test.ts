/**
 * Detection as data (ProcessorDetectRules, contract/logmill.h): a plugin
 * whose rules rule a head out is not asked, so routing a file it cannot be
 * starts no worker for it; one whose rules do not parse is rejected. The
 * fixture detect_rules counts every load of its library in a file, so these
 * tests see whether any process loaded it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { detectGate } from '../../app/plugins/detect-rules.js';

function loadsOf(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

describe('detect rules', () => {
  it('routes a head the rules rule out without loading the plugin, and asks it about one they allow', async () => {
    const dir = fixturePluginDir(['detect_rules']);
    const work = tempDir();
    const loads = path.join(work, 'loads');
    const env = { XDG_CACHE_HOME: path.join(work, 'cache'), LOGMILL_FIXTURE_LOADS: loads };
    const plain = path.join(work, 'app.log');
    const marked = path.join(work, 'marked.log');
    writeFileSync(plain, '2026-11-23T00:00:00Z INFO hello\n2026-11-23T00:00:01Z ERROR bad thing 42\n');
    writeFileSync(marked, 'MARK one\nMARK two\n');

    // The first run checks the plugin (one load) and remembers what it declared.
    const listed = await logmill(['plugins', '--plugins', dir], { env });
    expect(listed.code).toBe(0);
    expect(loadsOf(loads)).toBeGreaterThan(0);
    rmSync(loads);

    const text = await logmill(['analyze', '--plugins', dir, '--output', 'json', plain], { env });
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout).files[0].format).toBe('text');
    expect(loadsOf(loads)).toBe(0);

    const ours = await logmill(['analyze', '--plugins', dir, '--output', 'json', marked], { env });
    expect(ours.code).toBe(0);
    const input = JSON.parse(ours.stdout).files[0];
    expect(input.format).toBe('detect_rules');
    expect(input.reason).toBe('by content: detect_rules scored 90');
    expect(loadsOf(loads)).toBeGreaterThan(0);
  });

  it('a Go plugin without Detect is never loaded to route a file it does not claim by extension (rule "none")', async () => {
    const dir = fixturePluginDir(['go_nodetect']);
    const work = tempDir();
    const loads = path.join(work, 'loads');
    const env = { XDG_CACHE_HOME: path.join(work, 'cache'), LOGMILL_FIXTURE_LOADS: loads };
    const listed = await logmill(['plugins', 'check', path.join(dir, 'go_nodetect.so')], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('detect: no\n');
    expect(loadsOf(loads)).toBeGreaterThan(0);
    rmSync(loads);

    const plain = path.join(work, 'app.log');
    writeFileSync(plain, 'hello\nworld\n');
    const text = await logmill(['analyze', '--plugins', dir, '--output', 'json', plain], { env });
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout).files[0].format).toBe('text');
    expect(loadsOf(loads)).toBe(0);

    // By extension it is used as before.
    const own = path.join(work, 'app.nodetect');
    writeFileSync(own, 'hello\nworld\n');
    const mine = await logmill(['analyze', '--plugins', dir, '--output', 'json', own], { env });
    expect(mine.code).toBe(0);
    expect(JSON.parse(mine.stdout).files[0]).toMatchObject({ format: 'go_nodetect', records: 2 });
  });

  it('rejects a plugin whose rules do not parse, naming the rule', async () => {
    const dir = fixturePluginDir(['bad_rules']);
    const res = await logmill(['plugins', 'check', 'plugins/bad_rules.so'], { cwd: path.dirname(dir) });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`logmill: plugin "plugins/bad_rules.so" (bad_rules) declares detect rules logmill cannot read
DETAIL: detect rule "pattern=([a-z]": Invalid regular expression: /([a-z]/: Unterminated group
HINT: ProcessorDetectRules returns lines magic=HEX or pattern=REGEX, or "none" (contract/logmill.h); return "" to have every head scored by ProcessorDetect.\n`);
  });

  it('the bundled plugins rule out a plain text log: none of them is asked', async () => {
    const res = await logmill(['plugins', 'check', path.join(REPO, 'plugins', 'csv.so')]);
    expect(res.stdout).toContain('detect: yes (only heads matching: pattern=');
    for (const name of ['access', 'xml']) {
      const r = await logmill(['plugins', 'check', path.join(REPO, 'plugins', `${name}.so`)]);
      expect(r.stdout).toContain('detect: yes (only heads matching: pattern=');
    }
  });

  it("csv's rules, read as logmill reads them, rule out Python's and syslog's comma lines and keep tables", async () => {
    const res = await logmill(['plugins', 'check', path.join(REPO, 'plugins', 'csv.so')]);
    const listed = /only heads matching: (.*)\)\n/.exec(res.stdout);
    expect(listed).not.toBeNull();
    const gate = detectGate(listed![1].split(' | '));
    const heads: [string, boolean][] = [
      ['2026-11-25 20:43:13,459 INFO app: started\n2026-11-25 20:43:14,001 ERROR app: failed, retrying\n', false],
      ['Nov 26 01:00:00 host app[1]: a, b and c\n', false],
      ['time,level,message\n2026-11-23T05:54:40Z,INFO,a\n', true],
      ['\xef\xbb\xbf\r\nwhen;sev;note\n1;2;3\n', true],
      ['"quoted, first",b\n', true],
      ['2026-11-23 05:54:20.123 UTC,"postgres","db",42,"[local]",6565,1,"idle",2026-11-23 05:54:19 UTC,3/4,0,LOG,00000,"statement: select 1",,,,,,,,,"psql","client backend",,0\n', true],
    ];
    for (const [head, want] of heads) expect([head, gate(Buffer.from(head, 'latin1'))]).toEqual([head, want]);
  });
});

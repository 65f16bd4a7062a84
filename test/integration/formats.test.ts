/**
 * Format files through the real CLI: `logmill formats` listing and
 * checking, `--formats DIR`, analyze and parse routing to a format by
 * content and by file-pattern, a broken format warned about without
 * stopping the run, and `watch` picking up a format file dropped into its
 * formats directory. The log is written by Python's logging module in a
 * layout logmill does not know (test/fixtures/formats/make-shop.py).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { Watch } from '../helpers/watch.js';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'formats');
const SHOP = JSON.parse(readFileSync(path.join(FIXTURES, 'shop.json'), 'utf8'));

/** A directory with `formats/` holding the given files (name → JSON value or raw text) and `shop.applog`. */
function workspace(files: Record<string, unknown>): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'formats'));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, 'formats', name), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  copyFileSync(path.join(FIXTURES, 'shop.applog'), path.join(dir, 'shop.applog'));
  return dir;
}

const BROKEN = { broken: { ...SHOP.shop, sample: [{ line: '4242|shop.cart|25.11.2026 09:00:00|{INFO}| no milliseconds' }] } };
const BROKEN_MESSAGE = 'format "broken" ("formats/broken.json") failed its sample check: sample 1 does not parse\n'
  + 'DETAIL: sample: 4242|shop.cart|25.11.2026 09:00:00|{INFO}| no milliseconds\n'
  + '        reason: no pattern matches ("std" matches up to character 34 ("4242|shop.cart|25.11.2026 09:00:00"), then expects \\.\\d{3})\\|\\{(?<level>[A-Z]+)\\}\\| (?<body)\n'
  + 'HINT: Every "sample" must parse with the format\'s own patterns: fix the pattern or the sample (`logmill formats` checks again).';

describe('logmill formats', () => {
  it('lists the shipped formats, each checked by its samples', async () => {
    const res = await logmill(['formats', '-o', 'json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.rejected).toEqual([]);
    expect(out.formats.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['alb', 'elb', 's3', 'uwsgi', 'vdsm']));
    expect(out.formats.find((f: { name: string }) => f.name === 'alb')).toMatchObject({ file: path.join(REPO, 'plugins/formats/alb.json'), patterns: ['request'], multiline: false });
  });

  it('checks a directory given with --formats: a broken format is listed with its reason and the exit code is 1', async () => {
    const dir = workspace({ 'shop.json': SHOP, 'broken.json': BROKEN, 'bad.json': '{ "x": ' });
    const res = await logmill(['formats', '--formats', 'formats'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('Formats (from formats)\n  shop           formats/shop.json                content detection, 1 sample ok\n');
    expect(res.stdout).toContain(`Rejected\n  formats/bad.json\n    format file "formats/bad.json" is not valid JSON\n`);
    expect(res.stdout).toContain(`  formats/broken.json\n${BROKEN_MESSAGE.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
    const json = JSON.parse((await logmill(['formats', '--formats', 'formats', '-o', 'json'], { cwd: dir })).stdout);
    expect(json.formats.map((f: { name: string }) => f.name)).toEqual(['shop']);
    expect(json.rejected.find((r: { name: string }) => r.name === 'broken')).toMatchObject({ file: 'formats/broken.json', headline: BROKEN_MESSAGE.split('\n')[0] });
  });
});

describe('format files in analyze and parse', () => {
  it('reads a log in a layout only the format file knows: levels, times, tracebacks, fields', async () => {
    const dir = workspace({ 'shop.json': SHOP });
    const res = await logmill(['analyze', 'shop.applog', '--formats', 'formats', '-o', 'json'], { cwd: dir });
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.files[0]).toMatchObject({ format: 'shop', reason: 'by content: shop scored 77', records: 6, malformed: 0 });
    expect(report.severity).toMatchObject({ unknown: 0, debug: 1, info: 1, warn: 1, error: 2, fatal: 1 });
    expect(report.timeRange.untimed).toBe(0);

    const parsed = await logmill(['parse', 'shop.applog', '--formats', 'formats'], { cwd: dir });
    expect(parsed.code).toBe(0);
    const records = parsed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(6);
    expect(records[3]).toMatchObject({ severity: 'error', severity_text: 'ERROR', fields: { pid: expect.any(Number), logger: 'shop.cart' }, source: { line: 4 } });
    expect(records[3].message).toMatch(/^checkout failed for order A-77\nTraceback \(most recent call last\):\n[\s\S]*KeyError: 'sku-1001'$/);
    expect(records[3].ts).toMatch(/^2026-11-26T01:07:03\.\d{3}000Z$/);
  });

  it('reads apt\'s history.log (written by apt on this machine) with the shipped apt_history format: one record per run', async () => {
    const res = await logmill(['analyze', path.join(FIXTURES, 'apt', 'history.log'), '-o', 'json']);
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json.files[0]).toMatchObject({ format: 'apt_history', records: 4, malformed: 0 });
    expect(json.timeRange).toMatchObject({ first: '2025-06-24T14:36:25.000000Z', untimed: 0 });
  });

  it('routes by file-pattern before extensions and content, and --format takes a format\'s name', async () => {
    const dir = workspace({ 'shop.json': { shop: { ...SHOP.shop, 'file-pattern': '\\.applog$' } } });
    writeFileSync(path.join(dir, 'other.log'), readFileSync(path.join(dir, 'shop.applog')));
    const res = await logmill(['analyze', 'shop.applog', 'other.log', '--formats', 'formats', '-o', 'json'], { cwd: dir });
    const [byName, other] = JSON.parse(res.stdout).files;
    expect(byName).toMatchObject({ format: 'shop', reason: 'by file name: matches the file-pattern of format shop', records: 6 });
    // lnav's rule: a format with a file-pattern is only for files so named.
    expect(other.format).not.toBe('shop');
    const forced = JSON.parse((await logmill(['analyze', 'other.log', '--formats', 'formats', '--format', 'shop', '-o', 'json'], { cwd: dir })).stdout);
    expect(forced.files[0]).toMatchObject({ format: 'shop', reason: 'by --format', records: 6 });
  });

  it('warns about a rejected format file and goes on with the rest', async () => {
    const dir = workspace({ 'shop.json': SHOP, 'broken.json': BROKEN });
    const res = await logmill(['analyze', 'shop.applog', '--formats', 'formats', '-o', 'json'], { cwd: dir });
    expect(res.code).toBe(0);
    const [headline, sample, reason] = BROKEN_MESSAGE.split('\n');
    expect(res.stderr).toBe(`logmill: warning: ${headline}: ${sample.slice('DETAIL: '.length)}; ${reason.trim()} (see: logmill formats)\n`);
    expect(JSON.parse(res.stdout).files[0].format).toBe('shop');
  });
});

describe('a rejected format with a file-pattern', () => {
  it('fails the files it names instead of letting another processor read them (exit 1)', async () => {
    const dir = workspace({ 'broken.json': { broken: { ...BROKEN.broken, 'file-pattern': '\\.applog$' } } });
    const res = await logmill(['analyze', 'shop.applog', '--formats', 'formats', '-o', 'json'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).files[0]).toMatchObject({ format: null, records: 0 });
    expect(res.stderr).toContain(`logmill: shop.applog: no processor: the file-pattern of a rejected format names this file: ${BROKEN_MESSAGE.split('\n')[0]} (see: logmill formats)\n`);
  });
});

describe('the README', () => {
  it('shows a format file that works as shown, and `logmill formats` output as printed', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Format files'));
    const json = section.slice(section.indexOf('```json\n') + 8, section.indexOf('```', section.indexOf('```json\n') + 8));
    const shop = JSON.parse(json);
    const dir = workspace({ 'shop.json': json, 'broken.json': { broken: { ...shop.shop, sample: BROKEN.broken.sample } } });
    // The README's `parse` example, on the README's sample lines.
    writeFileSync(path.join(dir, 'shop.log'), shop.shop.sample.map((s: { line: string }) => s.line).join('\n') + '\n');
    const parseBlock = section.slice(section.indexOf('$ logmill parse shop.log'));
    const [command, expected] = parseBlock.split('\n');
    expect(command).toBe('$ logmill parse shop.log | head -1');
    const parsed = await logmill(['parse', 'shop.log', '--formats', 'formats'], { cwd: dir });
    expect(parsed.stdout.split('\n')[0]).toBe(expected);
    expect(parsed.stdout.trim().split('\n')).toHaveLength(2);

    const listing = readme.slice(readme.indexOf('$ logmill formats --formats formats\n'));
    const shown = listing.slice(listing.indexOf('\n') + 1, listing.indexOf('```'));
    const res = await logmill(['formats', '--formats', 'formats'], { cwd: dir });
    expect(res.stdout).toBe(shown);
    expect(res.code).toBe(1);
  });
});

describe('format files in watch', () => {
  const running: Watch[] = [];
  afterEach(() => {
    for (const w of running.splice(0)) w.kill();
  });

  it('reads a held file once a format file for it is dropped into the formats directory', async () => {
    const dir = workspace({});
    mkdirSync(path.join(dir, 'logs'));
    copyFileSync(path.join(FIXTURES, 'shop.applog'), path.join(dir, 'logs', 'shop.applog'));
    const w = new Watch(['logs', '--formats', 'formats'], dir);
    running.push(w);
    await w.until((e) => e.event === 'file-held' && e.file === 'logs/shop.applog');
    writeFileSync(path.join(dir, 'formats', 'broken.json'), JSON.stringify(BROKEN));
    await w.until((e) => e.event === 'format-rejected' && e.file === 'formats/broken.json');
    writeFileSync(path.join(dir, 'formats', 'shop.json'), JSON.stringify({ shop: { ...SHOP.shop, 'file-pattern': '\\.applog$' } }));
    await w.until((e) => e.event === 'format-loaded' && e.name === 'shop' && e.file === 'formats/shop.json');
    await w.until((e) => e.event === 'file-released' && e.file === 'logs/shop.applog' && e.format === 'shop');
    await w.summaryWith(6);
    writeFileSync(path.join(dir, 'formats', 'shop.json'), JSON.stringify({ shop: { ...SHOP.shop, title: 'changed', 'file-pattern': '\\.applog$' } }));
    await w.until((e) => e.event === 'format-replaced' && e.name === 'shop');
    rmSync(path.join(dir, 'formats', 'shop.json'));
    await w.until((e) => e.event === 'format-removed' && e.name === 'shop');
    const { code, final } = await w.stop();
    expect(code).toBe(0);
    expect(final).toMatchObject({ records: 6, malformed: 0, held: 0 });
    expect(final.severity).toMatchObject({ error: 2, fatal: 1, warn: 1 });
  });
});

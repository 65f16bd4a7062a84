/**
 * `analyze --output html` opened in a real browser (headless Chromium over
 * the DevTools Protocol, test/helpers/browser.ts): it renders with no
 * console error and asks for nothing over the network, text from logs that
 * looks like HTML stays text, and a screenshot is kept to look at
 * ($LOGMILL_SCREENSHOT_DIR, default test/screenshots/ in the checkout, ignored by git).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toHtml, type ReportJson } from '../../app/render/html.js';
import { visit } from '../helpers/browser.js';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

const SHOTS = process.env.LOGMILL_SCREENSHOT_DIR ?? path.join(REPO, 'test', 'screenshots');

const INJECTED = `<script>console.error("pwned")</script><img src=x onerror="console.error('img')"><img src="http://203.0.113.9/beacon.png">`;
const EVIL_FILE = '<b onmouseover=alert(1)>evil.log';

function fixture(): string {
  const dir = tempDir();
  const lines: string[] = [`2026-11-23 04:59:00 ERROR ${INJECTED}`];
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
  for (let i = 0; i < 240; i++) {
    const t = new Date(Date.UTC(2026, 10, 23, 5, 0, 0) + i * 37_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${t} ${levels[i % levels.length]} request ${i} served in ${i % 17} ms`);
  }
  writeFileSync(path.join(dir, 'app.log'), lines.join('\n') + '\n');
  writeFileSync(path.join(dir, 'api.ndjson'), [
    { time: '2026-11-23T05:10:00Z', level: 'info', msg: 'login', user: 'alice' },
    { time: '2026-11-23T05:20:00Z', level: 'warn', msg: 'slow', user: `"><svg onload=console.error(1)>` },
    { time: '2026-11-23T05:30:00Z', level: 'fatal', msg: INJECTED, user: 'alice' },
  ].map((o) => JSON.stringify(o)).join('\n') + '\n{"broken\n');
  writeFileSync(path.join(dir, EVIL_FILE), `2026-11-23 06:00:00 ERROR ${INJECTED}\n`);
  return dir;
}

async function check(file: string, shot: string) {
  const page = await visit(pathToFileURL(file).href, [
    'document.querySelectorAll("script, img, iframe, object, embed, link, svg [onload], [onerror], [onmouseover]").length',
    'document.body.innerText',
    '[...document.querySelectorAll("section")].map((s) => s.id)',
    'document.querySelectorAll("#time svg rect").length',
  ]);
  mkdirSync(SHOTS, { recursive: true });
  const png = path.join(SHOTS, shot);
  writeFileSync(png, page.screenshot);
  expect(page.screenshot.subarray(1, 4).toString()).toBe('PNG');
  expect(page.errors).toEqual([]);
  expect(page.requests).toEqual([]);
  return { elements: page.values[0] as number, text: page.values[1] as string, sections: page.values[2] as string[], bars: page.values[3] as number };
}

describe('analyze --output html, in headless Chromium', () => {
  it('renders every section, with no console error, no request, and log text that stays text', async () => {
    const dir = fixture();
    const res = await logmill(['analyze', '-o', 'html', '--field', 'user', 'app.log', 'api.ndjson', EVIL_FILE], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const file = path.join(dir, 'report.html');
    writeFileSync(file, res.stdout);
    const page = await check(file, 'analyze-html.png');
    expect(page.sections).toEqual(['overview', 'severity', 'time', 'files', 'patterns', 'fields', 'errors', 'malformed']);
    expect(page.elements).toBe(0);
    expect(page.text).toContain(INJECTED);
    expect(page.text).toContain(EVIL_FILE);
    expect(page.text).toContain(`"><svg onload=console.error(1)>`);
    expect(page.bars).toBeGreaterThan(10);
  });

  it('shows --count-by and --stats sections and stacks the chart by severity when the report has them', async () => {
    const stats = { field: 'ms', count: 240, min: 0, max: 16, mean: 7.9, p50: 8, p90: 15, p99: 16, nonNumeric: 1 };
    const report: ReportJson = {
      records: 6, malformed: 0, severity: { trace: 0, debug: 0, info: 3, notice: 0, warn: 2, error: 1, fatal: 0, unknown: 0 },
      timeRange: { first: '2026-11-23T05:00:00.000Z', last: '2026-11-23T05:02:00.000Z', untimed: 0 },
      files: [{ path: 'a.log', format: 'text', reason: null, records: 6, malformed: 0, bytes: 300, firstTime: null, lastTime: null, error: null, notes: [] }],
      histogram: { bucketSeconds: 60, buckets: [
        { start: '2026-11-23T05:00:00.000Z', count: 3, severity: { info: 2, warn: 1 } },
        { start: '2026-11-23T05:01:00.000Z', count: 0, severity: {} },
        { start: '2026-11-23T05:02:00.000Z', count: 3, severity: { info: 1, warn: 1, error: 1 } },
      ] },
      patterns: [], patternsDropped: 0, fields: {}, errors: [], malformedExamples: [],
      countBy: { fields: ['path', 'status'], groups: [{ values: ['/api', '500'], count: 4, stats }, { values: [INJECTED, '200'], count: 2 }], dropped: 3 },
      stats,
    };
    const file = path.join(tempDir(), 'synthetic.html');
    writeFileSync(file, toHtml(report));
    const page = await check(file, 'analyze-html-countby-stats.png');
    expect(page.sections).toEqual(['overview', 'severity', 'time', 'files', 'countBy', 'stats']);
    expect(page.bars).toBe(5); // 2 + 0 + 3 severity segments
    expect(page.elements).toBe(0);
    expect(page.text).toContain(INJECTED);
    expect(page.text).toMatch(/p99\s/);
  });
});

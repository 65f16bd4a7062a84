/**
 * Splitting XML logs across cores (plugins/xml/resync.go): ranges that start
 * inside a record, inside a CDATA section or a comment that holds whole
 * <record> elements, or among a stack trace's frames must not change the
 * answer, and every range knows the root element.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** A seeded generator, so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/** A java.util.logging XMLFormatter log whose records hold <record>-like text every way XML allows. */
function julLog(records: number): { text: string; cdata: [number, number][] } {
  const r = rng(7);
  const levels = ['INFO', 'INFO', 'FINE', 'WARNING', 'SEVERE'];
  let text = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE log SYSTEM "logger.dtd">\n<log>\n';
  const cdata: [number, number][] = [];
  const t0 = Date.UTC(2026, 10, 23);
  for (let i = 0; i < records; i++) {
    const ms = t0 + i * 250;
    const kind = r();
    let message: string;
    if (kind < 0.15) {
      const fakes = Array.from({ length: 40 + Math.floor(r() * 80) }, (_, j) =>
        `<record>\n  <date>2026-11-23T00:00:00Z</date>\n  <level>SEVERE</level>\n  <message>fake ${j}</message>\n</record>\n`).join('');
      const open = `<message><![CDATA[request body:\n`;
      const start = text.length + `<record>\n  <date>${new Date(ms).toISOString()}</date>\n  <millis>${ms}</millis>\n  <level>X</level>\n  `.length;
      message = `${open}${fakes}]]></message>`;
      cdata.push([start + open.length, start + message.length]);
    } else if (kind < 0.3) {
      message = `<message>parsed &lt;record&gt; ${i} &lt;/record&gt; from the queue</message>`;
    } else {
      message = `<message>user ${Math.floor(r() * 99)} fetched item ${Math.floor(r() * 9999)}</message>`;
    }
    const level = levels[Math.floor(r() * levels.length)];
    text += `<record>\n  <date>${new Date(ms).toISOString()}</date>\n  <millis>${ms}</millis>\n  <level>${level}</level>\n  ${message}\n`;
    if (level === 'SEVERE') {
      const frames = Array.from({ length: 3 + Math.floor(r() * 30) }, (_, j) =>
        `    <frame>\n      <class>demo.Service${j}</class>\n      <method>call</method>\n      <line>${j + 10}</line>\n    </frame>\n`).join('');
      text += `  <exception>\n    <message>java.io.IOException: boom</message>\n${frames}  </exception>\n`;
    }
    text += '</record>\n';
    if (r() < 0.05) text += '<!-- rotated:\n<record>\n  <level>INFO</level>\n  <message>commented out</message>\n</record>\n-->\n';
  }
  return { text: text + '</log>\n', cdata };
}

function withoutRanges(stdout: string): unknown {
  const report = JSON.parse(stdout) as { files: { ranges: number }[] };
  for (const f of report.files) delete (f as { ranges?: number }).ranges;
  return report;
}

describe('splitting XML', () => {
  it('gives the same report with --jobs 1 and --jobs 4, ranges starting inside records and CDATA sections full of <record>s', async () => {
    const { text, cdata } = julLog(3000);
    const file = path.join(tempDir(), 'app.xml');
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    // --split-min 128KiB with --jobs 4: 8 equal ranges (app/dispatch.ts, ranges); some must start inside a CDATA section.
    const starts = Array.from({ length: 8 }, (_, i) => i * Math.ceil(size / 8)).slice(1);
    expect(starts.some((s) => cdata.some(([a, b]) => s > a && s < b))).toBe(true);
    const plugins = path.join(REPO, 'plugins');
    const one = await logmill(['analyze', '--output', 'json', '--plugins', plugins, '--jobs', '1', '--field', 'logger', file]);
    const four = await logmill(['analyze', '--output', 'json', '--plugins', plugins, '--jobs', '4', '--split-min', '128KiB', '--field', 'logger', file]);
    expect(one.code).toBe(0);
    expect(four.code).toBe(0);
    expect(JSON.parse(one.stdout).files[0].ranges).toBe(1);
    expect(JSON.parse(four.stdout).files[0].ranges).toBe(8);
    expect(JSON.parse(four.stdout).records).toBe(3000);
    expect(JSON.parse(four.stdout).malformed).toBe(0);
    expect(withoutRanges(four.stdout)).toEqual(withoutRanges(one.stdout));
  });

  it('gives the same report split or not for a log whose root is not closed and whose last record is cut short', async () => {
    const { text } = julLog(2000);
    const cut = text.slice(0, text.lastIndexOf('<level>'));
    const file = path.join(tempDir(), 'running.xml');
    writeFileSync(file, cut);
    const plugins = path.join(REPO, 'plugins');
    const one = await logmill(['analyze', '--output', 'json', '--plugins', plugins, '--jobs', '1', file]);
    const four = await logmill(['analyze', '--output', 'json', '--plugins', plugins, '--jobs', '4', '--split-min', '128KiB', file]);
    expect(JSON.parse(four.stdout).files[0].ranges).toBeGreaterThan(2);
    expect(JSON.parse(one.stdout).malformed).toBe(1); // the record cut short
    expect(withoutRanges(four.stdout)).toEqual(withoutRanges(one.stdout));
    expect(four.code).toBe(one.code);
  });
});

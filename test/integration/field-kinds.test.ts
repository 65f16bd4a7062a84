/**
 * Typed fields from plugins (ProcessorFieldKinds, contract/logmill.h): a
 * declared field's value is written as a JSON number or boolean by `parse`
 * and stored so by `sql`; a value that does not read as its kind stays text;
 * a declaration logmill cannot read rejects the plugin, naming the line.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePluginDir, logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

describe('typed fields declared by a plugin', () => {
  it('parse writes declared fields typed, leaves the rest and unreadable values as text', async () => {
    const dir = fixturePluginDir(['field_kinds']);
    const file = path.join(tempDir(), 'a.field_kinds');
    writeFileSync(file, 'n=42 f=1.5 b=true s=7 other=8\nn=- f=x b=maybe\nn=-3 f=2e3 b=FALSE\n');
    const res = await logmill(['parse', '--plugins', dir, file]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const fields = res.stdout.trim().split('\n').map((l) => JSON.parse(l).fields);
    expect(fields).toEqual([
      { n: 42, f: 1.5, b: true, s: '7', other: '8' },
      { n: '-', f: 'x', b: 'maybe' },
      { n: -3, f: 2000, b: false },
    ]);
    // CSV output keeps the text as written, whatever the kind.
    const csv = await logmill(['parse', '--plugins', dir, '--output', 'csv', file]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain('"{""n"":""42"",""f"":""1.5"",""b"":""true""');
  });

  it('the bundled access plugin declares status and bytes: sql sums them without a cast', async () => {
    const res = await logmill(['sql', "select sum((fields->>'bytes')::BIGINT) as bytes, json_type(any_value(fields->'status')) as t from logs",
      path.join(REPO, 'logs-samples', 'nginx-access.log'), '--output', 'json']);
    expect(res.stderr).toBe('');
    const [row] = JSON.parse(res.stdout);
    expect(row.t).toBe('UBIGINT');
    const parsed = await logmill(['parse', path.join(REPO, 'logs-samples', 'nginx-access.log')]);
    const total = parsed.stdout.trim().split('\n').map((l) => JSON.parse(l).fields.bytes).filter((b) => typeof b === 'number').reduce((a, b) => a + b, 0);
    expect(Number(row.bytes)).toBe(total);
    expect(total).toBeGreaterThan(0);
  });

  it('rejects a plugin whose kinds logmill cannot read, naming the line', async () => {
    const dir = fixturePluginDir(['bad_kinds']);
    const res = await logmill(['plugins', 'check', 'plugins/bad_kinds.so'], { cwd: path.dirname(dir) });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`logmill: plugin "plugins/bad_kinds.so" (bad_kinds) declares field kinds logmill cannot read
DETAIL: field kind "bytes=number": expected NAME=KIND, KIND one of string, integer, float, boolean
HINT: ProcessorFieldKinds returns lines NAME=KIND, KIND one of string, integer, float, boolean (contract/logmill.h); return "" if every field is text.\n`);
  });
});

/**
 * contract/SEVERITY.md is the one source of the severity words: its table is
 * parsed and compared, both ways, with the host's table in
 * contract/severity.ts (read from its source, and through
 * normalizeSeverity) and with the Go SDK's logmill.SeverityOf table
 * (contract/go/logmill/severity.go; its own Go test checks the mapping).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeSeverity, SEVERITY_NAMES } from '../../contract/severity.js';
import { REPO } from '../helpers/paths.js';

const read = (rel: string) => readFileSync(path.join(REPO, rel), 'utf8');

/** normalized name -> its words (lower case) from the first table of SEVERITY.md; `DEBUG1`…`DEBUG5` is a range. */
function severityMD(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const text = read('contract/SEVERITY.md');
  // The words table only: the numbers table after it has the same row names.
  for (const m of text.slice(0, text.indexOf('\nNumbers:')).matchAll(/^\| (\w+) \| (`[^|]*) \|/gm)) {
    if (!(SEVERITY_NAMES as readonly string[]).includes(m[1])) continue;
    const words: string[] = [];
    for (const w of m[2].matchAll(/`([^`]+)`(?:…`([^`]+)`)?/g)) {
      words.push(w[1].toLowerCase());
      if (w[2]) {
        const prefix = w[1].slice(0, -1);
        for (let c = Number(w[1].slice(-1)) + 1; c <= Number(w[2].slice(-1)); c++) words.push(`${prefix}${c}`.toLowerCase());
      }
    }
    table.set(m[1], words);
  }
  return table;
}

/** name -> words of the `words(Severity.X, '...')` (TS) or `SevX: "..."` (Go) lines of a source file. */
function sourceTable(text: string, line: RegExp): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const m of text.matchAll(line)) table.set(m[1].toLowerCase(), m[2].split(/\s+/).filter(Boolean));
  return table;
}

const sorted = (t: Map<string, string[]>) => Object.fromEntries([...t].map(([k, v]) => [k, [...v].sort()]).sort());

describe('SEVERITY.md is the one source of the severity words', () => {
  const md = severityMD();

  it('has a row for every normalized severity but unknown', () => {
    expect([...md.keys()].sort()).toEqual(SEVERITY_NAMES.filter((n) => n !== 'unknown').sort());
  });

  it('the host (contract/severity.ts) maps every word of it, and knows no other', () => {
    for (const [name, words] of md) {
      for (const w of words) expect(SEVERITY_NAMES[normalizeSeverity(w.toUpperCase())], w).toBe(name);
    }
    expect(sorted(sourceTable(read('contract/severity.ts'), /^words\(Severity\.(\w+), '([^']*)'\);$/gm))).toEqual(sorted(md));
  });

  it('the Go SDK (logmill.SeverityOf) has the same table', () => {
    expect(sorted(sourceTable(read('contract/go/logmill/severity.go'), /^\s*Sev(\w+):\s*"([^"]*)",$/gm))).toEqual(sorted(md));
  });
});

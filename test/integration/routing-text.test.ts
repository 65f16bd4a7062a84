/**
 * Routing that does not mangle: logs whose lines start with a timestamp with
 * a comma fraction (Python logging's default, log4j's ISO8601) or carry a `|`
 * inside brackets (uWSGI) went to the bundled csv plugin and were cut at the
 * comma. They must reach text whole. The Python file is written by python3's
 * own logging module.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logmill, tempDir } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

const PLUGINS = ['--plugins', path.join(REPO, 'plugins')];

const PYTHON = `
import logging, sys
logging.basicConfig(filename=sys.argv[1], level=logging.DEBUG,
                    format='%(asctime)s %(levelname)s %(name)s: %(message)s')  # Python's documented default shape, with a level
log = logging.getLogger('app')
log.info('started')
log.warning('disk at 91 percent')
log.error('lost connection to db1')
log.debug('idle')
`;

async function analyze(file: string) {
  const res = await logmill(['analyze', '--output', 'json', ...PLUGINS, file]);
  expect(res.stderr).toBe('');
  return JSON.parse(res.stdout);
}

describe('routing leaves timestamped text logs to text', () => {
  it('a file written by Python logging routes to text, every line whole', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.log');
    execFileSync('python3', ['-c', PYTHON, file]);
    const json = await analyze(file);
    expect(json.files[0].format).toBe('text');
    expect(json.records).toBe(4);
    expect(json.timeRange.untimed).toBe(0);
    // the milliseconds after the comma are kept: csv cut them off
    const stamps = execFileSync('python3', ['-c', 'import sys; print("\\n".join(l[:23] for l in open(sys.argv[1])))', file], { encoding: 'utf8' }).trim().split('\n');
    expect(json.timeRange.first).toBe(stamps[0].replace(' ', 'T').replace(',', '.') + '000Z');
    const parsed = await logmill(['parse', ...PLUGINS, file]);
    const messages = parsed.stdout.trim().split('\n').map((l) => JSON.parse(l).message);
    expect(messages.join('\n')).toContain('lost connection to db1');
    expect(messages.some((m) => /^\d{3} /.test(m))).toBe(false); // not `459 INFO app: …`
  });

  it('colon-separated lines with a comma fraction and CRLF, and uWSGI request lines, are not cut as CSV', async () => {
    const dir = tempDir();
    const crlf = path.join(dir, 'service.log');
    writeFileSync(crlf, '2026-11-25 10:22:40,672:DEBUG:cache warmed\r\n2026-11-25 16:56:38,344:WARN:slow query\r\n');
    const uwsgi = path.join(dir, 'uwsgi.log');
    writeFileSync(uwsgi, [
      '[pid: 4121|app: 0|req: 1/1] 10.0.0.7 () {38 vars in 696 bytes} [Wed Nov 25 22:49:12 2026] POST /metrics => generated 47 bytes in 129 msecs (HTTP/1.1 200) 9 headers in 378 bytes (1 switches on core 3)',
      '[pid: 4121|app: 0|req: 2/2] 10.0.0.7 () {38 vars in 696 bytes} [Wed Nov 25 22:49:15 2026] GET /health => generated 2 bytes in 3 msecs (HTTP/1.1 200) 9 headers in 370 bytes (1 switches on core 1)',
      '',
    ].join('\n'));
    // uWSGI's request lines have a shipped format file (plugins/formats/uwsgi.json); without it, text.
    for (const [file, format] of [[crlf, 'text'], [uwsgi, 'uwsgi']] as const) {
      const json = await analyze(file);
      expect({ file: path.basename(file), format: json.files[0].format, records: json.records }).toEqual({ file: path.basename(file), format, records: 2 });
    }
  });

  it('a CSV with a header row in a .log file still routes to csv by content', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'export.log');
    writeFileSync(file, 'timestamp,level,message\n2026-11-25T10:00:00Z,INFO,"a, b"\n2026-11-25T10:00:01Z,ERROR,c\n');
    const json = await analyze(file);
    expect(json.files[0].format).toBe('csv');
    expect(json.severity).toMatchObject({ info: 1, error: 1 });
  });
});

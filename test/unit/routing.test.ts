import { describe, expect, it } from 'vitest';
import { Registry } from '../../app/processors/registry.js';
import { extensionOf, looksBinary, route } from '../../app/routing.js';

// Only built-ins: no plugin, so no worker pool is ever asked.
const registry = Registry.of([], undefined as never);

describe('routing', () => {
  it('takes the extension after .gz and rotation suffixes', () => {
    expect(extensionOf('logs/app.csv.1.gz')).toBe('csv');
    expect(extensionOf('app.NDJSON')).toBe('ndjson');
    expect(extensionOf('syslog')).toBeUndefined();
    expect(extensionOf('.bashrc')).toBeUndefined();
  });

  it('says why: --format, extension, content, default', async () => {
    const text = Buffer.from('2026-11-23 05:54:40 INFO hi\n');
    expect(await route('a.log', text, registry, 'json')).toMatchObject({ processor: { name: 'json' }, reason: 'by --format' });
    expect(await route('a.jsonl', text, registry)).toMatchObject({ processor: { name: 'json' }, reason: 'by extension .jsonl' });
    expect(await route('a.log', Buffer.from('{"msg":"x"}\n'), registry)).toMatchObject({ processor: { name: 'json' }, reason: 'by content: json scored 90' });
    expect(await route('a.log', text, registry)).toMatchObject({ processor: { name: 'text' }, reason: 'by default: no other processor recognized the content' });
    expect(await route('u_ex261125.log', Buffer.from('#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Fields: date time cs-uri sc-status\r\n'), registry))
      .toMatchObject({ processor: { name: 'w3c' }, reason: 'by content: w3c scored 95' });
    expect(await route('conn.log', Buffer.from('#separator \\x09\n#path\tconn\n#fields\tts\tuid\n'), registry))
      .toMatchObject({ processor: { name: 'zeek' }, reason: 'by content: zeek scored 95' });
    expect(await route('web-5d9c_default_nginx-0a1b.log', Buffer.from('2026-11-23T05:54:40.123456789Z stdout F GET / 200\n2026-11-23T05:54:41Z stderr P half\n'), registry))
      .toMatchObject({ processor: { name: 'cri' }, reason: 'by content: cri scored 95' });
    expect(await route('a.log', text, registry, 'nope')).toEqual({ error: 'unknown format "nope" (known: cri, json, logfmt, text, w3c, zeek)' });
    const logfmt = Buffer.from('time=2026-11-23T05:54:40Z level=INFO msg="hi there" n=1\ntime=2026-11-23T05:54:41Z level=WARN msg=slow\n');
    expect(await route('a.log', logfmt, registry)).toMatchObject({ processor: { name: 'logfmt' }, reason: 'by content: logfmt scored 85' });
    expect(await route('a.log', Buffer.from('2026-11-23 05:54:40 INFO user=bob action=login\n'), registry)).toMatchObject({ processor: { name: 'text' } });
  });

  it('refuses binary data and names the compressions it does not unpack', async () => {
    expect(looksBinary(Buffer.from([0x41, 0x00, 0x42]))).toBe(true);
    expect(looksBinary(Buffer.from('café au lait\n'))).toBe(false);
    const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]);
    expect(await route('eipp.log.xz', xz, registry)).toEqual({
      error: 'xz-compressed data: only gzip is read transparently (try: xz -dc FILE | logmill analyze -)', binary: true,
    });
    expect(await route('x.bin', Buffer.from([1, 2, 3, 0, 5]), registry)).toMatchObject({ binary: true, error: expect.stringMatching(/^binary data: /) });
  });
});

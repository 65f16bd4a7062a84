import { describe, expect, it } from 'vitest';
import { patternOf } from '../../app/analysis/patterns.js';

// Real messages (the part after the timestamp and level) → their pattern.
const CASES: [string, string][] = [
  // times and dates are not IPs (QA: apt history.log, PostgreSQL session end)
  ['disconnection: session time: 0:00:00.176 user=app database=app host=[local]', 'disconnection: session time: <time> user=app database=app host=[local]'],
  ['End-Date: 2025-06-24  14:36:25', 'End-Date: <date>  <time>'],
  ['Start-Date: 2025/06/24 14:36:25', 'Start-Date: <date> <time>'],
  ['Server built: 2026-11-12T08:58:41', 'Server built: <date>T<time>'],
  ['last checkpoint at 2026-11-23 05:54:40,123 +0100', 'last checkpoint at <date> <time> +<num>'],
  ['uptime 12:30', 'uptime <num>'],
  // nginx error log
  [
    '23718#23718: *5 open() "/var/www/x" failed (2: No such file or directory), client: 127.0.0.1, server: _, request: "GET /x HTTP/1.1", host: "localhost"',
    '<num>#<num>: *<num> open() "…" failed (<num>: No such file or directory), client: <ip>, server: _, request: "…", host: "…"',
  ],
  [
    '23718#23718: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: "GET /api HTTP/1.1", upstream: "http://127.0.0.1:18999/api"',
    '<num>#<num>: *<num> connect() failed (<num>: Connection refused) while connecting to upstream, client: <ip>, server: _, request: "…", upstream: "…"',
  ],
  // PostgreSQL
  ['duplicate key value violates unique constraint "users_pkey"', 'duplicate key value violates unique constraint "…"'],
  ['Key (id)=(42) already exists.', 'Key (id)=(<num>) already exists.'],
  ["relation 'public.orders' does not exist", "relation '…' does not exist"],
  ['checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.302 s, sync=0.004 s', 'checkpoint complete: wrote <num> buffers (<num>%); <num> WAL file(s) added, <num> removed, <num> recycled; write=<num> s, sync=<num> s'],
  // Java
  ['java.net.ConnectException: Connection refused: /10.0.0.7:5432', 'java.net.ConnectException: Connection refused: /<ip>'],
  ['user 42 logged in from 10.0.0.7', 'user <num> logged in from <ip>'],
  // IPv6
  ['client 2001:db8::1 connected', 'client <ip> connected'],
  // a bare `::` (no digit) stays: it is also a separator in prose and code
  ['listening on [::]:8080 and [::1]:8081', 'listening on [::]:<num> and [<ip>]:<num>'],
  ['peer fe80::1ff:fe23:4567:890a%eth0 up', 'peer <ip>%eth0 up'],
  ['mapped ::ffff:192.0.2.128 ok', 'mapped <ip> ok'],
  ['full 2001:0db8:85a3:0000:0000:8a2e:0370:7334 and 1:2:3:4:5:6:7:8', 'full <ip> and <ip>'],
  ['mac 00:1a:2b:3c:4d:5e', 'mac <ip>'],
  ['std::vector and Foo::bar are code', 'std::vector and Foo::bar are code'],
  // ids and numbers
  ['request 3f2a1b9c-0d4e-4f5a-8b6c-7d8e9f0a1b2c done', 'request <uuid> done'],
  ['commit deadbeef12 at 0x7ffd5a3c', 'commit <hex> at <hex>'],
  ['took 123.4ms', 'took <num>ms'],
  ['took 5s, 10KiB, 2 retries', 'took <num>s, <num>KiB, <num> retries'],
  ['AH00957: http: attempt to connect to 127.0.0.1:18999 (127.0.0.1:18999) failed', 'AH00957: http: attempt to connect to <ip> (<ip>) failed'],
  ['upgraded to v1.2.3 (utf8, sha256)', 'upgraded to v1.<num> (utf8, sha256)'],
  ['  padded 7  \nsecond line 9', 'padded <num>'],
];

describe('patternOf', () => {
  it.each(CASES)('%s', (message, pattern) => {
    expect(patternOf(message)).toBe(pattern);
  });

  it('groups messages that differ only in their variable parts', () => {
    expect(patternOf('session time: 0:00:00.176 user=a')).toBe(patternOf('session time: 1:02:03.004 user=a'));
    expect(patternOf('End-Date: 2025-06-24  14:36:25')).toBe(patternOf('End-Date: 2026-01-01  00:00:00'));
  });

  it('uses only the first 300 characters of the first line', () => {
    expect(patternOf('x'.repeat(400))).toBe('x'.repeat(300));
  });
});

/**
 * trust.ts may reuse a plugin's SHA-256 from an earlier run instead of
 * hashing the file again (the check cache remembers it): only for the same
 * stat identity (device, inode, size, mtime, ctime), never when a
 * plugins.lock pins the file, and the worker's reopen still refuses a file
 * whose bytes do not have the hash the main process handed it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrust, reopenVerified, sha256, writeLock } from '../../app/plugins/trust.js';
import { tempDir } from '../helpers/cli.js';

const FAKE = 'f'.repeat(64);

function pluginFile(content: string): string {
  const dir = path.join(tempDir(), 'plugins');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(path.dirname(dir), 0o755);
  const file = path.join(dir, 'p.so');
  writeFileSync(file, content, { mode: 0o644 });
  return file;
}

describe('remembered plugin hashes', () => {
  it('reuses a hash for the same stat identity only, and a changed file is hashed again', () => {
    const file = pluginFile('build one');
    const first = checkTrust(file, false);
    expect(first.sha256).toBe(sha256(Buffer.from('build one')));

    const asked: string[] = [];
    const known = (stat: string) => { asked.push(stat); return stat === first.stat ? FAKE : undefined; };
    expect(checkTrust(file, false, known).sha256).toBe(FAKE);
    expect(asked).toEqual([first.stat]);

    // Same size, new bytes: the ctime (and mtime) moved, so the remembered hash is not used.
    writeFileSync(file, 'build two');
    const second = checkTrust(file, false, known);
    expect(second.stat).not.toBe(first.stat);
    expect(second.sha256).toBe(sha256(Buffer.from('build two')));
  });

  it('hashes a file a plugins.lock pins, whatever is remembered', () => {
    const file = pluginFile('locked build');
    writeLock(path.dirname(file), [file]);
    const v = checkTrust(file, false, () => FAKE);
    expect(v.sha256).toBe(sha256(Buffer.from('locked build')));
  });

  it('the worker refuses bytes that do not have the hash it was handed', () => {
    const file = pluginFile('real bytes');
    const v = checkTrust(file, false, () => FAKE);
    expect(() => reopenVerified(file, v)).toThrow(/changed after logmill checked it/);
  });
});

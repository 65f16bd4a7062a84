/**
 * The ABI block (logmill.h, LogmillAbiBlock): read from the .so file before
 * dlopen, so a plugin built for another ABI is refused without running any of
 * its code. The bundled Go plugins get it from the SDK; plugins new's C and
 * Rust skeletons are checked in plugins-new.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABI_MAGIC, ABI_VERSION } from '../../contract/abi.js';
import { readElf } from '../../app/plugins/elf.js';
import { fixturePluginDir, logmill } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

describe('the ABI block', () => {
  it('refuses a plugin whose block names another ABI, without running its constructor', async () => {
    const dir = fixturePluginDir(['wrong_abi_block']);
    const res = await logmill(['plugins', 'check', 'plugins/wrong_abi_block.so'], { cwd: path.dirname(dir) });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`logmill: incompatible plugin "plugins/wrong_abi_block.so": ABI version mismatch
DETAIL: logmill speaks ABI version 1, the plugin was built for version 999 (its LogmillAbiBlock says so; none of its code was run).
HINT: Rebuild the plugin against contract/logmill.h of this logmill (for the bundled plugins: make -C plugins).
`);
  });

  it('is defined by Go SDK plugins (the bundled csv and xml) and absent from a plugin without it', () => {
    for (const name of ['csv', 'xml']) {
      expect(readElf(readFileSync(path.join(REPO, 'plugins', `${name}.so`))).abiBlock, name).toEqual({ size: 16, magic: ABI_MAGIC, abiVersion: ABI_VERSION });
    }
    const dir = fixturePluginDir(['good_upper']);
    expect(readElf(readFileSync(path.join(dir, 'good_upper.so'))).abiBlock).toBeUndefined();
  });
});

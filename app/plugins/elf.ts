/**
 * Reads the exported function names of a shared library from its ELF dynamic
 * symbol table, without loading it. The loader checks the contract's
 * required symbols with this before any plugin code runs (dlopen already runs
 * a library's constructors), and it turns "not a shared library at all" into
 * a clear message instead of a dlerror string. It also reads the ABI block
 * (logmill.h, LogmillAbiBlock), so a plugin built for another ABI version is
 * refused before loading.
 */
import { arch } from 'node:os';
import { ABI_BLOCK_SYMBOL } from '../../contract/abi.js';

export class ElfError extends Error {}

const MACHINES: Record<number, string> = { 3: 'x86', 40: 'arm', 62: 'x64', 183: 'arm64', 243: 'riscv64' };

export interface ElfInfo {
  /** Defined, exported function symbols. Null if the file has no section headers (stripped). */
  exports: Set<string> | null;
  /** The plugin's ABI block, if it defines one: the bytes of the exported constant LogmillAbiBlock. */
  abiBlock?: { size: number; magic: number; abiVersion: number } | { unreadable: string };
}

export function readElf(bytes: Buffer): ElfInfo {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) {
    throw new ElfError('not an ELF file (a plugin must be a shared library built for Linux)');
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new ElfError('not a 64-bit little-endian ELF file');
  const type = bytes.readUInt16LE(16);
  if (type !== 3) throw new ElfError(`ELF file of type ${type === 2 ? 'executable' : type}, not a shared library (build with -shared or -buildmode=c-shared)`);
  const machine = MACHINES[bytes.readUInt16LE(18)] ?? `machine ${bytes.readUInt16LE(18)}`;
  if (machine !== arch()) throw new ElfError(`built for ${machine}, this machine is ${arch()}`);

  const shoff = Number(bytes.readBigUInt64LE(0x28));
  const shentsize = bytes.readUInt16LE(0x3a);
  const shnum = bytes.readUInt16LE(0x3c);
  if (shoff === 0 || shnum === 0) return { exports: null };
  if (shoff + shnum * shentsize > bytes.length) throw new ElfError('truncated ELF file (section headers past the end of the file)');

  const section = (i: number) => {
    const base = shoff + i * shentsize;
    return {
      type: bytes.readUInt32LE(base + 4),
      addr: Number(bytes.readBigUInt64LE(base + 0x10)),
      offset: Number(bytes.readBigUInt64LE(base + 0x18)),
      size: Number(bytes.readBigUInt64LE(base + 0x20)),
      link: bytes.readUInt32LE(base + 0x28),
    };
  };
  const exports = new Set<string>();
  let abiBlock: ElfInfo['abiBlock'];
  for (let i = 0; i < shnum; i++) {
    const sh = section(i);
    if (sh.type !== 11 /* SHT_DYNSYM */) continue;
    const strtab = section(sh.link);
    if (sh.offset + sh.size > bytes.length || strtab.offset + strtab.size > bytes.length) {
      throw new ElfError('truncated ELF file (symbol table past the end of the file)');
    }
    for (let s = sh.offset; s + 24 <= sh.offset + sh.size; s += 24) {
      const info = bytes[s + 4];
      const shndx = bytes.readUInt16LE(s + 6);
      const bind = info >> 4;
      if (shndx === 0 || shndx >= shnum || (bind !== 1 && bind !== 2)) continue;
      const kind = info & 0xf;
      if (kind !== 2 /* STT_FUNC */ && kind !== 1 /* STT_OBJECT */) continue;
      const nameStart = strtab.offset + bytes.readUInt32LE(s);
      const nameEnd = bytes.indexOf(0, nameStart);
      const name = bytes.toString('latin1', nameStart, nameEnd < 0 ? strtab.offset + strtab.size : nameEnd);
      if (kind === 2) exports.add(name);
      else if (name === ABI_BLOCK_SYMBOL) abiBlock = readBlock(bytes, section(shndx), Number(bytes.readBigUInt64LE(s + 8)), Number(bytes.readBigUInt64LE(s + 16)));
    }
  }
  return abiBlock ? { exports, abiBlock } : { exports };
}

/** The ABI block at virtual address `value` (`size` bytes) in section `sec`, from the file's bytes. */
function readBlock(bytes: Buffer, sec: { type: number; addr: number; offset: number; size: number }, value: number, size: number): ElfInfo['abiBlock'] {
  const at = sec.offset + (value - sec.addr);
  if (sec.type === 8 /* SHT_NOBITS */ || size < 12 || value < sec.addr || value + size > sec.addr + sec.size || at + 12 > bytes.length) {
    return { unreadable: `${ABI_BLOCK_SYMBOL} (${size} bytes) is not initialized data in the file` };
  }
  return { size: bytes.readUInt32LE(at), magic: bytes.readUInt32LE(at + 4), abiVersion: bytes.readInt32LE(at + 8) };
}

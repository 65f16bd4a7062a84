/**
 * Turns the paths a user typed into inputs: files as given, directories
 * walked recursively (./walk.ts: hidden files skipped, sorted, each
 * directory once), globs expanded with fast-glob, `-` for standard input.
 * A file reached twice (named twice, a hard link, a directory alias) is one
 * input: files are known by device + inode, not by name. A path that yields
 * nothing is an error of its own; the others still run.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describeFsError } from './errors.js';
import { identity, walk } from './walk.js';

/** `explicit`: named by the user, not found by walking a directory or a glob. */
export type Input = { kind: 'file'; path: string; name: string; explicit: boolean } | { kind: 'stdin'; name: string; explicit: true };

export interface InputError {
  name: string;
  message: string;
}

export interface Expanded {
  inputs: Input[];
  errors: InputError[];
  /** Entries met while walking that are not regular files (FIFOs, sockets, devices, broken links): noted, not read. */
  skipped: InputError[];
}

export async function expandPaths(args: readonly string[]): Promise<Expanded> {
  const out: Expanded = { inputs: [], errors: [], skipped: [] };
  const seen = new Set<string>();
  const add = (file: string, st: Stats, explicit: boolean) => {
    if (seen.has(identity(st))) return;
    seen.add(identity(st));
    out.inputs.push({ kind: 'file', path: file, name: file, explicit });
  };
  for (const arg of args) {
    if (arg === '-') {
      out.inputs.push({ kind: 'stdin', name: '<stdin>', explicit: true });
      continue;
    }
    let st: Stats | undefined;
    try {
      st = await stat(arg);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        out.errors.push({ name: arg, message: describeFsError(err) });
        continue;
      }
    }
    if (st?.isFile()) add(arg, st, true);
    else if (st?.isDirectory()) {
      const walked = await walk(arg, st);
      if (walked.files.length === 0 && walked.errors.length === 0) out.errors.push({ name: arg, message: 'directory holds no files' });
      for (const f of walked.files) add(f.path, f.stat, false);
      out.errors.push(...walked.errors);
      out.skipped.push(...walked.skipped);
    } else if (st) {
      out.errors.push({ name: arg, message: 'not a regular file or directory' });
    } else if (await isGlob(arg)) {
      // fast-glob is loaded only for a pattern: a plain run does not pay for it at startup.
      const { default: fg } = await import('fast-glob');
      const files = (await fg(arg, { onlyFiles: true, dot: false, suppressErrors: true })).sort();
      if (files.length === 0) out.errors.push({ name: arg, message: 'no files match this pattern' });
      for (const f of files) {
        try {
          add(f, await stat(f), false);
        } catch (err) {
          out.errors.push({ name: f, message: describeFsError(err) });
        }
      }
    } else {
      out.errors.push({ name: arg, message: 'no such file or directory' });
    }
  }
  return out;
}

async function isGlob(arg: string): Promise<boolean> {
  // Only a name with one of these can be a pattern: the rest never load fast-glob.
  if (!/[*?[\]{}()!@+\\]/.test(arg)) return false;
  const { default: fg } = await import('fast-glob');
  return fg.isDynamicPattern(arg);
}

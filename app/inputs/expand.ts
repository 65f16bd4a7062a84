/**
 * Turns the paths a user typed into inputs: files as given, directories
 * walked recursively (hidden files skipped, sorted), globs expanded with
 * fast-glob, `-` for standard input. A path that yields nothing is an error
 * of its own; the others still run.
 */
import fg from 'fast-glob';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** `explicit`: named by the user, not found by walking a directory or a glob. */
export type Input = { kind: 'file'; path: string; name: string; explicit: boolean } | { kind: 'stdin'; name: string; explicit: true };

export interface InputError {
  name: string;
  message: string;
}

export async function expandPaths(args: readonly string[]): Promise<{ inputs: Input[]; errors: InputError[] }> {
  const inputs: Input[] = [];
  const errors: InputError[] = [];
  const seen = new Set<string>();
  const add = (file: string, explicit: boolean) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push({ kind: 'file', path: file, name: file, explicit });
  };
  for (const arg of args) {
    if (arg === '-') {
      inputs.push({ kind: 'stdin', name: '<stdin>', explicit: true });
      continue;
    }
    let kind: 'file' | 'dir' | 'other' | 'missing';
    try {
      const st = await stat(arg);
      kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        errors.push({ name: arg, message: code === 'EACCES' ? 'permission denied' : (err as Error).message });
        continue;
      }
      kind = 'missing';
    }
    if (kind === 'file') add(arg, true);
    else if (kind === 'other') errors.push({ name: arg, message: 'not a regular file or directory' });
    else if (kind === 'dir') {
      const files = (await fg('**/*', { cwd: arg, onlyFiles: true, dot: false, followSymbolicLinks: true, suppressErrors: true })).sort();
      if (files.length === 0) errors.push({ name: arg, message: 'directory holds no files' });
      for (const f of files) add(path.join(arg, f), false);
    } else if (fg.isDynamicPattern(arg)) {
      const files = (await fg(arg, { onlyFiles: true, dot: false, suppressErrors: true })).sort();
      if (files.length === 0) errors.push({ name: arg, message: 'no files match this pattern' });
      for (const f of files) add(f, false);
    } else {
      errors.push({ name: arg, message: 'no such file or directory' });
    }
  }
  return { inputs, errors };
}

/**
 * Which paths `logmill watch` follows: each argument is a file, a directory
 * (everything under it but hidden names) or a glob. The roots (directories,
 * glob bases, paths that do not exist yet) are what chokidar watches;
 * `wanted` says whether a path it reports is followed.
 *
 * A file argument is watched through its directory (`fileDirs`, depth 0),
 * as `tail -F` does: a watch on the file itself is lost once logrotate
 * renames it, and the new file under the name would then be seen only by
 * the once-a-second poll, which can miss a file copytruncated within that
 * second (its lines would be in a copy no one knew to look for).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import picomatch from 'picomatch';

export class PathMatcher {
  readonly roots: string[] = [];
  readonly fileDirs: string[] = [];
  private readonly matchers: ((p: string) => boolean)[];

  constructor(paths: string[]) {
    this.matchers = paths.map((arg) => {
      if (fg.isDynamicPattern(arg)) {
        this.roots.push(fg.generateTasks([arg])[0]?.base ?? '.');
        const m = picomatch(path.resolve(arg));
        return (p: string) => m(path.resolve(p));
      }
      const abs = path.resolve(arg);
      if (statSync(arg, { throwIfNoEntry: false })?.isFile()) {
        const dir = path.dirname(arg);
        if (!this.fileDirs.includes(dir)) this.fileDirs.push(dir);
        return (p: string) => path.resolve(p) === abs;
      }
      this.roots.push(arg);
      return (p: string) => {
        const r = path.resolve(p);
        return (r === abs || r.startsWith(abs + path.sep)) && !path.relative(abs, r).split(path.sep).some((s) => s.startsWith('.'));
      };
    });
  }

  wanted(p: string): boolean {
    return this.matchers.some((m) => m(p));
  }

  /**
   * Every file there is now that `wanted` takes, named as chokidar names it
   * (root or directory joined with the relative path): for the rescan that
   * finds a file whose event was missed. Symbolic links are not followed
   * here (chokidar follows them; a loop must not make this walk endless).
   */
  async present(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (base: string, deep?: number) => {
      const rel = await fg('**/*', { cwd: base, onlyFiles: true, followSymbolicLinks: false, suppressErrors: true, dot: false, deep });
      for (const r of rel) {
        const p = path.join(base, r);
        if (this.wanted(p)) found.push(p);
      }
    };
    for (const root of this.roots) if (statSync(root, { throwIfNoEntry: false })?.isDirectory()) await walk(root);
    for (const dir of this.fileDirs) await walk(dir, 1);
    return found;
  }
}

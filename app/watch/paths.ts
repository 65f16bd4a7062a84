/**
 * Which paths `logmill watch` follows: each argument is a file, a directory
 * (everything under it but hidden names) or a glob. The roots are what
 * chokidar watches; `wanted` says whether a path it reports is followed.
 */
import path from 'node:path';
import fg from 'fast-glob';
import picomatch from 'picomatch';

export class PathMatcher {
  readonly roots: string[] = [];
  private readonly matchers: ((p: string) => boolean)[];

  constructor(paths: string[]) {
    this.matchers = paths.map((arg) => {
      if (fg.isDynamicPattern(arg)) {
        this.roots.push(fg.generateTasks([arg])[0]?.base ?? '.');
        const m = picomatch(path.resolve(arg));
        return (p: string) => m(path.resolve(p));
      }
      this.roots.push(arg);
      const abs = path.resolve(arg);
      return (p: string) => {
        const r = path.resolve(p);
        return (r === abs || r.startsWith(abs + path.sep)) && !path.relative(abs, r).split(path.sep).some((s) => s.startsWith('.'));
      };
    });
  }

  wanted(p: string): boolean {
    return this.matchers.some((m) => m(p));
  }
}

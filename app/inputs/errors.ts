/** How reading an input fails, in words for the user (the name is added by whoever prints it). */
export class InputReadError extends Error {}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return e.message ?? String(err);
  }
}

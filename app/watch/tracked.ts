/**
 * A followed file as the main process tracks it (app/watch/files.ts): its
 * identity, where it has been read to, its session, and where it is in its
 * life (held, a copy waiting for its original, rotating away, failed).
 */
import type { ProcessorInfo } from '../processors/registry.js';
import type { FollowHandle } from './sessions.js';

export interface Tracked {
  /** `dev:ino`. */
  id: string;
  path: string;
  /** Its first bytes as last seen (up to HEAD_BYTES): its fingerprint. */
  head: Buffer;
  processor?: ProcessorInfo;
  session?: FollowHandle;
  committed: number;
  /** committed + bytes read but not committed: where the next read starts. */
  readTo: number;
  lines: number;
  reading: Promise<void> | null;
  again: boolean;
  opening: Promise<void> | null;
  /** Fires when the file has been quiet for IDLE_MS with bytes pending. */
  idleTimer?: NodeJS.Timeout;
  /** Renamed away or deleted: finished when this fires. */
  rotating?: NodeJS.Timeout;
  /** Starts like this live file: a copy of it, read only once that one is truncated or gone. */
  copyOf?: Tracked;
  /** Not matched by the paths (a copy found beside a truncated file): finished once read to its end. */
  transient?: boolean;
  /** How many times it started over (truncated): a late report of an old truncation is ignored. */
  epoch: number;
  /** Idle crashes of its worker right after reading it. */
  idleCrashes: number;
  held?: string;
  failed?: string;
}

export function track(id: string, path: string, head: Buffer, from: { committed: number; lines: number }, extra: Partial<Tracked> = {}): Tracked {
  return { id, path, head, committed: from.committed, readTo: from.committed, lines: from.lines, reading: null, again: false, opening: null, epoch: 0, idleCrashes: 0, ...extra };
}

/** At most `limit` tasks at once; the others wait their turn. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

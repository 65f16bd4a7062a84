/**
 * The frame every batch command (`analyze`, `parse`) runs in, so that it is
 * written once: settings and workers up, rejected plugins warned about, the
 * inputs planned, and whatever happens (an error, a closed stdout, Ctrl-C,
 * SIGTERM) the workers ended. An interruption (the AbortSignal from cli.ts)
 * kills the workers at once, whatever their plugin is doing, so the jobs the
 * body waits for fail promptly; the body sees `signal.aborted` and returns
 * without a report, and cli.ts turns the reason into the exit code.
 */
import type { Planned } from '../dispatch.js';
import type { InputError } from '../inputs/expand.js';
import { releaseStdin } from '../inputs/stdin.js';
import { buildSettings, type CommonFlags, type RunSettings } from '../settings.js';
import { planInputs } from './inputs.js';
import { warnRejectedPlugins } from './problems.js';

export interface BatchRun {
  settings: RunSettings;
  planned: Planned[];
  errors: InputError[];
}

export async function withBatchRun(flags: CommonFlags & { paths: string[] }, split: boolean, signal: AbortSignal,
  body: (run: BatchRun) => Promise<number>): Promise<number> {
  const settings = await buildSettings(flags);
  const stop = () => {
    settings.pool.close();
    releaseStdin();
  };
  signal.addEventListener('abort', stop);
  try {
    if (signal.aborted) return 0;
    warnRejectedPlugins(settings.catalog);
    const { planned, errors } = await planInputs(flags.paths, settings, split);
    return signal.aborted ? 0 : await body({ settings, planned, errors });
  } finally {
    signal.removeEventListener('abort', stop);
    settings.pool.close();
    releaseStdin();
  }
}

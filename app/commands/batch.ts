/**
 * The frame every batch command (`analyze`, `parse`) runs in, so that it is
 * written once: settings and workers up, rejected plugins warned about, the
 * inputs planned, and whatever happens (an error, a closed stdout, Ctrl-C,
 * SIGTERM) the workers ended. An interruption (the AbortSignal from cli.ts)
 * kills every worker at once, whatever its plugin is doing, loading
 * included, so what the command waits for fails promptly; the command sees
 * `signal.aborted` and returns without a report, and cli.ts turns the
 * reason into the exit code.
 */
import type { Planned } from '../dispatch.js';
import type { InputError } from '../inputs/expand.js';
import { releaseStdin } from '../inputs/stdin.js';
import { buildSettings, type CommonFlags, type RunSettings } from '../settings.js';
import { stopAllWorkers } from '../workers/pool.js';
import { planInputs } from './inputs.js';
import { warnRejectedFormats, warnRejectedPlugins } from './problems.js';

export interface BatchRun {
  settings: RunSettings;
  planned: Planned[];
  errors: InputError[];
}

export async function withBatchRun(flags: CommonFlags & { paths: string[] }, split: boolean, signal: AbortSignal,
  body: (run: BatchRun) => Promise<number>): Promise<number> {
  // Listening from the start: a plugin that hangs while loading must not hold up Ctrl-C either.
  const stop = () => {
    stopAllWorkers();
    releaseStdin();
  };
  signal.addEventListener('abort', stop);
  let settings: RunSettings | undefined;
  try {
    settings = await buildSettings(flags);
    if (signal.aborted) return 0;
    warnRejectedPlugins(settings.catalog);
    warnRejectedFormats(settings.formats.rejected);
    const { planned, errors } = await planInputs(flags.paths, settings, split);
    return signal.aborted ? 0 : await body({ settings, planned, errors });
  } catch (err) {
    if (signal.aborted) return 0; // a failure caused by the interruption itself
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    settings?.pool.close();
    releaseStdin();
  }
}

/**
 * Writes container logs the way the runtimes do, for fixtures (no container
 * engine runs in the test environment):
 *
 * - containerd's CRI logger (pkg/cri/io/logger.go, redirectLogs): one line
 *   per write of `TIME STREAM TAG LINE\n`, the time `time.RFC3339Nano` (UTC,
 *   trailing zeros of the fraction dropped, taken per written line); a line
 *   longer than max_container_log_line_size (16384) goes out as `P` parts of
 *   exactly that many bytes and an `F` rest; output that ends without a
 *   newline goes out as `P`.
 * - Docker's json-file driver (daemon/logger/copier.go, jsonfilelog):
 *   `{"log":"LINE\n","stream":"stdout","time":"RFC3339Nano"}` per line; a
 *   line longer than the 16 KiB copy buffer goes out as parts of 16384 bytes
 *   whose `log` has no `\n`, every part with the first part's time; output
 *   that ends without a newline is such a part.
 *
 * Each write says its stream; a write of several lines (or of a line's start
 * only, `end: false`) comes out as the runtime would cut it.
 */
export const RUNTIME_LINE_MAX = 16384;

export interface ContainerWrite {
  stream: 'stdout' | 'stderr';
  /** What the program wrote: a line without its newline. */
  text: string;
  /** False: the program wrote no newline after it (it stopped mid-line). */
  end?: boolean;
  /** When the runtime read it (ms since the epoch); nanoseconds added per part. */
  ms: number;
}

/** Go's time.RFC3339Nano of a UTC time: `2026-11-25T10:00:00.5Z`, `2026-11-25T10:00:00Z`. */
export function rfc3339Nano(ms: number, extraNs = 0): string {
  const iso = new Date(ms).toISOString(); // ...T10:00:00.123Z
  const ns = String((ms % 1000) * 1_000_000 + extraNs).padStart(9, '0').replace(/0+$/, '');
  return iso.slice(0, 19) + (ns ? `.${ns}` : '') + 'Z';
}

/** The parts a runtime writes a line as: full 16 KiB pieces, then the rest (which may be empty only for a line that is empty). */
function parts(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  let i = 0;
  while (bytes.length - i > RUNTIME_LINE_MAX) {
    out.push(bytes.subarray(i, i + RUNTIME_LINE_MAX).toString('latin1'));
    i += RUNTIME_LINE_MAX;
  }
  out.push(bytes.subarray(i).toString('latin1'));
  return out;
}

/** containerd's CRI log lines for these writes, as bytes. */
export function criLog(writes: ContainerWrite[]): Buffer {
  const lines: Buffer[] = [];
  for (const w of writes) {
    const ps = parts(w.text);
    ps.forEach((p, i) => {
      const last = i === ps.length - 1;
      const tag = last && w.end !== false ? 'F' : 'P';
      lines.push(Buffer.concat([Buffer.from(`${rfc3339Nano(w.ms, i * 1000)} ${w.stream} ${tag} `), Buffer.from(p, 'latin1'), Buffer.from('\n')]));
    });
  }
  return Buffer.concat(lines);
}

/** Docker json-file entries for these writes, as bytes. */
export function dockerJsonLog(writes: ContainerWrite[]): Buffer {
  const lines: string[] = [];
  for (const w of writes) {
    const time = rfc3339Nano(w.ms);
    const ps = parts(w.text);
    ps.forEach((p, i) => {
      const last = i === ps.length - 1;
      const log = Buffer.from(p, 'latin1').toString('utf8') + (last && w.end !== false ? '\n' : '');
      lines.push(JSON.stringify({ log, stream: w.stream, time }) + '\n');
    });
  }
  return Buffer.from(lines.join(''));
}

/**
 * Terminal output: colours (`--color auto`: only when the stream is a TTY
 * and NO_COLOR is not set, https://no-color.org; FORCE_COLOR forces them;
 * `--color always|never` decides outright), the width a report fits in, and
 * cutting a styled line to that width so that nothing wraps. (Back-pressure
 * for streamed records lives in render/ordered.ts.)
 */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

export type ColorMode = 'auto' | 'always' | 'never';

/** `--color`, set once by cli.ts for the whole run (every command's output follows it). */
let colorMode: ColorMode = 'auto';
export function setColorMode(mode: ColorMode): void {
  colorMode = mode;
}

export function useColor(stream: { isTTY?: boolean }, env = process.env, mode: ColorMode = colorMode): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function makeStyle(color: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39),
    green: wrap(32, 39), cyan: wrap(36, 39), magenta: wrap(35, 39),
  };
}

const PIPED_WIDTH = 200;

/**
 * Columns to fit text in: the terminal's, else $COLUMNS (as shells export
 * it), else 200: output piped to a file or a pager is not cut to a guess of
 * a terminal (a narrow default would cut file names in `npm start > out`).
 */
export function terminalWidth(stream: { columns?: number }, env = process.env): number {
  if (stream.columns && stream.columns > 0) return stream.columns;
  const cols = Number(env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? cols : PIPED_WIDTH;
}

/** SGR sequences, the only escapes logmill writes itself (log text is made printable before). */
const SGR = /\x1b\[[0-9;]*m/y;

/** Columns a code point takes: 2 for East Asian wide and emoji, 0 for combining marks, else 1. */
function columnsOf(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f) return 0;
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)) return 2;
  return 1;
}

/** The columns `s` takes on a terminal (SGR sequences take none). */
export function visibleWidth(s: string): number {
  let w = 0;
  walk(s, (cp) => {
    w += columnsOf(cp);
    return true;
  });
  return w;
}

/**
 * `line` cut to at most `width` columns, ending in "…" when cut; the SGR
 * sequences it holds are kept (and a reset added when it is cut).
 */
export function fitLine(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  let used = 0;
  let end = 0;
  walk(line, (cp, i) => {
    if (used + columnsOf(cp) > width - 1) return false;
    used += columnsOf(cp);
    end = i + (cp > 0xffff ? 2 : 1);
    return true;
  });
  return line.slice(0, end) + '…' + (line.includes('\x1b[') ? '\x1b[0m' : '');
}

/** Calls `visit` for each visible code point of `s` (skipping SGR sequences) until it returns false. */
function walk(s: string, visit: (cp: number, index: number) => boolean): void {
  for (let i = 0; i < s.length;) {
    SGR.lastIndex = i;
    const m = SGR.exec(s);
    if (m) {
      i += m[0].length;
      continue;
    }
    const cp = s.codePointAt(i)!;
    if (!visit(cp, i)) return;
    i += cp > 0xffff ? 2 : 1;
  }
}

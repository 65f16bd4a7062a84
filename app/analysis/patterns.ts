/**
 * Message patterns: a message with its variable parts masked, so that
 * "user 42 logged in from 10.0.0.7" and "user 7 logged in from 10.0.0.9"
 * count as one pattern, "user <num> logged in from <ip>". Only the first line
 * of a message is used (a stack trace's frames are not its pattern).
 */
const MASK = new RegExp(
  [
    String.raw`(?<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)`,
    String.raw`(?<ip>\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b)`,
    String.raw`(?<hex>\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b)`,
    String.raw`(?<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`,
    String.raw`(?<num>\b\d+(?:[.,:]\d+)*\b)`,
  ].join('|'),
  'g',
);

const MAX_PATTERN_INPUT = 300;

export function patternOf(message: string): string {
  let line = message;
  const nl = line.indexOf('\n');
  if (nl >= 0) line = line.slice(0, nl);
  if (line.length > MAX_PATTERN_INPUT) line = line.slice(0, MAX_PATTERN_INPUT);
  return line.replace(MASK, (...args) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    if (groups.uuid) return '<uuid>';
    if (groups.ip) return '<ip>';
    if (groups.hex) return '<hex>';
    if (groups.str) return groups.str[0] + '…' + groups.str[0];
    return '<num>';
  }).trim();
}

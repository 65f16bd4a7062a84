/**
 * Follow sessions, the worker side of `logmill watch`: a followed file kept
 * open with its processor's stream, read from where it was left each time it
 * grows. Only complete records are committed; a record still being written
 * stays pending until more bytes (or the end) arrive. Holding the file open
 * means a rotated-away file is still read to its end.
 *
 * A read is bounded (ALERT_BATCH matching records or READ_BUDGET bytes,
 * whichever comes first) and says `more` when it stopped with bytes left:
 * the main process reads again at once, so a burst of any size is sent
 * back whole, in batches, and nothing matching is ever dropped.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { LogRecord, ParseStream, Processor } from '../../contract/processor.js';
import { SEVERITY_NAMES } from '../../contract/severity.js';
import { matches } from '../analysis/filters.js';
import { emptyFollowResult, FILE_MOVED, type AlertRecord, type FollowOpen, type FollowResult } from './protocol.js';

/** A read stops once it holds this many matching records (one IPC message stays small). */
const ALERT_BATCH = 1000;
/** ... or once it has read this many bytes (other sessions of the worker wait meanwhile). */
const READ_BUDGET = 4 << 20;
/** Bytes asked for per read(2): appends are small; a record being assembled grows it. */
const READ_BYTES = 256 << 10;

/** The start of the file each read checks, to notice a truncate-and-rewrite (as app/watch/identity.ts). */
const HEAD_BYTES = 1024;

interface Session {
  open: FollowOpen;
  fh: FileHandle;
  /** The file's first bytes as last read (up to HEAD_BYTES). */
  head: Buffer;
  stream: ParseStream;
  /** File offset of pending[0]. */
  committed: number;
  lines: number;
  /** Lines before the stream's first line: added to its line numbers (0 once the head was replayed). */
  linesBefore: number;
  pending: Buffer;
  closed: boolean;
}

const sessions = new Map<number, Session>();

export async function followOpen(msg: FollowOpen, processor: Processor): Promise<void> {
  const fh = await open(msg.path, 'r');
  const st = await fh.stat();
  if (`${st.dev}:${st.ino}` !== msg.identity) {
    await fh.close();
    throw new Error(FILE_MOVED);
  }
  const settings = { zone: msg.settings.zone, options: msg.settings.options[processor.name] ?? {}, source: msg.name };
  let stream = processor.open(settings);
  let linesBefore = msg.lines;
  if (msg.from > 0 && !processor.resync) {
    if (await replayHead(fh, stream, msg.from)) linesBefore = 0;
    else {
      stream.close();
      stream = processor.open(settings);
    }
  }
  sessions.set(msg.sid, { open: msg, fh, head: Buffer.alloc(0), stream, committed: msg.from, lines: msg.lines, linesBefore, pending: Buffer.alloc(0), closed: false });
}

/**
 * A processor without resync may need the start of the file to read the rest
 * (w3c's `#Fields:`, zeek's `#fields`): a session that starts mid-file
 * (--from-end, saved state, a reopened worker) first runs the bytes before
 * `from` through the stream, their records dropped. True when the stream
 * consumed them all (`from` is a record boundary): it then numbers lines from
 * the file's start; false leaves the stream unusable, to be opened afresh.
 */
async function replayHead(fh: FileHandle, stream: ParseStream, from: number): Promise<boolean> {
  let pending = Buffer.alloc(0);
  for (let pos = 0; pos < from;) {
    const chunk = Buffer.allocUnsafe(Math.min(READ_BYTES, from - pos));
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) return false;
    pos += bytesRead;
    const data = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
    pending = data.subarray(stream.parse(data, false, () => {}));
  }
  return pending.length === 0;
}

export async function followRead(id: number, sid: number, idle: boolean): Promise<FollowResult> {
  const s = sessions.get(sid);
  if (!s) return emptyFollowResult(id, sid, 0, 0, 'no such follow session');
  const result: FollowResult = { ...emptyFollowResult(id, sid, s.committed, s.lines), severity: new Array(SEVERITY_NAMES.length).fill(0) };
  const emit = (r: LogRecord) => count(s, result, r);
  try {
    // A truncated file is not read on; what was held back is still emitted when asked (its bytes are gone).
    result.truncated = await rewritten(s);
    if (!result.truncated) result.more = await readAppended(s, emit, result);
    if (idle && !result.more && s.pending.length > 0 && s.stream.flushIdle) {
      commit(s, s.pending, s.stream.flushIdle(s.pending, emit));
    }
  } catch (err) {
    result.error = err instanceof Error ? (err as Error & { describe?: () => string }).describe?.() ?? err.message : String(err);
  }
  result.committed = s.committed;
  result.lines = s.lines;
  result.pending = s.pending.length;
  return result;
}

/**
 * Whether the file was truncated, or truncated and written again past where
 * it was read (its first bytes changed), since the last read: then reading
 * on at the old offset would read the middle of other content.
 */
async function rewritten(s: Session): Promise<boolean> {
  const { size } = await s.fh.stat();
  if (size < s.committed + s.pending.length) return true;
  const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
  const { bytesRead } = await s.fh.read(head, 0, head.length, 0);
  const n = Math.min(bytesRead, s.head.length);
  if (!head.subarray(0, n).equals(s.head.subarray(0, n))) return true;
  if (bytesRead > s.head.length) s.head = head.subarray(0, bytesRead);
  return false;
}

/** Counts a record that passes --level/--since/--until, and keeps it whole if it matches the alert. */
function count(s: Session, result: FollowResult, r: LogRecord): void {
  if (r.malformed) {
    result.malformed++;
    return;
  }
  if (!matches(s.open.filter, r, s.open.name)) return;
  result.records++;
  result.severity[r.severity]++;
  if (s.open.alert && matches(s.open.alert, r, s.open.name)) result.alerts.push(alert(r, s.linesBefore));
}

/** Reads and parses what was appended, up to the batch bound; true if it stopped with bytes left. */
async function readAppended(s: Session, emit: (r: LogRecord) => void, result: FollowResult): Promise<boolean> {
  let budget = READ_BUDGET;
  for (;;) {
    if (result.alerts.length >= ALERT_BATCH || budget <= 0) return true;
    // A record being assembled doubles the read size, so a huge record costs O(n), not O(n²).
    const size = Math.max(READ_BYTES, s.pending.length);
    const buf = Buffer.allocUnsafe(s.pending.length + size);
    s.pending.copy(buf);
    const { bytesRead } = await s.fh.read(buf, s.pending.length, size, s.committed + s.pending.length);
    if (bytesRead === 0) return false;
    budget -= bytesRead;
    const data = buf.subarray(0, s.pending.length + bytesRead);
    commit(s, data, s.stream.parse(data, false, emit));
    if (s.pending.length > s.open.settings.maxRecordBytes) throw new Error(`a record starting at byte ${s.committed} is larger than --max-record`);
  }
}

function commit(s: Session, buf: Buffer, consumed: number): void {
  for (let i = buf.indexOf(10); i >= 0 && i < consumed; i = buf.indexOf(10, i + 1)) s.lines++;
  s.committed += consumed;
  s.pending = Buffer.from(buf.subarray(consumed)); // a copy: `buf` may be a whole chunk
}

/** `linesBefore`: the session started that many lines into the file (resumed from --state). */
function alert(r: LogRecord, linesBefore: number): AlertRecord {
  return { time: r.time, severity: r.severity, severityText: r.severityText, message: r.message, fields: r.fields, line: r.line ? r.line + linesBefore : 0 };
}

export async function followClose(sid: number): Promise<void> {
  const s = sessions.get(sid);
  if (!s || s.closed) return;
  s.closed = true;
  sessions.delete(sid);
  s.stream.close();
  await s.fh.close();
}

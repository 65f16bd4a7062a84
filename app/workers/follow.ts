/**
 * Follow sessions, the worker side of `logmill watch`: a followed file kept
 * open with its processor's stream, read from where it was left each time it
 * grows. Only complete records are committed; a record still being written
 * stays pending until more bytes (or the end) arrive. Holding the file open
 * means a rotated-away file is still read to its end.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { LogRecord, ParseStream, Processor } from '../../contract/processor.js';
import { SEVERITY_NAMES } from '../../contract/severity.js';
import { matches } from '../analysis/filters.js';
import type { AlertRecord, FollowOpen, FollowResult } from './protocol.js';

const MAX_ALERTS = 1000;

interface Session {
  open: FollowOpen;
  fh: FileHandle;
  stream: ParseStream;
  /** File offset of pending[0]. */
  committed: number;
  lines: number;
  pending: Buffer;
  closed: boolean;
}

const sessions = new Map<number, Session>();

export async function followOpen(msg: FollowOpen, processor: Processor): Promise<void> {
  const fh = await open(msg.path, 'r');
  const stream = processor.open({ zone: msg.settings.zone, options: msg.settings.options[processor.name] ?? {}, source: msg.name });
  sessions.set(msg.sid, { open: msg, fh, stream, committed: msg.from, lines: msg.lines, pending: Buffer.alloc(0), closed: false });
}

export async function followRead(id: number, sid: number, idle: boolean): Promise<FollowResult> {
  const s = sessions.get(sid);
  const result: FollowResult = {
    type: 'follow-result', id, sid, committed: s?.committed ?? 0, lines: s?.lines ?? 0, records: 0, malformed: 0,
    severity: new Array(SEVERITY_NAMES.length).fill(0), alerts: [], pending: 0,
  };
  if (!s) return { ...result, error: 'no such follow session' };
  const emit = (r: LogRecord) => {
    if (r.malformed) {
      result.malformed++;
      return;
    }
    result.records++;
    result.severity[r.severity]++;
    if (s.open.alert && result.alerts.length < MAX_ALERTS && matches(s.open.alert, r)) result.alerts.push(alert(r, s.open.lines));
  };
  try {
    const chunkSize = s.open.settings.chunkSize;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await s.fh.read(chunk, 0, chunkSize, s.committed + s.pending.length);
      if (bytesRead === 0) break;
      const buf = s.pending.length ? Buffer.concat([s.pending, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const consumed = s.stream.parse(buf, false, emit);
      commit(s, buf, consumed);
      if (s.pending.length > s.open.settings.maxRecordBytes) throw new Error(`a record starting at byte ${s.committed} is larger than --max-record`);
    }
    if (idle && s.pending.length > 0 && s.stream.flushIdle) {
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

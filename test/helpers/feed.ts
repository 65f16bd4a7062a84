/**
 * Drives a ParseStream the way app/pipeline.ts does (unconsumed bytes are
 * passed again with the next chunk), with a chosen chunk size: the tool for
 * "records straddling any chunk boundary come out the same" tests.
 */
import type { LogRecord, ParseStream } from '../../contract/processor.js';

export function feedInChunks(stream: ParseStream, input: Buffer, chunkSize: number): LogRecord[] {
  const records: LogRecord[] = [];
  const emit = (r: LogRecord) => records.push(r);
  let pending = Buffer.alloc(0);
  for (let pos = 0; pos < input.length; pos += chunkSize) {
    const buf = Buffer.concat([pending, input.subarray(pos, pos + chunkSize)]);
    const consumed = stream.parse(buf, false, emit);
    if (consumed > buf.length || consumed < 0) throw new Error(`consumed ${consumed} of ${buf.length}`);
    pending = buf.subarray(consumed);
  }
  const consumed = stream.parse(pending, true, emit);
  if (consumed !== pending.length) throw new Error(`left ${pending.length - consumed} bytes at eof`);
  stream.close();
  return records;
}

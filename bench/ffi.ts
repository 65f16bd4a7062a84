/**
 * FFI overhead: the per-call cost of ffi-rs calling a plugin's
 * ProcessorParse with empty input, the same way app/plugins/native.ts calls
 * it (`load`, External handle, U8Array buffers). Run as a child process so
 * the Go runtime is not loaded into the benchmark's own process.
 * Usage: node ffi.js PLUGIN.so [CALLS]  →  {"perCallUs":..,"batches":[...]}
 */
import ffi from 'ffi-rs';

const { open, close, load, DataType, isNullPointer } = ffi;
const file = process.argv[2];
const calls = Number(process.argv[3] ?? 10000);
const library = 'bench-ffi';
open({ library, path: file });
const handle = load({ library, funcName: 'NewProcessor', retType: DataType.External, paramsType: [], paramsValue: [] }) as ffi.JsExternal;
if (isNullPointer(handle)) throw new Error(`${file}: NewProcessor returned NULL`);
const empty = Buffer.alloc(0);
const out = Buffer.alloc(1 << 20);
const paramsType = [DataType.External, DataType.U8Array, DataType.I64, DataType.I32, DataType.U8Array, DataType.I64];
const parse = (): number =>
  load({ library, funcName: 'ProcessorParse', retType: DataType.I64, paramsType, paramsValue: [handle, empty, 0, 0, out, out.length] }) as number;

const first = parse();
if (first !== 0) throw new Error(`ProcessorParse(empty, eof=0) returned ${first}, expected 0`);
for (let i = 0; i < 1000; i++) parse(); // warm up
const batches: number[] = [];
for (let b = 0; b < 5; b++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) parse();
  batches.push(Number(process.hrtime.bigint() - t0) / 1000 / calls);
}
load({ library, funcName: 'ProcessorFree', retType: DataType.Void, paramsType: [DataType.External], paramsValue: [handle] });
close(library);
const sorted = [...batches].sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ calls, perCallUs: sorted[2], batches }) + '\n');

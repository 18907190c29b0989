// The ESS's lagged sums (diagnostics.ts's lagSums8) as a WebAssembly SIMD loop. Two lags share one
// f64x2 accumulator, each lane adding its own lag's products in the scalar loop's order (i
// ascending, a multiply then an add, never fused), so the sums are the JS loop's bit for bit while
// V8's scalar loop, bounds-checked per element, is several times slower.
//
// The module's bytes are assembled here rather than read from a .wasm file: the CLI and the
// extension are esbuild bundles, and the module is a single loop of a dozen opcodes.

/** The part of the WebAssembly API used here; Node's types do not declare the global. */
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => LagMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** A WebAssembly.Memory (what lagMemory returns; any WebAssembly.Memory fits). */
export interface LagMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface LagKernel {
  /**
   * out[k] += Σ_{i<end} v[base+i]·v[base+i+t+k], k = 0…7, v the memory's Float64Array view: the
   * same doubles lagSums8(v.subarray(base), t, end, out) gives.
   */
  sums8(base: number, t: number, end: number, out: Float64Array): void;
  /** Whether `view` lies in this kernel's memory, so that sums8(view.byteOffset / 8, …) reads it. */
  holds(view: Float64Array): boolean;
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** wasm32 addresses 2^32 bytes: 65536 pages, 2^29 doubles. */
const MAX_PAGES = 65536;

// ───────────────────────────── a tiny assembler ─────────────────────────────

/** Unsigned LEB128, the binary format's encoding of every count, index and immediate. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

/** A vector: its length, then its items. */
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

const op = {
  block: 0x02,
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f64Load: 0x2b,
  i32Const: 0x41,
  i32Ne: 0x47,
  i32Add: 0x6a,
  i32Shl: 0x74,
  /** A block that leaves nothing on the stack. */
  void: 0x40,
  simd: 0xfd,
} as const;

/** The SIMD opcodes, each written after the 0xfd prefix as a LEB128 number. */
const simd = {
  v128Load: 0,
  f64x2Splat: 20,
  f64x2ExtractLane: 33,
  f64x2ReplaceLane: 34,
  f64x2Add: 240,
  f64x2Mul: 242,
} as const;

/** A memory access: log2 of the alignment the code promises (a hint only), then a byte offset. */
const memarg = (alignLog2: number, offset: number): number[] => [alignLog2, ...uleb(offset)];
const simdOp = (code: number, ...imm: number[]): number[] => [op.simd, ...uleb(code), ...imm];
const get = (i: number): number[] => [op.localGet, ...uleb(i)];
const set = (i: number): number[] => [op.localSet, ...uleb(i)];

// sums8(base, t, end, s0 … s7) → (s0 … s7), every index in doubles. The sums go in and out as
// parameters and results (multi-value), so the module keeps nothing in the caller's memory.
const P_BASE = 0,
  P_T = 1,
  P_END = 2,
  P_S0 = 3;
// Locals after the 11 parameters: byte addresses p (of c_i), q (of c_{i+t}), stop (p's end), then
// a = (c_i, c_i) and the four accumulators, lags (0,1), (2,3), (4,5), (6,7).
const L_P = 11,
  L_Q = 12,
  L_STOP = 13,
  L_A = 14,
  L_ACC = 15;

function body(): number[] {
  const code: number[] = [];
  // Accumulator k starts from (s_2k, s_2k+1).
  for (let k = 0; k < 4; k++)
    code.push(
      ...get(P_S0 + 2 * k),
      ...simdOp(simd.f64x2Splat),
      ...get(P_S0 + 2 * k + 1),
      ...simdOp(simd.f64x2ReplaceLane, 1),
      ...set(L_ACC + k),
    );
  // Byte addresses (index << 3): past 2^31 bytes they are negative i32s, which loads read as the
  // same bits unsigned, so the whole 4 GiB is reachable. (i32.const's immediate is signed LEB128;
  // the small constants here, 3 and 8, are one byte each.)
  const bytes = (a: number[]): number[] => [...a, op.i32Const, 3, op.i32Shl];
  code.push(...bytes(get(P_BASE)), ...set(L_P));
  code.push(...bytes([...get(P_BASE), ...get(P_END), op.i32Add]), ...set(L_STOP));
  code.push(...bytes([...get(P_BASE), ...get(P_T), op.i32Add]), ...set(L_Q));
  // The loop runs at least once, so the caller never passes end = 0.
  code.push(op.loop, op.void);
  code.push(...get(L_P), op.f64Load, ...memarg(3, 0), ...simdOp(simd.f64x2Splat), ...set(L_A));
  for (let k = 0; k < 4; k++)
    code.push(
      ...get(L_ACC + k),
      ...get(L_A),
      // (c_{i+t+2k}, c_{i+t+2k+1}): eight-byte alignment only, hence the hint 3.
      ...get(L_Q),
      ...simdOp(simd.v128Load, ...memarg(3, 16 * k)),
      ...simdOp(simd.f64x2Mul),
      ...simdOp(simd.f64x2Add),
      ...set(L_ACC + k),
    );
  code.push(...get(L_Q), op.i32Const, 8, op.i32Add, ...set(L_Q));
  code.push(...get(L_P), op.i32Const, 8, op.i32Add, op.localTee, ...uleb(L_P));
  code.push(...get(L_STOP), op.i32Ne, op.brIf, 0, op.end);
  for (let k = 0; k < 4; k++)
    for (let lane = 0; lane < 2; lane++)
      code.push(...get(L_ACC + k), ...simdOp(simd.f64x2ExtractLane, lane));
  code.push(op.end);
  // Locals are declared in runs of one type: 3 i32, then 5 v128.
  const locals = vec([
    [3, I32],
    [5, V128],
  ]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/**
 * The module's bytes. Its memory is imported (the caller owns it); a shared memory links only to a
 * module that declares its import shared, with a maximum, hence two variants.
 */
export function lagModuleBytes(shared: boolean): Uint8Array {
  const eightF64 = new Array<number>(8).fill(F64);
  const type = [
    0x60,
    ...vec([[I32], [I32], [I32], ...eightF64.map((t) => [t])]),
    ...vec(eightF64.map((t) => [t])),
  ];
  // Limits: flag 0 = a minimum only; 3 = shared, with a maximum.
  const limits = shared ? [0x03, 0, ...uleb(MAX_PAGES)] : [0x00, 0];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('sums8'), 0x00, 0]])),
    ...section(10, vec([body()])),
  ]);
}

// ───────────────────────────── the API ─────────────────────────────

type Sums8 = (base: number, t: number, end: number, ...s: number[]) => number[];

const instantiate = (api: WasmApi, module: object, memory: LagMemory): Sums8 =>
  new api.Instance(module, { env: { memory } }).exports.sums8 as Sums8;

/**
 * V8 first runs a module in its baseline compiler, here about 3× slower than its optimised code
 * (7 ms against 2.3 ms a pass over 2 M draws), and swaps in the optimised code only between calls,
 * once a function has run for a while: the first pass over a run's draws would run baseline code
 * throughout. A few short passes over a page of zeros of its own (about 0.3 ms) start the optimising
 * compile in the background as soon as the module is made, which the caller's centring then hides.
 */
function warm(api: WasmApi, module: object, shared: boolean): void {
  const run = instantiate(api, module, new api.Memory({ initial: 1, maximum: 1, shared }));
  for (let pass = 0; pass < 8; pass++) run(0, 0, 8000, 0, 0, 0, 0, 0, 0, 0, 0);
}

/** Compiled once per thread and variant; null where WebAssembly or its SIMD is unavailable. */
const modules = new Map<boolean, object | null>();

function compiled(shared: boolean): object | null {
  if (!modules.has(shared)) {
    let m: object | null = null;
    try {
      const bytes = lagModuleBytes(shared);
      if (wasmApi?.validate(bytes)) {
        m = new wasmApi.Module(bytes);
        warm(wasmApi, m, shared);
      }
    } catch {
      m = null;
    }
    modules.set(shared, m);
  }
  return modules.get(shared) ?? null;
}

const kernels = new WeakMap<LagMemory, LagKernel>();

const isShared = (m: LagMemory): boolean =>
  typeof SharedArrayBuffer !== 'undefined' && m.buffer instanceof SharedArrayBuffer;

/** null where WebAssembly or its SIMD is unavailable (callers keep the JS loop). */
export function lagKernel(memory: LagMemory): LagKernel | null {
  const known = kernels.get(memory);
  if (known) return known;
  const module = compiled(isShared(memory));
  if (!module || !wasmApi) return null;
  const run = instantiate(wasmApi, module, memory);
  const kernel: LagKernel = {
    sums8(base, t, end, out) {
      const doubles = memory.buffer.byteLength / 8;
      if (
        !(Number.isSafeInteger(base) && Number.isSafeInteger(t) && Number.isSafeInteger(end)) ||
        base < 0 ||
        t < 0 ||
        end < 0 ||
        (end > 0 && base + end + t + 7 > doubles)
      )
        throw new RangeError(
          `lag sums: base ${base}, lag ${t}, end ${end} read past the memory's ${doubles} doubles; pass non-negative integers with base + end + t + 7 ≤ ${doubles}`,
        );
      if (end === 0) return;
      const s = run(base, t, end, out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7]);
      for (let k = 0; k < 8; k++) out[k] = s[k];
    },
    holds: (view) => view.buffer === memory.buffer,
  };
  kernels.set(memory, kernel);
  return kernel;
}

/**
 * A memory of at least `doubles` doubles; shared (SharedArrayBuffer-backed) when asked, so that a
 * worker thread can touch its pages or read it. It never grows (growing would detach an unshared
 * memory's views), so its maximum is its size.
 */
export function lagMemory(doubles: number, shared: boolean): LagMemory {
  if (!wasmApi) throw new Error('lag memory: this runtime has no WebAssembly; use the JS loop');
  const pages = Math.max(1, Math.ceil((doubles * 8) / PAGE));
  if (!Number.isSafeInteger(doubles) || doubles < 0 || pages > MAX_PAGES)
    throw new RangeError(
      `lag memory: ${doubles} doubles is not a size wasm32 addresses; ask for 0 … ${(MAX_PAGES * PAGE) / 8}`,
    );
  return new wasmApi.Memory({ initial: pages, maximum: pages, shared });
}

/**
 * `doubles` doubles for centred draws: in a kernel's memory, with the kernel, where this runtime
 * has WebAssembly SIMD and the size fits wasm32; else a plain array (shared when asked) and no
 * kernel, for the JS loop.
 */
export function lagWork(
  doubles: number,
  shared: boolean,
): { values: Float64Array; memory: LagMemory | null; kernel: LagKernel | null } {
  try {
    const memory = lagMemory(doubles, shared);
    const kernel = lagKernel(memory);
    if (kernel) return { values: new Float64Array(memory.buffer, 0, doubles), memory, kernel };
  } catch {
    // No WebAssembly, or a size beyond wasm32: the JS loop below.
  }
  const buffer = shared ? new SharedArrayBuffer(8 * doubles) : new ArrayBuffer(8 * doubles);
  return { values: new Float64Array(buffer), memory: null, kernel: null };
}

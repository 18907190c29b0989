// Gradient kernels for tfjs-backend-wasm 4.22: it has no Conv2DBackpropFilter (a CNN cannot train on it
// as shipped), and its Conv2DBackpropInput and MaxPoolGrad are naive loops that dominate a training step
// (docs/tfjs.md); its BatchMatMul is slow with a transposed operand. The convolution gradients are rewritten as forward convolutions, which run on the
// backend's own XNNPACK Conv2D; the pooling gradient is a single scatter pass over the wasm heap.
// Every kernel here is checked against the cpu backend in test/unit/training/kernels.test.ts.
import type {
  DataId,
  KernelConfig,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { Tf } from './backend';

/** The parts of BackendWasm we use (its class type lives in a package we load lazily). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

type Pad =
  | 'valid'
  | 'same'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface Ctx {
  tf: Tf;
  backend: WasmBackend;
  /** Kernels of the wasm backend we build on, captured before we replace any. */
  kernels: Record<string, KernelConfig>;
}

function call(ctx: Ctx, name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const out = ctx.kernels[name].kernelFunc({ inputs, backend: ctx.backend, attrs: attrs });
  return Array.isArray(out) ? out[0] : out;
}

/** A kernel input by name; the engine always passes the ones the kernel declares. */
function req(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`wasm gradient kernel: missing input '${name}'`);
  return t;
}

function free(ctx: Ctx, ...infos: TensorInfo[]): void {
  for (const t of infos) ctx.backend.disposeData(t.dataId, true);
}

/**
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} xpad[b, oh·s+kh, ow·s+kw, ci] · dy[b,oh,ow,co]: a forward convolution of
 * x as [Cin, H, W, B] (batch ↔ channels swapped) with dy as a [OH, OW, B, Cout] filter dilated by the stride.
 */
function conv2DBackpropFilter(
  ctx: Ctx,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const x = req(inputs, 'x');
  const dy = req(inputs, 'dy');
  const strides = attrs.strides as number | [number, number];
  const pad = attrs.pad as Pad;
  const filterShape = attrs.filterShape as Shape4;
  const dimRoundingMode = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  if (attrs.dataFormat === 'NCHW')
    throw new Error('Conv2DBackpropFilter (wasm): NCHW is not supported; use NHWC');
  const info = ctx.tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { top, left } = info.padInfo;
  const [, h, w] = x.shape;
  // Pad so that exactly the rows the forward pass read are present: (OH−1)·s + KH of them.
  const needH = (info.outHeight - 1) * sh + kh;
  const needW = (info.outWidth - 1) * sw + kw;
  const bottom = Math.max(0, needH - h - top);
  const right = Math.max(0, needW - w - left);
  const padded =
    top || bottom || left || right
      ? call(
          ctx,
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : null;
  if (x.shape[3] === 1) {
    const out = filterGradOneChannel(ctx, padded ?? x, dy, kh, kw, sh, sw);
    if (padded) free(ctx, padded);
    return out;
  }
  const xt = call(ctx, 'Transpose', { x: padded ?? x }, { perm: [3, 1, 2, 0] });
  const dyt = call(ctx, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = call(
    ctx,
    'Conv2D',
    { x: xt, filter: dyt },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] },
  );
  free(ctx, xt, dyt);
  if (padded) free(ctx, padded);
  // Rows past (OH−1)·s + KH that no output read make the result larger than the filter: crop them.
  let cropped = conv;
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    cropped = call(
      ctx,
      'Slice',
      { x: conv },
      { begin: [0, 0, 0, 0], size: [conv.shape[0], kh, kw, conv.shape[3]] },
    );
    free(ctx, conv);
  }
  const out = call(ctx, 'Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  free(ctx, cropped);
  return out;
}

/**
 * The filter gradient of a one-channel convolution (the first layer of an MNIST net) as one GEMM:
 * dW[(kh,kw), co] = Σ_r P[(kh,kw), r] · dy[r, co] over the R = B·OH·OW output pixels, with P the patches
 * of x (im2col, transposed, built here in one pass) and dy used as it lies, a [R, Cout] matrix. Run as
 * a 1×1 convolution on the backend's XNNPACK, it needs no transpose of dy and no output transpose,
 * and avoids the general path's Conv2D with a huge [OH, OW, B, Cout] filter and only KH·KW outputs.
 */
function filterGradOneChannel(
  ctx: Ctx,
  xp: TensorInfo,
  dy: TensorInfo,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): TensorInfo {
  const [b, hp, wp] = xp.shape;
  const [, oh, ow, co] = dy.shape;
  const r = b * oh * ow;
  const pt = ctx.backend.makeOutput([1, 1, kh * kw, r], 'float32');
  const src = ctx.backend.typedArrayFromHeap(xp) as Float32Array;
  const dst = ctx.backend.typedArrayFromHeap(pt) as Float32Array;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      let d = (i * kw + j) * r;
      for (let n = 0; n < b; n++) {
        for (let y = 0; y < oh; y++) {
          let s0 = (n * hp + y * sh + i) * wp + j;
          for (let x = 0; x < ow; x++, s0 += sw) dst[d++] = src[s0];
        }
      }
    }
  }
  const out = call(
    ctx,
    'Conv2D',
    { x: pt, filter: view(dy, [1, 1, r, co]) },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
  free(ctx, pt);
  return view(out, [kh, kw, 1, co]);
}

/**
 * dx = dy (padded by K−1−pad) convolved with the filter flipped in space and with in/out channels
 * swapped. A stride above 1 (or a padding wider than the kernel) spreads dy with zeros between its rows
 * and columns first (spreadGrad): s² times the multiply-adds of an exact sub-pixel scheme, but on
 * XNNPACK's convolution, where the backend's own kernel is a naive loop many times slower.
 */
function conv2DBackpropInput(
  ctx: Ctx,
  original: KernelConfig,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const dy = req(inputs, 'dy');
  const filter = req(inputs, 'filter');
  const inputShape = attrs.inputShape as Shape4;
  const strides = attrs.strides as number | [number, number];
  const pad = attrs.pad as Pad;
  const dimRoundingMode = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  const info = ctx.tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const { top, left } = info.padInfo;
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const padBottom = info.inHeight + kh - 1 - info.outHeight - padTop;
  const padRight = info.inWidth + kw - 1 - info.outWidth - padLeft;
  if (attrs.dataFormat === 'NCHW') {
    const out = original.kernelFunc({ inputs, backend: ctx.backend, attrs });
    return Array.isArray(out) ? out[0] : out;
  }
  const plain =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    Math.min(padTop, padLeft, padBottom, padRight) >= 0;
  const padded = !plain
    ? spreadGrad(ctx, dy, info.inHeight + kh - 1, info.inWidth + kw - 1, {
        sh: info.strideHeight,
        sw: info.strideWidth,
        top: padTop,
        left: padLeft,
      })
    : padTop || padLeft || padBottom || padRight
      ? call(
          ctx,
          'PadV2',
          { x: dy },
          {
            paddings: [
              [0, 0],
              [padTop, padBottom],
              [padLeft, padRight],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : null;
  const swapped = flipSwap(ctx, filter);
  const out = call(
    ctx,
    'Conv2D',
    { x: padded ?? dy, filter: swapped },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
  free(ctx, swapped);
  if (padded) free(ctx, padded);
  return out;
}

/**
 * dy spread for a strided (or over-padded) convolution's input gradient: row oh lands at oh·s + top of
 * a zero [B, H + KH − 1, W + KW − 1, C] field (columns alike), so a stride-1 valid convolution with the
 * flipped filter gives dx. Rows that land outside only reach positions outside the input.
 */
function spreadGrad(
  ctx: Ctx,
  dy: TensorInfo,
  hz: number,
  wz: number,
  at: { sh: number; sw: number; top: number; left: number },
): TensorInfo {
  const [b, oh, ow, c] = dy.shape;
  const out = ctx.backend.makeOutput([b, hz, wz, c], 'float32');
  // Views after makeOutput: allocating may grow (and move) the heap.
  const src = ctx.backend.typedArrayFromHeap(dy) as Float32Array;
  const dst = ctx.backend.typedArrayFromHeap(out) as Float32Array;
  dst.fill(0);
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < oh; y++) {
      const p = y * at.sh + at.top;
      if (p < 0 || p >= hz) continue;
      for (let x = 0; x < ow; x++) {
        const q = x * at.sw + at.left;
        if (q < 0 || q >= wz) continue;
        const s0 = ((n * oh + y) * ow + x) * c;
        dst.set(src.subarray(s0, s0 + c), ((n * hz + p) * wz + q) * c);
      }
    }
  }
  return out;
}

/**
 * The filter flipped in space with its in/out channels swapped: [KH, KW, Cin, Cout] → [KH, KW, Cout, Cin],
 * out[kh, kw, co, ci] = f[KH−1−kh, KW−1−kw, ci, co]. One pass on the heap; the backend's Reverse and
 * Transpose took ~0.6 ms for the CNN's 18,432-weight filter.
 */
function flipSwap(ctx: Ctx, f: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = f.shape;
  const out = ctx.backend.makeOutput([kh, kw, co, ci], 'float32');
  // Views after makeOutput: allocating may grow (and move) the heap.
  const src = ctx.backend.typedArrayFromHeap(f) as Float32Array;
  const dst = ctx.backend.typedArrayFromHeap(out) as Float32Array;
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      const s0 = ((kh - 1 - h) * kw + (kw - 1 - w)) * ci * co;
      const d0 = (h * kw + w) * co * ci;
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) dst[d0 + o * ci + i] = src[s0 + i * co + o];
    }
  }
  return out;
}

/**
 * dx of max pooling: every output cell sends its gradient to the first maximum of its window (the cpu
 * backend's rule), accumulated where windows overlap. One pass over the input, in place on the heap.
 */
/** The usual 2×2, stride-2 pooling: four contiguous channel rows per window, read sequentially. */
function maxPool2x2GradLoop(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  batch: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
): void {
  const row = W * C;
  let d = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const i0 = (b * H + 2 * oh) * row + 2 * ow * C;
        const i1 = i0 + C;
        const i2 = i0 + row;
        const i3 = i2 + C;
        for (let c = 0; c < C; c++, d++) {
          // First maximum in row-major window order, as on cpu (ties keep the earlier position).
          let bi = i0 + c;
          let bv = x[bi];
          if (x[i1 + c] > bv) {
            bi = i1 + c;
            bv = x[bi];
          }
          if (x[i2 + c] > bv) {
            bi = i2 + c;
            bv = x[bi];
          }
          if (x[i3 + c] > bv) bi = i3 + c;
          dx[bi] = dy[d];
        }
      }
    }
  }
}

/** The scatter itself, on plain arrays (a separate function so it stays monomorphic and optimised). */
function maxPoolGradLoop(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  batch: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
  sh: number,
  sw: number,
  fh: number,
  fw: number,
  top: number,
  left: number,
): void {
  const rowStride = W * C;
  for (let b = 0; b < batch; b++) {
    const xb = b * H * rowStride;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - top;
      const hs = Math.max(0, h0);
      const he = Math.min(H, h0 + fh);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - left;
        const ws = Math.max(0, w0);
        const we = Math.min(W, w0 + fw);
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let bi = -1;
          let bv = 0;
          for (let hh = hs; hh < he; hh++) {
            let idx = xb + hh * rowStride + ws * C + c;
            for (let ww = ws; ww < we; ww++, idx += C) {
              const v = x[idx];
              // Strictly greater: the first maximum in row-major window order wins, as on cpu.
              if (bi < 0 || v > bv) {
                bv = v;
                bi = idx;
              }
            }
          }
          if (bi >= 0) dx[bi] += dy[dyBase + c];
        }
      }
    }
  }
}

function maxPoolGrad(ctx: Ctx, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const dy = req(inputs, 'dy');
  const input = req(inputs, 'input');
  const info = ctx.tf.backend_util.computePool2DInfo(
    input.shape as Shape4,
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const dx = ctx.backend.makeOutput(input.shape, 'float32');
  // Views after makeOutput: allocating may grow (and move) the heap. No copies: large temporary arrays
  // per step cost more in garbage collection than the scatter itself.
  const heap = (t: TensorInfo): Float32Array => ctx.backend.typedArrayFromHeap(t) as Float32Array;
  const out = heap(dx);
  out.fill(0);
  const { top, left } = info.padInfo;
  if (
    info.filterHeight === 2 &&
    info.filterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    top === 0 &&
    left === 0
  ) {
    maxPool2x2GradLoop(
      heap(input),
      heap(dy),
      out,
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
    );
    return dx;
  }
  maxPoolGradLoop(
    heap(input),
    heap(dy),
    out,
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.filterHeight,
    info.filterWidth,
    top,
    left,
  );
  return dx;
}

/** The same buffer seen with another shape (what the backend's own Reshape does, minus the refcount). */
function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * C = op(A)·op(B) as a 1×1 convolution: A as an image of M pixels with K channels, B as a [1, 1, K, N]
 * filter. XNNPACK's convolution is a tuned GEMM; the backend's own BatchMatMul is 2.5× slower on plain
 * products and about 10× slower when an operand is transposed — which every backward pass of a Linear
 * layer asks for. Transposed operands are transposed explicitly first (cheap). Only products without a
 * real batch take this path; batched ones go to the backend's kernel.
 */
function batchMatMul(
  ctx: Ctx,
  original: KernelConfig,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const a = req(inputs, 'a');
  const b = req(inputs, 'b');
  const tA = attrs.transposeA === true;
  const tB = attrs.transposeB === true;
  const outer = (t: TensorInfo): number => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || outer(a) !== 1 || outer(b) !== 1) {
    const out = original.kernelFunc({ inputs, backend: ctx.backend, attrs });
    return Array.isArray(out) ? out[0] : out;
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k] = tA ? [ac, ar] : [ar, ac];
  const [k2, n] = tB ? [bc, br] : [br, bc];
  if (k !== k2)
    throw new Error(
      `matMul: inner dimensions ${k} and ${k2} of shapes ${a.shape} and ${b.shape} differ`,
    );
  const at = tA ? call(ctx, 'Transpose', { x: view(a, [ar, ac]) }, { perm: [1, 0] }) : null;
  const bt = tB ? call(ctx, 'Transpose', { x: view(b, [br, bc]) }, { perm: [1, 0] }) : null;
  const out = call(
    ctx,
    'Conv2D',
    { x: view(at ?? a, [1, 1, m, k]), filter: view(bt ?? b, [1, 1, k, n]) },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
  if (at) free(ctx, at);
  if (bt) free(ctx, bt);
  const rank = Math.max(a.shape.length, b.shape.length);
  return view(out, [...new Array<number>(rank - 2).fill(1), m, n]);
}

/**
 * Sum over leading axes (a bias gradient: dy [B, H, W, C] summed to [C]). The backend transposes the
 * reduced axes to the end first; here it is one sequential pass, accumulated in double precision.
 * Any other reduction goes to the backend's kernel.
 */
function sumLeading(
  ctx: Ctx,
  original: KernelConfig,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const x = req(inputs, 'x');
  const rank = x.shape.length;
  const raw = attrs.axis as number | number[];
  const axes = (Array.isArray(raw) ? raw : [raw])
    .map((a) => (a < 0 ? a + rank : a))
    .sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) {
    const out = original.kernelFunc({ inputs, backend: ctx.backend, attrs });
    return Array.isArray(out) ? out[0] : out;
  }
  const keep = x.shape.slice(axes.length);
  const c = keep.reduce((p, q) => p * q, 1);
  const n = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
  const outShape =
    attrs.keepDims === true ? [...new Array<number>(axes.length).fill(1), ...keep] : keep;
  const out = ctx.backend.makeOutput(outShape, 'float32');
  sumRows(
    ctx.backend.typedArrayFromHeap(x) as Float32Array,
    n,
    c,
    ctx.backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

function sumRows(x: Float32Array, n: number, c: number, out: Float32Array): void {
  const acc = new Float64Array(c);
  for (let i = 0, off = 0; i < n; i++, off += c) for (let j = 0; j < c; j++) acc[j] += x[off + j];
  for (let j = 0; j < c; j++) out[j] = acc[j];
}

let registered = false;
/** Kernel functions we registered, so tests can check that the backend really runs ours. */
const ours = new WeakSet<KernelConfig['kernelFunc']>();

export function isOurKernel(k: KernelConfig | undefined): boolean {
  return !!k && ours.has(k.kernelFunc);
}

/** Registers our kernels for the wasm backend (once; the wasm backend must be initialised already). */
export function registerWasmGradKernels(tf: Tf): void {
  if (registered) return;
  const backend = tf.findBackend('wasm') as unknown as WasmBackend | null;
  if (!backend) throw new Error('registerWasmGradKernels: the wasm backend is not initialised');
  const names = ['Conv2D', 'Transpose', 'PadV2', 'Slice'];
  const kernels: Record<string, KernelConfig> = {};
  for (const n of names) kernels[n] = tf.getKernel(n, 'wasm');
  const ctx: Ctx = { tf, backend, kernels };
  const replace = (
    kernelName: string,
    make: (original: KernelConfig | undefined) => KernelConfig['kernelFunc'],
  ): void => {
    const original = tf.getKernel(kernelName, 'wasm') as KernelConfig | undefined;
    if (original) tf.unregisterKernel(kernelName, 'wasm');
    const kernelFunc = make(original);
    ours.add(kernelFunc);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  replace(
    'Conv2DBackpropFilter',
    () =>
      ({ inputs, attrs }) =>
        conv2DBackpropFilter(ctx, inputs, attrs ?? {}),
  );
  replace('Conv2DBackpropInput', (original) => ({ inputs, attrs }) => {
    if (!original) throw new Error('wasm backend has no Conv2DBackpropInput to fall back on');
    return conv2DBackpropInput(ctx, original, inputs, attrs ?? {});
  });
  replace('BatchMatMul', (original) => ({ inputs, attrs }) => {
    if (!original) throw new Error('wasm backend has no BatchMatMul to fall back on');
    return batchMatMul(ctx, original, inputs, attrs ?? {});
  });
  replace('Sum', (original) => ({ inputs, attrs }) => {
    if (!original) throw new Error('wasm backend has no Sum to fall back on');
    return sumLeading(ctx, original, inputs, attrs ?? {});
  });
  replace(
    'MaxPoolGrad',
    () =>
      ({ inputs, attrs }) =>
        maxPoolGrad(ctx, inputs, attrs ?? {}),
  );
  registered = true;
}

// Gradient kernels for tfjs-backend-wasm 4.22: it has no Conv2DBackpropFilter (a CNN cannot train on it
// as shipped), and its Conv2DBackpropInput and MaxPoolGrad are naive loops that dominate a training step
// (REFERENCE §H). The convolution gradients are rewritten as forward convolutions, which run on the
// backend's own XNNPACK Conv2D; the pooling gradient is a single scatter pass over the wasm heap.
// Every kernel here is checked against the cpu backend in test/unit/training/kernels.test.ts.
import type { DataId, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';

/** The parts of BackendWasm we use (its class type lives in a package we load lazily). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
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
function conv2DBackpropFilter(ctx: Ctx, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const x = req(inputs, 'x');
  const dy = req(inputs, 'dy');
  const strides = attrs.strides as number | [number, number];
  const pad = attrs.pad as Pad;
  const filterShape = attrs.filterShape as Shape4;
  const dimRoundingMode = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): NCHW is not supported; use NHWC');
  const info = ctx.tf.backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode);
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { top, left } = info.padInfo;
  const [, h, w] = x.shape;
  // Pad so that exactly the rows the forward pass read are present: (OH−1)·s + KH of them.
  const needH = (info.outHeight - 1) * sh + kh;
  const needW = (info.outWidth - 1) * sw + kw;
  const bottom = Math.max(0, needH - h - top);
  const right = Math.max(0, needW - w - left);
  const padded = top || bottom || left || right
    ? call(ctx, 'PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })
    : null;
  const xt = call(ctx, 'Transpose', { x: padded ?? x }, { perm: [3, 1, 2, 0] });
  const dyt = call(ctx, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = call(ctx, 'Conv2D', { x: xt, filter: dyt }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] });
  free(ctx, xt, dyt);
  if (padded) free(ctx, padded);
  // Rows past (OH−1)·s + KH that no output read make the result larger than the filter: crop them.
  let cropped = conv;
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    cropped = call(ctx, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [conv.shape[0], kh, kw, conv.shape[3]] });
    free(ctx, conv);
  }
  const out = call(ctx, 'Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  free(ctx, cropped);
  return out;
}

/**
 * dx = dy (padded by K−1−pad) convolved with the filter flipped in space and with in/out channels
 * swapped. Only stride 1 takes this path (no zero-insertion needed); other strides and paddings wider
 * than the kernel fall back to the backend's own kernel, which is correct, only slower.
 */
function conv2DBackpropInput(ctx: Ctx, original: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const dy = req(inputs, 'dy');
  const filter = req(inputs, 'filter');
  const inputShape = attrs.inputShape as Shape4;
  const strides = attrs.strides as number | [number, number];
  const pad = attrs.pad as Pad;
  const dimRoundingMode = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  const info = ctx.tf.backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode);
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const { top, left } = info.padInfo;
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const padBottom = info.inHeight + kh - 1 - info.outHeight - padTop;
  const padRight = info.inWidth + kw - 1 - info.outWidth - padLeft;
  if (attrs.dataFormat === 'NCHW' || info.strideHeight !== 1 || info.strideWidth !== 1 || Math.min(padTop, padLeft, padBottom, padRight) < 0) {
    const out = original.kernelFunc({ inputs, backend: ctx.backend, attrs });
    return Array.isArray(out) ? out[0] : out;
  }
  const padded = padTop || padLeft || padBottom || padRight
    ? call(ctx, 'PadV2', { x: dy }, { paddings: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]], constantValue: 0 })
    : null;
  const flipped = call(ctx, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = call(ctx, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  free(ctx, flipped);
  const out = call(ctx, 'Conv2D', { x: padded ?? dy, filter: swapped }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  free(ctx, swapped);
  if (padded) free(ctx, padded);
  return out;
}

/**
 * dx of max pooling: every output cell sends its gradient to the first maximum of its window (the cpu
 * backend's rule), accumulated where windows overlap. One pass over the input, in place on the heap.
 */
function maxPoolGrad(ctx: Ctx, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const dy = req(inputs, 'dy');
  const input = req(inputs, 'input');
  const info = ctx.tf.backend_util.computePool2DInfo(input.shape as Shape4, attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number], 1, attrs.pad as Pad, attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined);
  const dx = ctx.backend.makeOutput(input.shape, 'float32');
  // Views after makeOutput: allocating may grow (and move) the heap.
  const dxv = ctx.backend.typedArrayFromHeap(dx) as Float32Array;
  const xv = ctx.backend.typedArrayFromHeap(input) as Float32Array;
  const dyv = ctx.backend.typedArrayFromHeap(dy) as Float32Array;
  dxv.fill(0);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const best = new Int32Array(C);
  const bestVal = new Float32Array(C);
  for (let b = 0; b < batchSize; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - top;
      const hs = Math.max(0, h0);
      const he = Math.min(H, h0 + fh);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - left;
        const ws = Math.max(0, w0);
        const we = Math.min(W, w0 + fw);
        best.fill(-1);
        bestVal.fill(-Infinity);
        for (let hh = hs; hh < he; hh++) {
          for (let ww = ws; ww < we; ww++) {
            const base = xb + (hh * W + ww) * C;
            for (let c = 0; c < C; c++) {
              const v = xv[base + c];
              // Strictly greater: the first maximum in row-major window order wins, as on cpu.
              if (v > bestVal[c] || best[c] < 0) {
                bestVal[c] = v;
                best[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) if (best[c] >= 0) dxv[best[c]] += dyv[dyBase + c];
      }
    }
  }
  return dx;
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
  const names = ['Conv2D', 'Transpose', 'PadV2', 'Reverse', 'Slice'];
  const kernels: Record<string, KernelConfig> = {};
  for (const n of names) kernels[n] = tf.getKernel(n, 'wasm');
  const ctx: Ctx = { tf, backend, kernels };
  const replace = (kernelName: string, make: (original: KernelConfig | undefined) => KernelConfig['kernelFunc']): void => {
    const original = tf.getKernel(kernelName, 'wasm') as KernelConfig | undefined;
    if (original) tf.unregisterKernel(kernelName, 'wasm');
    const kernelFunc = make(original);
    ours.add(kernelFunc);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  replace('Conv2DBackpropFilter', () => ({ inputs, attrs }) => conv2DBackpropFilter(ctx, inputs, attrs ?? {}));
  replace('Conv2DBackpropInput', (original) => ({ inputs, attrs }) => {
    if (!original) throw new Error('wasm backend has no Conv2DBackpropInput to fall back on');
    return conv2DBackpropInput(ctx, original, inputs, attrs ?? {});
  });
  replace('MaxPoolGrad', () => ({ inputs, attrs }) => maxPoolGrad(ctx, inputs, attrs ?? {}));
  registered = true;
}

// Builders for the layers beyond the built-in nets' (net.ts calls them): 1-D, grouped, dilated and
// transposed convolutions, padded and ceil-mode pooling, LayerNorm, GroupNorm, Embedding, resampling
// (Upsample, F.interpolate, adaptive average pooling), channel dropout, softmax over any dim. Each one
// reproduces PyTorch's forward exactly (checked against PyTorch's own numbers in
// test/unit/training/layers.test.ts) and uses only ops whose gradients every backend has — where a
// faster op lacks a gradient kernel on the active backend (wasm), an equivalent formulation is used.
import type { Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import type { InterpMode, LayerSpec, NetSpec, Pair } from './spec';

/**
 * 'nhwc': channels last — rank 4 [B, H, W, C] standing for PyTorch's [B, C, H, W], rank 3 [B, L, C] for
 * [B, C, L]; what tfjs convolves and pools. 'plain': PyTorch's own order.
 */
export type Layout = 'nhwc' | 'plain';
export interface Act {
  t: Tensor;
  layout: Layout;
}
export type Step = (a: Act, training: boolean) => Act;
export type MakeVar = (
  values: Float32Array,
  shape: number[],
  name: string,
  trainable?: boolean,
) => Variable;

/** Channels-last → PyTorch's order. With one channel the memory order is the same, so a reshape suffices. */
export function toPlain(tf: Tf, a: Act): Act {
  if (a.layout === 'plain') return a;
  const s = a.t.shape;
  const r = s.length;
  const c = s[r - 1];
  const t =
    c === 1
      ? tf.reshape(a.t, [s[0], 1, ...s.slice(1, -1)])
      : tf.transpose(a.t, [0, r - 1, ...range(1, r - 1)]);
  return { t, layout: 'plain' };
}

/** PyTorch's [B, C, spatial…] → channels last; `rank` is what the caller needs (3 for 1-D ops, 4 for 2-D). */
export function toChannelsLast(tf: Tf, a: Act, what: string, rank: number): Act {
  if (a.t.rank !== rank)
    throw new Error(
      `${what} needs a ${rank}-D input [B, C${rank === 3 ? ', L' : ', H, W'}], got rank ${a.t.rank}`,
    );
  if (a.layout === 'nhwc') return a;
  const s = a.t.shape;
  const t =
    s[1] === 1
      ? tf.reshape(a.t, [s[0], ...s.slice(2), 1])
      : tf.transpose(a.t, [0, ...range(2, rank), 1]);
  return { t, layout: 'nhwc' };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export function uniform(n: number, bound: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * bound;
  return a;
}

/** N(0, 1) by Box–Muller from our seeded generator (PyTorch's Embedding initialisation). */
export function normal(n: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rand();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * rand();
    a[i] = r * Math.cos(th);
    if (i + 1 < n) a[i + 1] = r * Math.sin(th);
  }
  return a;
}

/** Whether the active backend has a kernel (gradient kernels are what wasm lacks). */
function hasKernel(tf: Tf, name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** A 1-D op as a 2-D one: [B, L, C] ↔ [B, 1, L, C]. */
function unsqueezeH(tf: Tf, x: Tensor): Tensor {
  const [b, l, c] = x.shape as [number, number, number];
  return tf.reshape(x, [b, 1, l, c]);
}
function squeezeH(tf: Tf, y: Tensor): Tensor {
  const [b, , l, c] = y.shape as [number, number, number, number];
  return tf.reshape(y, [b, l, c]);
}

/**
 * A kernel [KH, KW, …] dilated by d: zeros between taps, so a plain convolution computes the dilated one.
 * tfjs has no gradient for dilated conv2d/conv2dTranspose, but pad/reshape/slice have gradients everywhere.
 */
function dilateKernel(tf: Tf, w: Tensor4D, d: Pair): Tensor4D {
  let t: Tensor4D = w;
  const [kh, kw, a, b] = w.shape;
  if (d[0] > 1 && kh > 1) {
    const r = tf.pad(tf.reshape(t, [kh, 1, kw * a * b]), [
      [0, 0],
      [0, d[0] - 1],
      [0, 0],
    ]);
    t = tf.slice(
      tf.reshape(r, [kh * d[0], kw, a, b]),
      [0, 0, 0, 0],
      [(kh - 1) * d[0] + 1, kw, a, b],
    ) as Tensor4D;
  }
  if (d[1] > 1 && kw > 1) {
    const KH = t.shape[0];
    const r = tf.pad(tf.reshape(t, [KH, kw, 1, a * b]), [
      [0, 0],
      [0, 0],
      [0, d[1] - 1],
      [0, 0],
    ]);
    t = tf.slice(
      tf.reshape(r, [KH, kw * d[1], a, b]),
      [0, 0, 0, 0],
      [KH, (kw - 1) * d[1] + 1, a, b],
    ) as Tensor4D;
  }
  return t;
}

type ConvSpec = Extract<LayerSpec, { op: 'conv2d' | 'conv1d' }>;
type ConvTSpec = Extract<LayerSpec, { op: 'convtranspose2d' | 'convtranspose1d' }>;

/** Conv1d/Conv2d with stride, zero padding (or 'same'), dilation and groups, PyTorch's initialisation. */
export function buildConv(tf: Tf, l: ConvSpec, v: MakeVar, rand: () => number, what: string): Step {
  const oneD = l.op === 'conv1d';
  const k: Pair = oneD ? [1, l.kernel] : l.kernel;
  const s: Pair = oneD ? [1, l.stride] : l.stride;
  const d: Pair = oneD ? [1, l.dilation] : (l.dilation ?? [1, 1]);
  const groups = oneD ? l.groups : (l.groups ?? 1);
  const p = l.padding;
  // 'same' pads D·(K−1) in total, the smaller half first (PyTorch's rule; it allows stride 1 only).
  const same = (i: number): [number, number] => {
    const total = d[i] * (k[i] - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const pads: [[number, number], [number, number]] =
    p === 'same'
      ? [same(0), same(1)]
      : typeof p === 'number'
        ? [
            [0, 0],
            [p, p],
          ]
        : [
            [p[0], p[0]],
            [p[1], p[1]],
          ];
  const cig = l.inChannels / groups;
  if (!Number.isInteger(cig) || l.outChannels % groups !== 0)
    throw new Error(
      `${what}: channels ${l.inChannels}→${l.outChannels} do not divide into ${groups} groups`,
    );
  // kaiming_uniform_(a=√5): bound 1/√fan_in with fan_in = in/groups · K; the bias uses the same bound.
  const bound = 1 / Math.sqrt(cig * k[0] * k[1]);
  const w = v(
    uniform(k[0] * k[1] * cig * l.outChannels, bound, rand),
    [k[0], k[1], cig, l.outChannels],
    `${l.name}.weight`,
  );
  const b = l.bias
    ? v(uniform(l.outChannels, bound, rand), [l.outChannels], `${l.name}.bias`)
    : null;
  const zeroPad = pads.every(([a, z]) => a === 0 && z === 0);
  const depthwise = groups > 1 && groups === l.inChannels;
  return (a) => {
    let x = toChannelsLast(tf, a, what, oneD ? 3 : 4).t;
    if (oneD) x = unsqueezeH(tf, x);
    const wk = dilateKernel(tf, w as unknown as Tensor4D, d);
    let y: Tensor;
    if (groups === 1) {
      // As the built-in nets always did: padding inside the convolution.
      const pad = zeroPad ? ('valid' as const) : ([[0, 0], pads[0], pads[1], [0, 0]] as Pad4);
      y = tf.conv2d(x as Tensor4D, wk, s, pad);
    } else {
      const xp = (zeroPad ? x : tf.pad(x, [[0, 0], pads[0], pads[1], [0, 0]])) as Tensor4D;
      if (
        depthwise &&
        hasKernel(tf, 'DepthwiseConv2dNativeBackpropFilter') &&
        hasKernel(tf, 'DepthwiseConv2dNativeBackpropInput')
      ) {
        // Output channel c·m + j reads input channel c: tfjs's depthwise filter [KH, KW, C, m] in that order.
        const [kh, kw] = wk.shape;
        y = tf.depthwiseConv2d(
          xp,
          tf.reshape(wk, [kh, kw, l.inChannels, l.outChannels / l.inChannels]) as Tensor4D,
          s,
          'valid',
        );
      } else {
        // No depthwise gradient kernels here (wasm): one convolution per group, which has them.
        const xs = tf.split(xp, groups, 3) as Tensor4D[];
        const ws = tf.split(wk, groups, 3) as Tensor4D[];
        y = tf.concat(
          xs.map((xg, g) => tf.conv2d(xg, ws[g], s, 'valid')),
          3,
        );
      }
    }
    if (b) y = tf.add(y, b);
    if (oneD) y = squeezeH(tf, y);
    return { t: y, layout: 'nhwc' };
  };
}

/**
 * ConvTranspose1d/2d. The full transposed convolution ((I−1)·S + D·(K−1) + 1 wide) is cropped by the
 * padding at both ends, and output_padding extends the far end (with zeros before the bias, as PyTorch,
 * where no input reaches). Weights are kept [KH, KW, out/groups, in], tfjs's transposed-filter order.
 */
export function buildConvTranspose(
  tf: Tf,
  l: ConvTSpec,
  v: MakeVar,
  rand: () => number,
  what: string,
): Step {
  const oneD = l.op === 'convtranspose1d';
  const k: Pair = oneD ? [1, l.kernel] : l.kernel;
  const s: Pair = oneD ? [1, l.stride] : l.stride;
  const d: Pair = oneD ? [1, l.dilation] : l.dilation;
  const p: Pair = oneD ? [0, l.padding] : l.padding;
  const op: Pair = oneD ? [0, l.outputPadding] : l.outputPadding;
  const groups = l.groups;
  const cog = l.outChannels / groups;
  if (!Number.isInteger(cog) || l.inChannels % groups !== 0)
    throw new Error(
      `${what}: channels ${l.inChannels}→${l.outChannels} do not divide into ${groups} groups`,
    );
  // PyTorch's fan_in comes from the weight [in, out/groups, K…]: size(1)·K.
  const bound = 1 / Math.sqrt(cog * k[0] * k[1]);
  const w = v(
    uniform(k[0] * k[1] * cog * l.inChannels, bound, rand),
    [k[0], k[1], cog, l.inChannels],
    `${l.name}.weight`,
  );
  const b = l.bias
    ? v(uniform(l.outChannels, bound, rand), [l.outChannels], `${l.name}.bias`)
    : null;
  return (a) => {
    let x = toChannelsLast(tf, a, what, oneD ? 3 : 4).t;
    if (oneD) x = unsqueezeH(tf, x);
    const [B, H, W] = x.shape;
    const wk = dilateKernel(tf, w as unknown as Tensor4D, d);
    const full: [number, number] = [(H - 1) * s[0] + wk.shape[0], (W - 1) * s[1] + wk.shape[1]];
    const tconv = (xg: Tensor4D, wg: Tensor4D): Tensor4D =>
      tf.conv2dTranspose(xg, wg, [B, full[0], full[1], cog], s, 'valid');
    let y: Tensor4D;
    if (groups === 1) y = tconv(x as Tensor4D, wk);
    else {
      const xs = tf.split(x, groups, 3) as Tensor4D[];
      const ws = tf.split(wk, groups, 3) as Tensor4D[];
      y = tf.concat(
        xs.map((xg, g) => tconv(xg, ws[g])),
        3,
      );
    }
    const out: Pair = [full[0] - 2 * p[0] + op[0], full[1] - 2 * p[1] + op[1]];
    const kept: Pair = [Math.min(out[0], full[0] - p[0]), Math.min(out[1], full[1] - p[1])];
    if (p[0] > 0 || p[1] > 0 || kept[0] < full[0] || kept[1] < full[1])
      y = tf.slice(y, [0, p[0], p[1], 0], [B, kept[0], kept[1], l.outChannels]);
    if (kept[0] < out[0] || kept[1] < out[1])
      y = tf.pad(y, [
        [0, 0],
        [0, out[0] - kept[0]],
        [0, out[1] - kept[1]],
        [0, 0],
      ]);
    let r: Tensor = y;
    if (b) r = tf.add(r, b);
    if (oneD) r = tf.reshape(r, [B, out[1], l.outChannels]);
    return { t: r, layout: 'nhwc' };
  };
}

type PoolSpec = Extract<LayerSpec, { op: 'maxpool2d' | 'maxpool1d' | 'avgpool2d' | 'avgpool1d' }>;

/** PyTorch's pooling output size (pooling_output_shape), and how far its last window reaches. */
function poolAxis(
  n: number,
  k: number,
  s: number,
  p: number,
  ceil: boolean,
): { out: number; extra: number } {
  let out = Math.floor((n + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  // The last window must start inside the input or the left padding.
  if (ceil && (out - 1) * s >= n + p) out--;
  return { out, extra: Math.max(0, (out - 1) * s + k - (n + 2 * p)) };
}

/**
 * Max and average pooling, 1-D and 2-D, with PyTorch's padding, ceil_mode, count_include_pad and
 * divisor_override. Padding is explicit (−∞ for max, 0 for average) and the average is rescaled by the
 * divisor PyTorch uses for each window.
 */
export function buildPool(tf: Tf, l: PoolSpec, what: string): Step {
  const oneD = l.op === 'maxpool1d' || l.op === 'avgpool1d';
  const isMax = l.op === 'maxpool2d' || l.op === 'maxpool1d';
  const k: Pair = typeof l.kernel === 'number' ? [1, l.kernel] : l.kernel;
  const s: Pair = typeof l.stride === 'number' ? [1, l.stride] : l.stride;
  const pad: Pair =
    l.padding === undefined ? [0, 0] : typeof l.padding === 'number' ? [0, l.padding] : l.padding;
  const ceil = l.ceilMode ?? false;
  const countIncludePad =
    l.op === 'avgpool2d' || l.op === 'avgpool1d' ? (l.countIncludePad ?? true) : true;
  const divisor = l.op === 'avgpool2d' ? (l.divisorOverride ?? null) : null;
  return (a) => {
    let x = toChannelsLast(tf, a, what, oneD ? 3 : 4).t;
    if (oneD) x = unsqueezeH(tf, x);
    const [, H, W] = x.shape;
    const ax = [poolAxis(H, k[0], s[0], pad[0], ceil), poolAxis(W, k[1], s[1], pad[1], ceil)];
    let y: Tensor4D;
    if (isMax && !ceil && pad[0] === pad[1]) {
      // The built-in nets' path: tfjs pads max pooling with −∞ itself.
      y = tf.maxPool(x as Tensor4D, k, s, pad[0] === 0 ? 'valid' : pad[0]);
    } else {
      const padded =
        pad[0] + pad[1] + ax[0].extra + ax[1].extra === 0
          ? x
          : tf.pad(
              x,
              [
                [0, 0],
                [pad[0], pad[0] + ax[0].extra],
                [pad[1], pad[1] + ax[1].extra],
                [0, 0],
              ],
              isMax ? -Infinity : 0,
            );
      y = isMax
        ? tf.maxPool(padded as Tensor4D, k, s, 'valid')
        : tf.avgPool(padded as Tensor4D, k, s, 'valid');
      if (!isMax) {
        // tfjs divides by KH·KW; PyTorch by the window clipped to the padded input (ceil_mode), or
        // to the input (count_include_pad=False), or by divisor_override.
        const div = (i: number, n: number): number[] =>
          Array.from({ length: ax[i].out }, (_, o) => {
            const start = o * s[i] - pad[i];
            const end = Math.min(start + k[i], n + pad[i]);
            return countIncludePad ? end - start : Math.min(end, n) - Math.max(start, 0);
          });
        const dh = div(0, H);
        const dw = div(1, W);
        const factor = new Float32Array(ax[0].out * ax[1].out);
        let trivial = true;
        for (let i = 0; i < ax[0].out; i++) {
          for (let j = 0; j < ax[1].out; j++) {
            const f = (k[0] * k[1]) / (divisor ?? dh[i] * dw[j]);
            factor[i * ax[1].out + j] = f;
            if (f !== 1) trivial = false;
          }
        }
        if (!trivial) y = tf.mul(y, tf.tensor4d(factor, [1, ax[0].out, ax[1].out, 1]));
      }
    }
    const r: Tensor = oneD ? squeezeH(tf, y) : y;
    return { t: r, layout: 'nhwc' };
  };
}

/** LayerNorm over the trailing dims, biased variance, weight ones and bias zeros (PyTorch's defaults). */
export function buildLayerNorm(
  tf: Tf,
  l: Extract<LayerSpec, { op: 'layernorm' }>,
  v: MakeVar,
  what: string,
): Step {
  const n = l.shape.reduce((x, y) => x * y, 1);
  const g = l.affine ? v(new Float32Array(n).fill(1), l.shape, `${l.name}.weight`) : null;
  const b = l.affine ? v(new Float32Array(n), l.shape, `${l.name}.bias`) : null;
  return (a) => {
    const x = toPlain(tf, a).t;
    const tail = x.shape.slice(x.rank - l.shape.length);
    if (tail.join(',') !== l.shape.join(','))
      throw new Error(
        `${what}: normalized_shape (${l.shape.join(', ')}) does not match the input's trailing dims (${x.shape.join(', ')})`,
      );
    const axes = range(x.rank - l.shape.length, x.rank);
    const { mean, variance } = tf.moments(x, axes, true);
    let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, l.eps)));
    if (g && b) y = tf.add(tf.mul(y, g), b);
    return { t: y, layout: 'plain' };
  };
}

/** GroupNorm: per sample, per group of C/G channels, statistics over those channels and all positions. */
export function buildGroupNorm(
  tf: Tf,
  l: Extract<LayerSpec, { op: 'groupnorm' }>,
  v: MakeVar,
  what: string,
): Step {
  const g = l.affine
    ? v(new Float32Array(l.channels).fill(1), [l.channels], `${l.name}.weight`)
    : null;
  const b = l.affine ? v(new Float32Array(l.channels), [l.channels], `${l.name}.bias`) : null;
  return (a) => {
    // Channels last: [B, C] is already; [B, C, …] is turned.
    const x = a.t.rank === 2 ? toPlain(tf, a).t : toChannelsLast(tf, a, what, a.t.rank).t;
    const shape = x.shape;
    if (shape[shape.length - 1] !== l.channels)
      throw new Error(`${what}: expects ${l.channels} channels, got shape ${shape.join('×')}`);
    const xr = tf.reshape(x, [shape[0], -1, l.groups, l.channels / l.groups]);
    const { mean, variance } = tf.moments(xr, [1, 3], true);
    let y: Tensor = tf.reshape(tf.mul(tf.sub(xr, mean), tf.rsqrt(tf.add(variance, l.eps))), shape);
    if (g && b) y = tf.add(tf.mul(y, g), b);
    return { t: y, layout: x.rank === 2 ? 'plain' : 'nhwc' };
  };
}

/** Embedding: N(0, 1) rows, padding_idx's row zero and never updated (its output is masked to zero). */
export function buildEmbedding(
  tf: Tf,
  l: Extract<LayerSpec, { op: 'embedding' }>,
  v: MakeVar,
  rand: () => number,
): Step {
  const init = normal(l.num * l.dim, rand);
  if (l.paddingIdx !== null) init.fill(0, l.paddingIdx * l.dim, (l.paddingIdx + 1) * l.dim);
  const w = v(init, [l.num, l.dim], `${l.name}.weight`);
  return (a) => {
    const x = toPlain(tf, a).t;
    const idx = tf.cast(x, 'int32');
    let table: Tensor = w;
    if (l.paddingIdx !== null) {
      // PyTorch zeroes that row's gradient; multiplying by a mask gives the same zero output and gradient.
      const mask = new Float32Array(l.num).fill(1);
      mask[l.paddingIdx] = 0;
      table = tf.mul(w, tf.tensor2d(mask, [l.num, 1]));
    }
    let y: Tensor;
    // gather's gradient needs UnsortedSegmentSum, which wasm lacks; there a one-hot product (exact:
    // one 1·w term per row) has a matMul gradient instead.
    if (hasKernel(tf, 'UnsortedSegmentSum')) y = tf.gather(table, idx);
    else {
      // int32 then cast: wasm's OneHot asked for float32 writes integer bit patterns (tfjs 4.22).
      const oh = tf.cast(tf.oneHot(tf.reshape(idx, [-1]), l.num), 'float32') as Tensor2D;
      y = tf.reshape(tf.matMul(oh, table as Tensor2D), [...x.shape, l.dim]);
    }
    return { t: y, layout: 'plain' };
  };
}

/**
 * The [in, out] matrix that resamples one axis as PyTorch 1.13's CPU kernels do, in float32 where they
 * compute in float32 (so the floor of a source index lands where theirs does).
 */
export function interpMatrix(
  mode: InterpMode,
  n: number,
  m: number,
  scale: number | null,
  alignCorners: boolean,
): Float32Array {
  const f = Math.fround;
  const mt = new Float32Array(n * m);
  const set = (src: number, dst: number, wgt: number): void => {
    mt[src * m + dst] += wgt;
  };
  // compute_scales_value: 1/scale_factor when one was given, else in/out.
  const sc = scale !== null && scale > 0 ? f(1 / scale) : f(n / m);
  for (let o = 0; o < m; o++) {
    if (mode === 'nearest') {
      const src = m === n ? o : m === 2 * n ? o >> 1 : Math.min(Math.floor(f(o * sc)), n - 1);
      set(src, o, 1);
    } else if (mode === 'nearest-exact') {
      set(m === n ? o : Math.min(Math.floor(f((o + 0.5) * sc)), n - 1), o, 1);
    } else if (mode === 'adaptive_avg') {
      const start = Math.floor((o * n) / m);
      const end = Math.ceil(((o + 1) * n) / m);
      for (let i = start; i < end; i++) set(i, o, 1 / (end - start));
    } else {
      const lsc = alignCorners ? (m > 1 ? f((n - 1) / (m - 1)) : 0) : sc;
      const src = alignCorners ? f(lsc * o) : Math.max(0, f(f(lsc * f(o + 0.5)) - 0.5));
      const i0 = Math.floor(src);
      const i1 = i0 + (i0 < n - 1 ? 1 : 0);
      const l1 = Math.min(Math.max(f(src - i0), 0), 1);
      set(i0, o, f(1 - l1));
      set(i1, o, l1);
    }
  }
  return mt;
}

/**
 * Resampling over the spatial dims as one matrix product per axis that changes (a matMul has a gradient
 * on every backend; gather's and resizeBilinear's do not all).
 */
export function buildResample(
  tf: Tf,
  l: Extract<LayerSpec, { op: 'resample' }>,
  what: string,
): Step {
  const mats = l.from.map((n, i) => {
    const m = l.to[i];
    const mt = interpMatrix(l.mode, n, m, l.scale ? l.scale[i] : null, l.alignCorners);
    const identity = n === m && mt.every((x, j) => x === (Math.floor(j / m) === j % m ? 1 : 0));
    return identity ? null : { n, m, mt };
  });
  return (a) => {
    let x = toPlain(tf, a).t;
    if (x.rank !== l.from.length + 2)
      throw new Error(
        `${what}: expects ${l.from.length} spatial dims, got shape ${x.shape.join('×')}`,
      );
    mats.forEach((mat, i) => {
      if (!mat) return;
      const axis = i + 2;
      const r = x.rank;
      const perm = axis === r - 1 ? null : [...range(0, r).filter((j) => j !== axis), axis];
      const t = perm ? tf.transpose(x, perm) : x;
      const lead = t.shape.slice(0, -1);
      let y: Tensor = tf.matMul(
        tf.reshape(t, [-1, mat.n]) as Tensor2D,
        tf.tensor2d(mat.mt, [mat.n, mat.m]),
      );
      y = tf.reshape(y, [...lead, mat.m]);
      if (perm) {
        const inv = new Array<number>(r);
        perm.forEach((pj, j) => {
          inv[pj] = j;
        });
        y = tf.transpose(y, inv);
      }
      x = y;
    });
    return { t: x, layout: 'plain' };
  };
}

/** Softmax / log-softmax over any dim; over channels of a channels-last tensor without turning it. */
export function buildSoftmax(
  tf: Tf,
  l: Extract<LayerSpec, { op: 'softmax' | 'log_softmax' }>,
  what: string,
): Step {
  const fn = (t: Tensor): Tensor => (l.op === 'softmax' ? tf.softmax(t) : tf.logSoftmax(t));
  return (a) => {
    const r = a.t.rank;
    const dim = l.dim < 0 ? r + l.dim : l.dim;
    if (dim < 0 || dim >= r)
      throw new Error(`${what}: dim ${l.dim} is out of range for a rank-${r} tensor`);
    if (a.layout === 'nhwc' && dim === 1) return { t: fn(a.t), layout: 'nhwc' };
    const x = toPlain(tf, a).t;
    if (dim === r - 1) return { t: fn(x), layout: 'plain' };
    // Swap dim with the last axis (its own inverse).
    const perm = range(0, r);
    perm[dim] = r - 1;
    perm[r - 1] = dim;
    return { t: tf.transpose(fn(tf.transpose(x, perm)), perm), layout: 'plain' };
  };
}

/** Dropout1d/2d/3d: PyTorch's feature dropout, one draw per (sample, channel); elementwise on [B, C]. */
export function channelNoiseShape(a: Act): number[] {
  const s = a.t.shape;
  if (s.length <= 2) return s.slice();
  // Every dim but batch and channels becomes 1.
  return s.map((d, i) => (i === 0 || i === (a.layout === 'nhwc' ? s.length - 1 : 1) ? d : 1));
}

export interface TorchTensor {
  shape: number[];
  data: number[];
}

/**
 * A PyTorch parameter (or its gradient) in our layout: Linear's [out, in] becomes [in, out], and the
 * convolutions' [out, in/g, K…] / [in, out/g, K…] become [KH, KW, in/g, out] / [KH, KW, out/g, in].
 */
export function torchToOurs(spec: NetSpec, key: string, src: TorchTensor): Float32Array {
  const layerName = key.slice(0, key.lastIndexOf('.'));
  const layer = spec.layers.find((l) => l.name === layerName);
  const values: Float32Array = Float32Array.from(src.data);
  if (!key.endsWith('.weight') || !layer) return values;
  if (layer.op === 'linear') {
    const [o, i] = src.shape as [number, number];
    return permute(values, [o, i, 1, 1], [1, 0, 2, 3]);
  }
  if (['conv2d', 'conv1d', 'convtranspose2d', 'convtranspose1d'].includes(layer.op)) {
    // [A, B, KH, KW] (or [A, B, K]) → [KH, KW, B, A].
    const [A, B, ...ks] = src.shape as [number, number, ...number[]];
    const [kh, kw] = (ks.length === 1 ? [1, ks[0]] : ks) as [number, number];
    return permute(values, [A, B, kh, kw], [2, 3, 1, 0]);
  }
  return values;
}

/** The state_dict key of one of our variables ("conv1.weight"). */
export function torchKey(variable: Variable): string {
  return variable.name.slice(variable.name.indexOf('/') + 1);
}

/**
 * Loads a PyTorch state_dict (as plain arrays) into a built net. For tests against PyTorch's numbers,
 * and for anyone moving weights between the two.
 */
export function setTorchWeights(
  tf: Tf,
  net: { spec: NetSpec; variables: Variable[] },
  state: Record<string, TorchTensor>,
): void {
  for (const variable of net.variables) {
    const key = torchKey(variable);
    const src = state[key];
    if (!src) throw new Error(`setTorchWeights: no '${key}' in the state dict`);
    const values = torchToOurs(net.spec, key, src);
    if (values.length !== variable.size)
      throw new Error(
        `setTorchWeights: '${key}' has ${values.length} values, ours ${variable.size}`,
      );
    const t = tf.tensor(values, variable.shape);
    variable.assign(t);
    t.dispose();
  }
}

/** A 4-D row-major array transposed by perm. */
function permute(a: Float32Array, shape: number[], perm: number[]): Float32Array {
  const out = new Float32Array(a.length);
  const ns = perm.map((p) => shape[p]);
  const stride = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  let o = 0;
  for (let i0 = 0; i0 < ns[0]; i0++)
    for (let i1 = 0; i1 < ns[1]; i1++)
      for (let i2 = 0; i2 < ns[2]; i2++)
        for (let i3 = 0; i3 < ns[3]; i3++) {
          const idx = [i0, i1, i2, i3];
          let src = 0;
          for (let j = 0; j < 4; j++) src += (idx[j] ?? 0) * (stride[perm[j] ?? 0] ?? 0);
          out[o++] = a[src];
        }
  return out;
}

// nn.Conv3d, MaxPool3d and AvgPool3d on tfjs's conv3d / maxPool3d / avgPool3d, which both the cpu
// and wasm backends differentiate. Values between graph nodes are PyTorch's [B, C, D, H, W]; tfjs
// wants channels last, so each op transposes in and out. Weights are kept in PyTorch's
// [out, in, kD, kH, kW] so a state_dict loads as it is. Padding is explicit (zeros, or −∞ for max
// pooling), ceil_mode adds the far-end padding PyTorch's output size implies, and the average is
// rescaled by the divisor PyTorch uses for each window.
import type { GradSaveFunc, Tensor, Tensor5D } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { uniform, type MakeVar } from '../layers';
import type { Conv3dSpec, Pool3dSpec, Triple } from './spec';

const toLast = (tf: Tf, x: Tensor): Tensor5D => tf.transpose(x, [0, 2, 3, 4, 1]) as Tensor5D;
const toFirst = (tf: Tf, x: Tensor): Tensor => tf.transpose(x, [0, 4, 1, 2, 3]);

function check(x: Tensor, channels: number, what: string): void {
  if (x.rank !== 5 || x.shape[1] !== channels)
    throw new Error(`${what}: expects [B, ${channels}, D, H, W], got [${x.shape.join(', ')}]`);
}

export function buildConv3d(
  tf: Tf,
  s: Conv3dSpec,
  v: MakeVar,
  rand: () => number,
  prefix: string,
): (x: Tensor) => Tensor {
  const [kd, kh, kw] = s.kernel;
  // kaiming_uniform_(a=√5): bound 1/√fan_in, the bias the same bound.
  const bound = 1 / Math.sqrt(s.inChannels * kd * kh * kw);
  const w = v(
    uniform(s.outChannels * s.inChannels * kd * kh * kw, bound, rand),
    [s.outChannels, s.inChannels, kd, kh, kw],
    `${prefix}weight`,
  );
  const b = s.bias
    ? v(uniform(s.outChannels, bound, rand), [s.outChannels], `${prefix}bias`)
    : null;
  const p = s.padding;
  return (x) => {
    check(x, s.inChannels, prefix.replace(/\.$/, ''));
    let xl = toLast(tf, x);
    if (p.some((n) => n > 0))
      xl = tf.pad(xl, [
        [0, 0],
        [p[0], p[0]],
        [p[1], p[1]],
        [p[2], p[2]],
        [0, 0],
      ]);
    const filter = tf.transpose(w, [2, 3, 4, 1, 0]) as Tensor5D;
    let y: Tensor = conv3dValid(tf, xl, filter, s.stride);
    if (b) y = tf.add(y, b);
    return toFirst(tf, y);
  };
}

/**
 * tf.conv3d with 'valid' padding, its gradients computed as forward convolutions: the wasm
 * backend's Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 (tfjs 4.22) return wrong values with
 * several channels or a stride (measured against the cpu backend), while its forward Conv3D agrees.
 * dx = conv3d(dy dilated by the stride and padded by K−1 (plus what the stride left over), the
 * filter flipped in space with in/out channels swapped); dW likewise below.
 */
function conv3dValid(tf: Tf, x: Tensor5D, w: Tensor5D, stride: Triple): Tensor5D {
  const f = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [xa, wa, save] = args as [Tensor5D, Tensor5D, GradSaveFunc];
    const value = tf.conv3d(xa, wa, stride, 'valid');
    save([xa, wa]);
    return {
      value,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [xi, wi] = saved as [Tensor5D, Tensor5D];
        const g = (Array.isArray(dy) ? dy[0] : dy) as Tensor5D;
        const k = wi.shape.slice(0, 3);
        const d = dilate(tf, g, stride);
        const pads = [0, 1, 2].map((a): [number, number] => {
          const left = xi.shape[a + 1] - (d.shape[a + 1] + k[a] - 1);
          return [k[a] - 1, k[a] - 1 + left];
        });
        const dp = tf.pad(d, [[0, 0], ...pads, [0, 0]]) as Tensor5D;
        const flipped = tf.transpose(tf.reverse(wi, [0, 1, 2]), [0, 1, 2, 4, 3]) as Tensor5D;
        const dx = tf.conv3d(dp, flipped, 1, 'valid');
        // dW = Σ over batch and outputs of x·dy: x as [Ci, D, H, W, B] convolved with the dilated
        // dy as a [Do, Ho, Wo, B, Co] filter, cut to the kernel (the stride may leave more).
        const full = tf.conv3d(
          tf.transpose(xi, [4, 1, 2, 3, 0]) as Tensor5D,
          tf.transpose(d, [1, 2, 3, 0, 4]) as Tensor5D,
          1,
          'valid',
        );
        const dw = tf.slice(full, [0, 0, 0, 0, 0], [xi.shape[4], k[0], k[1], k[2], g.shape[4]]);
        return [dx, tf.transpose(dw, [1, 2, 3, 0, 4])];
      },
    };
  });
  return f(x, w) as Tensor5D;
}

/** dy with stride−1 zeros between its entries on each spatial axis ([B, D, H, W, C]). */
function dilate(tf: Tf, g: Tensor, stride: Triple): Tensor {
  let d = g;
  for (let a = 0; a < 3; a++) {
    const st = stride[a];
    const o = d.shape[a + 1];
    if (st === 1 || o === 1) continue;
    // [.., o, ..] → [.., o, st, ..] with zeros after each entry → [.., o·st, ..], cut to (o−1)·st+1.
    const shape = d.shape;
    const widths = [...shape, 1].map((_, i): [number, number] =>
      i === a + 2 ? [0, st - 1] : [0, 0],
    );
    const merged = [...shape];
    merged[a + 1] = o * st;
    const size = [...merged];
    size[a + 1] = (o - 1) * st + 1;
    d = tf.slice(
      tf.reshape(tf.pad(tf.expandDims(d, a + 2), widths), merged),
      [0, 0, 0, 0, 0],
      size,
    );
  }
  return d;
}

/** PyTorch's pooled size on one axis, and the padding past the far end its windows reach. */
export function poolAxis3(
  n: number,
  k: number,
  s: number,
  p: number,
  ceil: boolean,
): { out: number; extra: number } {
  const span = n + 2 * p - k;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // With ceil_mode the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * s >= n + p) out--;
  return { out, extra: Math.max(0, (out - 1) * s + k - (n + 2 * p)) };
}

export function buildPool3d(tf: Tf, s: Pool3dSpec, what: string): (x: Tensor) => Tensor {
  const isMax = s.kind === 'maxpool3d';
  return (x) => {
    if (x.rank !== 5) throw new Error(`${what}: expects [B, C, D, H, W], got rank ${x.rank}`);
    const dims = x.shape.slice(2) as Triple;
    const ax = dims.map((n, i) => poolAxis3(n, s.kernel[i], s.stride[i], s.padding[i], s.ceilMode));
    let xl = toLast(tf, x);
    if (s.padding.some((n) => n > 0) || ax.some((a) => a.extra > 0))
      xl = tf.pad(
        xl,
        [
          [0, 0],
          ...dims.map((_, i): [number, number] => [s.padding[i], s.padding[i] + ax[i].extra]),
          [0, 0],
        ],
        isMax ? -Infinity : 0,
      );
    let y: Tensor = isMax
      ? tf.maxPool3d(xl, s.kernel, s.stride, 'valid')
      : tf.avgPool3d(xl, s.kernel, s.stride, 'valid');
    if (!isMax) {
      // tfjs divides by kD·kH·kW; PyTorch by the window clipped to the padded input (ceil_mode), or
      // to the input (count_include_pad=False), or by divisor_override.
      const div = (i: number): number[] =>
        Array.from({ length: ax[i].out }, (_, o) => {
          const start = o * s.stride[i] - s.padding[i];
          const end = Math.min(start + s.kernel[i], dims[i] + s.padding[i]);
          return s.countIncludePad ? end - start : Math.min(end, dims[i]) - Math.max(start, 0);
        });
      const [d0, d1, d2] = [div(0), div(1), div(2)];
      const full = s.kernel[0] * s.kernel[1] * s.kernel[2];
      const factor = new Float32Array(ax[0].out * ax[1].out * ax[2].out);
      let trivial = true;
      let o = 0;
      for (const a of d0)
        for (const b of d1)
          for (const c of d2) {
            const f = full / (s.divisorOverride ?? a * b * c);
            factor[o++] = f;
            if (f !== 1) trivial = false;
          }
      if (!trivial) y = tf.mul(y, tf.tensor(factor, [1, ax[0].out, ax[1].out, ax[2].out, 1]));
    }
    return toFirst(tf, y);
  };
}

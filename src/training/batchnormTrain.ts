// BatchNorm in training mode with its gradient written out. Left to autodiff, tfjs differentiates its
// FusedBatchNorm kernel (whose gradient tiles the statistics to the input's full size) and then the
// batch moments the statistics came from: about 200 elementwise kernels for a small ResNet, most of
// its training step on wasm. The closed form (what PyTorch's own backward computes) needs two
// reductions over the batch and a few elementwise ops.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';

/**
 * x normalised by its batch statistics over every axis but the last (channels last), then scaled and
 * shifted when gamma and beta are given. `onStats` receives the batch mean and biased variance once per
 * forward pass (for the running statistics).
 */
export function batchNormTrain(
  tf: Tf,
  x: Tensor,
  affine: { gamma: Variable; beta: Variable } | null,
  eps: number,
  onStats: (mean: Tensor, variance: Tensor) => void,
): Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const n = x.size / x.shape[x.rank - 1];
  const f = tf.customGrad((...args: unknown[]) => {
    const xi = args[0] as Tensor;
    const gamma = affine ? (args[1] as Tensor) : null;
    const beta = affine ? (args[2] as Tensor) : null;
    const save = args[args.length - 1] as (ts: Tensor[]) => void;
    const { mean, variance } = tf.moments(xi, axes);
    onStats(mean, variance);
    const invstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xi, mean), invstd);
    save([xhat, invstd]);
    return {
      value: gamma && beta ? tf.add(tf.mul(xhat, gamma), beta) : xhat,
      gradFunc: (dy: Tensor, saved: Tensor[]): Tensor[] => {
        const [xh, inv] = saved;
        // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)); dβ = Σ dy; dγ = Σ dy · x̂.
        const dbeta = tf.sum(dy, axes);
        const dgamma = tf.sum(tf.mul(dy, xh), axes);
        const centred = tf.sub(tf.sub(dy, tf.div(dbeta, n)), tf.mul(xh, tf.div(dgamma, n)));
        const dx = tf.mul(centred, gamma ? tf.mul(gamma, inv) : inv);
        return gamma ? [dx, dgamma, dbeta] : [dx];
      },
    };
  });
  return affine ? f(x, affine.gamma, affine.beta) : f(x);
}

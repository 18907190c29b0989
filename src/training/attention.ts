// nn.MultiheadAttention (the packed in_proj PyTorch stores when kdim = vdim = embed_dim; queries, keys
// and values may be different tensors) and nn.TransformerEncoderLayer (post-norm or norm_first, ReLU
// or GELU) in tfjs with PyTorch's semantics and parameter names, without masks, with dropout only in
// training mode (on the attention weights too, as PyTorch). The attention weights returned are
// averaged over heads, as PyTorch's default average_attn_weights=True gives them. Checked against
// PyTorch 1.13's outputs and gradients in test/unit/training/attention.test.ts (and, called in
// graphs, graph.test.ts).
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import { uniform, type MakeVar } from './layers';

export interface MhaSpec {
  embedDim: number;
  numHeads: number;
  bias: boolean;
  batchFirst: boolean;
}

export interface EncoderLayerSpec {
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  activation: 'relu' | 'gelu';
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
  dropout: number;
}

export interface AttentionModule {
  /** PyTorch state_dict key (without the module prefix) → variable. */
  params: Map<string, Variable>;
}

const zeros = (n: number): Float32Array => new Float32Array(n);

function registry(
  v: MakeVar,
  prefix: string,
): {
  params: Map<string, Variable>;
  make: (name: string, values: Float32Array, shape: number[]) => Variable;
} {
  const params = new Map<string, Variable>();
  return {
    params,
    make: (name, values, shape) => {
      const variable = v(values, shape, prefix + name);
      params.set(name, variable);
      return variable;
    },
  };
}

type MhaParams = { w: Variable; b: Variable | null; ow: Variable; ob: Variable | null };

/**
 * Attention of queries [B, T, E] on keys and values [B, S, E] (batch-first here): output [B, T, E] and
 * head-averaged weights [B, T, S]. `drop` is applied to the per-head weights before they meet the
 * values, as PyTorch's dropout=p does in training; the weights returned are the dropped ones, as
 * PyTorch returns them.
 */
function attend(
  tf: Tf,
  q0: Tensor,
  k0: Tensor,
  v0: Tensor,
  p: MhaParams,
  E: number,
  heads: number,
  drop: (t: Tensor) => Tensor = (t) => t,
): { out: Tensor; weights: Tensor } {
  const [B, T, S] = [q0.shape[0], q0.shape[1] ?? 0, k0.shape[1] ?? 0];
  const d = E / heads;
  const proj = (x: Tensor, part: number, len: number): Tensor => {
    const w = tf.slice(p.w, [part * E, 0], [E, E]);
    const y = tf.matMul(tf.reshape(x, [B * len, E]), w, false, true);
    return p.b ? tf.add(y, tf.slice(p.b, [part * E], [E])) : y;
  };
  let parts: Tensor[];
  if (q0 === k0 && k0 === v0) {
    // Self-attention: one product with the packed in_proj, as PyTorch does.
    const qkv = tf.matMul(tf.reshape(q0, [B * T, E]), p.w, false, true);
    parts = tf.split(p.b ? tf.add(qkv, p.b) : qkv, 3, 1);
  } else parts = [proj(q0, 0, T), proj(k0, 1, S), proj(v0, 2, S)];
  const [q, k, v] = parts.map((t, i) =>
    tf.transpose(tf.reshape(t, [B, i === 0 ? T : S, heads, d]), [0, 2, 1, 3]),
  );
  // PyTorch scales q by 1/√d before the product.
  const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(d)), k, false, true);
  const attn = drop(tf.softmax(scores, -1));
  const ctx = tf.reshape(tf.transpose(tf.matMul(attn, v), [0, 2, 1, 3]), [B * T, E]);
  const o = tf.matMul(ctx, p.ow, false, true);
  const out = tf.reshape(p.ob ? tf.add(o, p.ob) : o, [B, T, E]);
  return { out, weights: tf.mean(attn, 1) };
}

function mhaParams(
  make: (name: string, values: Float32Array, shape: number[]) => Variable,
  E: number,
  bias: boolean,
  rand: () => number,
  pre: string,
): MhaParams {
  // PyTorch: in_proj_weight xavier_uniform_ over [3E, E] (bound √(6/(E + 3E))), biases zero,
  // out_proj.weight Linear's default (bound 1/√E).
  const w = make(`${pre}in_proj_weight`, uniform(3 * E * E, Math.sqrt(6 / (E + 3 * E)), rand), [
    3 * E,
    E,
  ]);
  const b = bias ? make(`${pre}in_proj_bias`, zeros(3 * E), [3 * E]) : null;
  const ow = make(`${pre}out_proj.weight`, uniform(E * E, 1 / Math.sqrt(E), rand), [E, E]);
  const ob = bias ? make(`${pre}out_proj.bias`, zeros(E), [E]) : null;
  return { w, b, ow, ob };
}

/**
 * dropout: PyTorch's dropout on the attention weights, applied in training with a mask from dropSeed.
 * forward(q, k, v): keys and values default to the queries (self-attention).
 */
export function buildMultiheadAttention(
  tf: Tf,
  s: MhaSpec & { dropout?: number },
  v: MakeVar,
  rand: () => number,
  prefix: string,
  dropSeed?: () => number,
): AttentionModule & {
  forward(
    q: Tensor,
    k?: Tensor,
    v?: Tensor,
    training?: boolean,
  ): { output: Tensor; weights: Tensor };
} {
  if (s.embedDim % s.numHeads !== 0)
    throw new Error(
      `${prefix}: embed_dim ${s.embedDim} is not divisible by num_heads ${s.numHeads}`,
    );
  const { params, make } = registry(v, prefix);
  const p = mhaParams(make, s.embedDim, s.bias, rand, '');
  const rate = s.dropout ?? 0;
  return {
    params,
    forward(q, k = q, val = k, training = false) {
      const bf = (t: Tensor): Tensor => (s.batchFirst ? t : tf.transpose(t, [1, 0, 2]));
      // Transposed once, so the self-attention path still sees one tensor three times.
      const qb = bf(q);
      const kb = k === q ? qb : bf(k);
      const vb = val === k ? kb : bf(val);
      const drop = (t: Tensor): Tensor =>
        training && rate > 0 ? tf.dropout(t, rate, undefined, dropSeed?.()) : t;
      const { out, weights } = attend(tf, qb, kb, vb, p, s.embedDim, s.numHeads, drop);
      return { output: s.batchFirst ? out : tf.transpose(out, [1, 0, 2]), weights };
    },
  };
}

/** dropSeed: a seed for each dropout mask, so training curves repeat with the run's seed. */
export function buildTransformerEncoderLayer(
  tf: Tf,
  s: EncoderLayerSpec,
  v: MakeVar,
  rand: () => number,
  prefix: string,
  dropSeed?: () => number,
): AttentionModule & { forward(x: Tensor, training: boolean): Tensor } {
  const E = s.dModel;
  const F = s.dimFeedforward;
  const { params, make } = registry(v, prefix);
  const sa = mhaParams(make, E, true, rand, 'self_attn.');
  const l1w = make('linear1.weight', uniform(F * E, 1 / Math.sqrt(E), rand), [F, E]);
  const l1b = make('linear1.bias', uniform(F, 1 / Math.sqrt(E), rand), [F]);
  const l2w = make('linear2.weight', uniform(E * F, 1 / Math.sqrt(F), rand), [E, F]);
  const l2b = make('linear2.bias', uniform(E, 1 / Math.sqrt(F), rand), [E]);
  const n1w = make('norm1.weight', new Float32Array(E).fill(1), [E]);
  const n1b = make('norm1.bias', zeros(E), [E]);
  const n2w = make('norm2.weight', new Float32Array(E).fill(1), [E]);
  const n2b = make('norm2.bias', zeros(E), [E]);
  const norm = (x: Tensor, w: Variable, b: Variable): Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, s.layerNormEps))), w),
      b,
    );
  };
  const drop = (x: Tensor, training: boolean): Tensor =>
    training && s.dropout > 0 ? tf.dropout(x, s.dropout, undefined, dropSeed?.()) : x;
  const act = (x: Tensor): Tensor =>
    s.activation === 'relu'
      ? tf.relu(x)
      : tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
  const ff = (x: Tensor, training: boolean): Tensor => {
    const [B, T] = x.shape;
    const h = drop(
      act(tf.add(tf.matMul(tf.reshape(x, [B * T, E]), l1w, false, true), l1b)),
      training,
    );
    return drop(tf.reshape(tf.add(tf.matMul(h, l2w, false, true), l2b), [B, T, E]), training);
  };
  // The layer's self_attn drops attention weights with the layer's dropout too.
  const saBlock = (x: Tensor, training: boolean): Tensor =>
    drop(attend(tf, x, x, x, sa, E, s.nhead, (t) => drop(t, training)).out, training);
  return {
    params,
    forward(x, training) {
      let y = s.batchFirst ? x : tf.transpose(x, [1, 0, 2]);
      if (s.normFirst) {
        y = tf.add(y, saBlock(norm(y, n1w, n1b), training));
        y = tf.add(y, ff(norm(y, n2w, n2b), training));
      } else {
        y = norm(tf.add(y, saBlock(y, training)), n1w, n1b);
        y = norm(tf.add(y, ff(y, training)), n2w, n2b);
      }
      return s.batchFirst ? y : tf.transpose(y, [1, 0, 2]);
    },
  };
}

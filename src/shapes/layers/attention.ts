// MultiheadAttention (torch/nn/modules/activation.py). TransformerEncoderLayer is built from it in
// prelude.ts, as PyTorch's own Python composes it, so its inner layers get real names and hooks.
import { knownEqual, type D } from '../dims';
import { REQUIRED, type LayerRule, unknownTensor } from './rule';
import { shapeStr } from './util';
import type { TensorV } from '../values';

export const multiheadAttention: LayerRule = {
  type: 'MultiheadAttention',
  sig: [['embed_dim', REQUIRED], ['num_heads', REQUIRED], ['dropout', 0.0], ['bias', true], ['add_bias_kv', false], ['add_zero_attn', false], ['kdim', null], ['vdim', null], ['batch_first', false]],
  params(c) {
    const e = c.int('embed_dim');
    if (e === null) return null;
    const kd = c.int('kdim') ?? e;
    const vd = c.int('vdim') ?? e;
    const bias = c.bool('bias') ?? true;
    let p = e * e + kd * e + vd * e; // q, k, v projections (packed or separate)
    if (bias) p += 3 * e;
    p += e * e + (bias ? e : 0); // out_proj
    if (c.bool('add_bias_kv')) p += 2 * e;
    return p;
  },
  forward(f) {
    const q = f.x.shape;
    const key = f.args[1] ?? f.kwargs.get('key');
    if (!q) return unknownTensor(f.x.why ?? 'input shape unknown');
    const e = f.cfg.int('embed_dim');
    const h = f.cfg.int('num_heads');
    if (e !== null && h !== null && e % h !== 0) f.diag('mha-heads', 'error', `${f.label}: embed_dim (${e}) must be divisible by num_heads (${h}).`, 'num_heads');
    if (q.length !== 3 && q.length !== 2) return unknownTensor(`${f.label}: query must be 2-D or 3-D`);
    const last = q[q.length - 1];
    if (e !== null && knownEqual(last, e) === false) {
      f.diag('mha-embed-dim', 'error', `${f.label}: embed_dim=${e} but the query ${shapeStr(q)} has ${String(last)} features; PyTorch raises "was expecting embedding dimension of ${e}, but got ${String(last)}".`, 'embed_dim', typeof last === 'number' ? last : undefined);
    }
    const bf = f.cfg.bool('batch_first') ?? false;
    const ks = key && key.k === 'tensor' ? key.shape : q;
    const out: TensorV = { k: 'tensor', shape: q };
    const needW = f.kwargs.get('need_weights');
    if (needW && needW.k === 'bool' && !needW.v) return { k: 'seq', kind: 'tuple', items: [out, { k: 'none' }] };
    let weights: D[] | null = null;
    if (ks && q.length === 3) {
      const N = bf ? q[0] : q[1];
      const L = bf ? q[1] : q[0];
      const S = bf ? ks[1] : ks[0];
      weights = [N, L, S];
    } else if (ks && q.length === 2) weights = [q[0], ks[0]];
    const avg = f.kwargs.get('average_attn_weights');
    if (weights && avg && avg.k === 'bool' && !avg.v && h !== null) weights = q.length === 3 ? [weights[0], h, ...weights.slice(1)] : [h, ...weights];
    return { k: 'seq', kind: 'tuple', items: [out, weights ? { k: 'tensor', shape: weights } : unknownTensor('attention weights')] };
  },
};

/** One entry, as the corpus and torchinfo-style summaries treat it: its insides are not traced. */
export const transformerEncoderLayer: LayerRule = {
  type: 'TransformerEncoderLayer',
  sig: [['d_model', REQUIRED], ['nhead', REQUIRED], ['dim_feedforward', 2048], ['dropout', 0.1], ['activation', 'relu'], ['layer_norm_eps', 1e-5], ['batch_first', false], ['norm_first', false]],
  params(c) {
    const d = c.int('d_model');
    const ff = c.int('dim_feedforward');
    if (d === null || ff === null) return null;
    // self_attn (packed in_proj + out_proj), linear1, linear2, norm1, norm2.
    return 4 * d * d + 4 * d + (d * ff + ff) + (ff * d + d) + 4 * d;
  },
  probe: (c) => (c.int('d_model') === null ? null : c.bool('batch_first') ? ['B', 'L', c.int('d_model') as number] : ['L', 'B', c.int('d_model') as number]),
  forward(f) {
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    const d = f.cfg.int('d_model');
    const h = f.cfg.int('nhead');
    if (d !== null && h !== null && d % h !== 0) f.diag('mha-heads', 'error', `${f.label}: d_model (${d}) must be divisible by nhead (${h}).`, 'nhead');
    const last = s[s.length - 1];
    if (d !== null && knownEqual(last, d) === false) {
      f.diag('mha-embed-dim', 'error', `${f.label}: d_model=${d} but the input ${shapeStr(s)} has ${String(last)} features; PyTorch raises "was expecting embedding dimension of ${d}, but got ${String(last)}".`, 'd_model', typeof last === 'number' ? last : undefined);
    }
    return f.x;
  },
};

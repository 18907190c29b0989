// MultiheadAttention (torch/nn/modules/activation.py) and the transformer composites
// (torch/nn/modules/transformer.py): TransformerEncoderLayer, TransformerDecoderLayer and Transformer
// are one entry each, as the corpus and torchinfo-style summaries treat them; the stacks
// TransformerEncoder/TransformerDecoder are containers written in Python in prelude.ts.
import type { TensorV } from '../../eval/values';
import { type D, knownEqual } from '../dims';
import { type Cfg, type Fwd, type LayerRule, REQUIRED, unknownTensor } from './rule';
import { shapeStr } from './util';

/**
 * Multiply-adds of multi-head attention over a batch of n, queries l, keys s: the q, k, v projections
 * (n·l·e·e + n·s·kdim·e + n·s·vdim·e), QKᵀ (n·l·s·e: the heads split e) and the weighted sum of values
 * (n·l·s·e), and out_proj (n·l·e·e). Null when any size is not a number.
 */
export function attentionMacs(
  n: D,
  l: D,
  s: D,
  e: number,
  kdim: number,
  vdim: number,
): number | null {
  if (typeof n !== 'number' || typeof l !== 'number' || typeof s !== 'number') return null;
  return n * l * e * e + n * s * kdim * e + n * s * vdim * e + 2 * n * l * s * e + n * l * e * e;
}

export const multiheadAttention: LayerRule = {
  type: 'MultiheadAttention',
  sig: [
    ['embed_dim', REQUIRED],
    ['num_heads', REQUIRED],
    ['dropout', 0.0],
    ['bias', true],
    ['add_bias_kv', false],
    ['add_zero_attn', false],
    ['kdim', null],
    ['vdim', null],
    ['batch_first', false],
  ],
  params(c) {
    const e = c.int('embed_dim');
    // kdim=None (its default) means embed_dim; a kdim given but not evaluated is unknown, not e.
    const kd = c.raw('kdim') === null ? e : c.int('kdim');
    const vd = c.raw('vdim') === null ? e : c.int('vdim');
    const bias = c.bool('bias');
    const biasKv = c.bool('add_bias_kv');
    if (e === null || kd === null || vd === null || bias === null || biasKv === null) return null;
    let p = e * e + kd * e + vd * e; // q, k, v projections (packed or separate)
    if (bias) p += 3 * e;
    p += e * e + (bias ? e : 0); // out_proj
    if (biasKv) p += 2 * e;
    return p;
  },
  forward(f) {
    const q = f.x.shape;
    const key = f.args[1] ?? f.kwargs.get('key');
    if (!q) return unknownTensor(f.x.why ?? 'input shape unknown');
    const e = f.cfg.int('embed_dim');
    const h = f.cfg.int('num_heads');
    if (e !== null && h !== null && e % h !== 0)
      f.diag(
        'mha-heads',
        'error',
        `${f.label}: embed_dim (${e}) must be divisible by num_heads (${h}).`,
        'num_heads',
      );
    if (q.length !== 3 && q.length !== 2)
      return unknownTensor(`${f.label}: query must be 2-D or 3-D`);
    const last = q[q.length - 1];
    if (e !== null && knownEqual(last, e) === false) {
      f.diag(
        'mha-embed-dim',
        'error',
        `${f.label}: embed_dim=${e} but the query ${shapeStr(q)} has ${String(last)} features; PyTorch raises "was expecting embedding dimension of ${e}, but got ${String(last)}".`,
        'embed_dim',
        typeof last === 'number' ? last : undefined,
      );
    }
    // batch_first given but not evaluated: which axis is the batch is unknown.
    const bf = f.cfg.bool('batch_first');
    const ks = key && key.k === 'tensor' ? key.shape : q;
    const out: TensorV = { k: 'tensor', shape: q };
    const kd = f.cfg.has('kdim') ? f.cfg.int('kdim') : null;
    const vd = f.cfg.has('vdim') ? f.cfg.int('vdim') : null;
    const kdim = f.cfg.raw('kdim') === null ? e : kd;
    const vdim = f.cfg.raw('vdim') === null ? e : vd;
    if (
      ks &&
      e !== null &&
      kdim !== null &&
      vdim !== null &&
      ks.length === q.length &&
      (bf !== null || q.length === 2)
    ) {
      const [n, l, sl] =
        q.length === 2 ? [1, q[0], ks[0]] : bf ? [q[0], q[1], ks[1]] : [q[1], q[0], ks[0]];
      f.setMacs(attentionMacs(n, l, sl, e, kdim, vdim));
    }
    const needW = f.kwargs.get('need_weights');
    if (needW && needW.k === 'bool' && !needW.v)
      return { k: 'seq', kind: 'tuple', items: [out, { k: 'none' }] };
    let weights: D[] | null = null;
    if (ks && q.length === 3 && bf !== null) {
      const N = bf ? q[0] : q[1];
      const L = bf ? q[1] : q[0];
      const S = bf ? ks[1] : ks[0];
      weights = [N, L, S];
    } else if (ks && q.length === 2) weights = [q[0], ks[0]];
    const avg = f.kwargs.get('average_attn_weights');
    if (weights && avg && avg.k === 'bool' && !avg.v && h !== null)
      weights = q.length === 3 ? [weights[0], h, ...weights.slice(1)] : [h, ...weights];
    return {
      k: 'seq',
      kind: 'tuple',
      items: [out, weights ? { k: 'tensor', shape: weights } : unknownTensor('attention weights')],
    };
  },
};

/** One entry, as the corpus and torchinfo-style summaries treat it: its insides are not traced. */
export const transformerEncoderLayer: LayerRule = {
  type: 'TransformerEncoderLayer',
  sig: [
    ['d_model', REQUIRED],
    ['nhead', REQUIRED],
    ['dim_feedforward', 2048],
    ['dropout', 0.1],
    ['activation', 'relu'],
    ['layer_norm_eps', 1e-5],
    ['batch_first', false],
    ['norm_first', false],
  ],
  params(c) {
    const d = c.int('d_model');
    const ff = c.int('dim_feedforward');
    if (d === null || ff === null) return null;
    // self_attn (packed in_proj + out_proj), linear1, linear2, norm1, norm2.
    return 4 * d * d + 4 * d + (d * ff + ff) + (ff * d + d) + 4 * d;
  },
  probe: (c) =>
    c.int('d_model') === null
      ? null
      : c.bool('batch_first')
        ? ['B', 'L', c.int('d_model') as number]
        : ['L', 'B', c.int('d_model') as number],
  forward(f) {
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    const d = f.cfg.int('d_model');
    const h = f.cfg.int('nhead');
    if (d !== null && h !== null && d % h !== 0)
      f.diag(
        'mha-heads',
        'error',
        `${f.label}: d_model (${d}) must be divisible by nhead (${h}).`,
        'nhead',
      );
    const last = s[s.length - 1];
    if (d !== null && knownEqual(last, d) === false) {
      f.diag(
        'mha-embed-dim',
        'error',
        `${f.label}: d_model=${d} but the input ${shapeStr(s)} has ${String(last)} features; PyTorch raises "was expecting embedding dimension of ${d}, but got ${String(last)}".`,
        'd_model',
        typeof last === 'number' ? last : undefined,
      );
    }
    const ff = f.cfg.int('dim_feedforward');
    if (d !== null && ff !== null && (s.length === 3 || s.length === 2)) {
      const bf = f.cfg.bool('batch_first');
      const [n, l] = s.length === 2 ? [1, s[0]] : bf ? [s[0], s[1]] : [s[1], s[0]];
      const att = s.length === 3 && bf === null ? null : attentionMacs(n, l, l, d, d, d);
      // Self-attention, then linear1 (d → ff) and linear2 (ff → d) on every position.
      if (att !== null && typeof n === 'number' && typeof l === 'number')
        f.setMacs(att + 2 * n * l * d * ff);
    }
    return f.x;
  },
};

/** Parameters of one encoder layer: self_attn (packed in_proj + out_proj), linear1, linear2, norm1, norm2. */
function encoderLayerParams(d: number, ff: number): number {
  return 4 * d * d + 4 * d + (d * ff + ff) + (ff * d + d) + 4 * d;
}

/** One decoder layer: self_attn and multihead_attn (each packed in_proj + out_proj), linear1, linear2, norm1-3. */
function decoderLayerParams(d: number, ff: number): number {
  return 2 * (4 * d * d + 4 * d) + (d * ff + ff) + (ff * d + d) + 6 * d;
}

/**
 * PyTorch's checks on d_model and the heads, then the input's feature size against d_model: the query
 * side fails MultiheadAttention's assertion, the memory side (cross-attention keys) its projection.
 */
function checkModel(f: Fwd, c: Cfg, what: 'target' | 'memory', shape: D[] | null): void {
  const d = c.int('d_model');
  const h = c.int('nhead');
  if (d !== null && h !== null && d % h !== 0)
    f.diag(
      'mha-heads',
      'error',
      `${f.label}: d_model (${d}) must be divisible by nhead (${h}).`,
      'nhead',
    );
  if (!shape || d === null) return;
  const last = shape[shape.length - 1];
  if (knownEqual(last, d) === false) {
    const raised =
      what === 'target'
        ? `"was expecting embedding dimension of ${d}, but got ${String(last)}"`
        : `"mat1 and mat2 shapes cannot be multiplied" in the cross-attention`;
    f.diag(
      'mha-embed-dim',
      'error',
      `${f.label}: d_model=${d} but the ${what} ${shapeStr(shape)} has ${String(last)} features; PyTorch raises ${raised}.`,
      'd_model',
      what === 'target' && typeof last === 'number' ? last : undefined,
    );
  }
}

const LAYER_SIG: LayerRule['sig'] = [
  ['d_model', REQUIRED],
  ['nhead', REQUIRED],
  ['dim_feedforward', 2048],
  ['dropout', 0.1],
  ['activation', 'relu'],
  ['layer_norm_eps', 1e-5],
  ['batch_first', false],
  ['norm_first', false],
];

/** decoder_layer(tgt, memory): the output has tgt's shape. */
export const transformerDecoderLayer: LayerRule = {
  type: 'TransformerDecoderLayer',
  sig: LAYER_SIG,
  params(c) {
    const d = c.int('d_model');
    const ff = c.int('dim_feedforward');
    return d === null || ff === null ? null : decoderLayerParams(d, ff);
  },
  forward(f) {
    const t = f.x.shape;
    if (!t) return unknownTensor(f.x.why ?? 'input shape unknown');
    checkModel(f, f.cfg, 'target', t);
    const mem = f.args[1] ?? f.kwargs.get('memory');
    if (mem && mem.k === 'tensor') checkModel(f, f.cfg, 'memory', mem.shape);
    const d = f.cfg.int('d_model');
    const bad = (s: D[] | null | undefined): boolean =>
      !!s && d !== null && knownEqual(s[s.length - 1], d) === false;
    if (bad(t) || (mem && mem.k === 'tensor' && bad(mem.shape)))
      return unknownTensor(`${f.label}: features differ from d_model`);
    return { k: 'tensor', shape: t };
  },
};

/** nn.Transformer(src, tgt): encoder over src, decoder over tgt; the output has tgt's shape. */
export const transformer: LayerRule = {
  type: 'Transformer',
  sig: [
    ['d_model', 512],
    ['nhead', 8],
    ['num_encoder_layers', 6],
    ['num_decoder_layers', 6],
    ['dim_feedforward', 2048],
    ['dropout', 0.1],
    ['activation', 'relu'],
    ['custom_encoder', null],
    ['custom_decoder', null],
    ['layer_norm_eps', 1e-5],
    ['batch_first', false],
    ['norm_first', false],
  ],
  params(c) {
    const d = c.int('d_model');
    const ff = c.int('dim_feedforward');
    const ne = c.int('num_encoder_layers');
    const nd = c.int('num_decoder_layers');
    // A custom encoder or decoder brings parameters this rule does not see.
    if (
      d === null ||
      ff === null ||
      ne === null ||
      nd === null ||
      c.raw('custom_encoder') !== null ||
      c.raw('custom_decoder') !== null
    )
      return null;
    // Each stack ends in a LayerNorm(d_model).
    return ne * encoderLayerParams(d, ff) + 2 * d + nd * decoderLayerParams(d, ff) + 2 * d;
  },
  forward(f) {
    const src = f.x.shape;
    const tv = f.args[1] ?? f.kwargs.get('tgt');
    if (!tv || tv.k !== 'tensor') return unknownTensor(`${f.label}: no target tensor`);
    const tgt = tv.shape;
    if (!src || !tgt) return unknownTensor(f.x.why ?? tv.why ?? 'input shape unknown');
    const bf = f.cfg.bool('batch_first');
    if (src.length === 3 && tgt.length === 3 && bf !== null) {
      const b = bf ? 0 : 1;
      if (knownEqual(src[b], tgt[b]) === false) {
        f.diag(
          'transformer-batch',
          'error',
          `${f.label}: src ${shapeStr(src)} and tgt ${shapeStr(tgt)} have different batch sizes; PyTorch raises "the batch number of src and tgt must be equal".`,
        );
        return unknownTensor('src and tgt batch sizes differ');
      }
    }
    const d = f.cfg.int('d_model');
    for (const [what, s] of [
      ['source', src],
      ['target', tgt],
    ] as const) {
      if (d !== null && knownEqual(s[s.length - 1], d) === false) {
        f.diag(
          'mha-embed-dim',
          'error',
          `${f.label}: d_model=${d} but the ${what} ${shapeStr(s)} has ${String(s[s.length - 1])} features; PyTorch raises "the feature number of src and tgt must be equal to d_model".`,
          'd_model',
        );
        return unknownTensor(`${what} features differ from d_model`);
      }
    }
    checkModel(f, f.cfg, 'target', null);
    return { k: 'tensor', shape: tgt };
  },
};

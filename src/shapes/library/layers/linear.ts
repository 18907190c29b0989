// Linear, Bilinear, Identity, Flatten, Unflatten, Embedding, EmbeddingBag.
import type { Value } from '../../eval/values';
import { type D, knownEqual, product } from '../dims';
import { flatten } from '../shapeops';
import { type Cfg, type LayerRule, REQUIRED, normDim, unknownTensor } from './rule';
import { numel, shapeStr } from './util';

const linear: LayerRule = {
  type: 'Linear',
  sig: [
    ['in_features', REQUIRED],
    ['out_features', REQUIRED],
    ['bias', true],
  ],
  params(c) {
    const i = c.int('in_features');
    const o = c.int('out_features');
    const b = c.bool('bias');
    return i === null || o === null || b === null ? null : i * o + (b ? o : 0);
  },
  paramShape(c, name) {
    const i = c.int('in_features');
    const o = c.int('out_features');
    if (i === null || o === null) return null;
    if (name === 'weight') return [o, i];
    return name === 'bias' && c.bool('bias') === true ? [o] : null;
  },
  probe: (c) => (c.int('in_features') === null ? null : ['B', c.int('in_features') as number]),
  probeRankGuessed: true,
  forward(f) {
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    const inF = f.cfg.int('in_features');
    const outF = f.cfg.int('out_features');
    if (s.length === 0) {
      f.diag('input-rank', 'error', `${f.label} needs at least a 1-d input, but gets a scalar.`);
      return unknownTensor('Linear on a scalar');
    }
    const last = s[s.length - 1];
    if (inF !== null && knownEqual(last, inF) === false) {
      const rows = s.length > 1 ? product(s.slice(0, -1)) : 1;
      f.diag(
        'linear-in-features',
        'error',
        `${f.label}: in_features=${inF} but the incoming last dimension is ${String(last)} (input ${shapeStr(s)}); PyTorch raises "mat1 and mat2 shapes cannot be multiplied (${typeof rows === 'number' ? rows : '?'}x${String(last)} and ${inF}x${outF ?? '?'})". Set in_features to ${String(last)}.`,
        'in_features',
        typeof last === 'number' ? last : undefined,
      );
    }
    if (outF === null) return unknownTensor(`${f.label}: out_features could not be evaluated`);
    const out = [...s.slice(0, -1), outF];
    const n = numel(out);
    if (n !== null && inF !== null) f.setMacs(n * inF);
    return { k: 'tensor', shape: out };
  },
};

const bilinear: LayerRule = {
  type: 'Bilinear',
  sig: [
    ['in1_features', REQUIRED],
    ['in2_features', REQUIRED],
    ['out_features', REQUIRED],
    ['bias', true],
  ],
  params(c) {
    const a = c.int('in1_features');
    const b = c.int('in2_features');
    const o = c.int('out_features');
    const bias = c.bool('bias');
    return a === null || b === null || o === null || bias === null
      ? null
      : a * b * o + (bias ? o : 0);
  },
  paramShape(c, name) {
    const a = c.int('in1_features');
    const b = c.int('in2_features');
    const o = c.int('out_features');
    if (a === null || b === null || o === null) return null;
    if (name === 'weight') return [o, a, b];
    return name === 'bias' && c.bool('bias') === true ? [o] : null;
  },
  forward(f) {
    const s = f.x.shape;
    const o = f.cfg.int('out_features');
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    if (o === null) return unknownTensor(`${f.label}: out_features could not be evaluated`);
    const a = f.cfg.int('in1_features');
    if (a !== null && knownEqual(s[s.length - 1], a) === false) {
      f.diag(
        'linear-in-features',
        'error',
        `${f.label}: in1_features=${a} but the first input's last dimension is ${String(s[s.length - 1])}.`,
        'in1_features',
        typeof s[s.length - 1] === 'number' ? (s[s.length - 1] as number) : undefined,
      );
    }
    return { k: 'tensor', shape: [...s.slice(0, -1), o] };
  },
};

const identity: LayerRule = {
  type: 'Identity',
  sig: [],
  forward: (f) => f.x,
};

const flat: LayerRule = {
  type: 'Flatten',
  sig: [
    ['start_dim', 1],
    ['end_dim', -1],
  ],
  forward(f) {
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    const a = f.cfg.int('start_dim');
    const b = f.cfg.int('end_dim');
    if (a === null || b === null)
      return unknownTensor(`${f.label}: start_dim/end_dim could not be evaluated`);
    const r = flatten(s, a, b);
    if ('shape' in r) return { k: 'tensor', shape: r.shape };
    if ('error' in r) f.diag('flatten-dims', 'error', `${f.label}: ${r.error}.`);
    return unknownTensor('error' in r ? r.error : r.unknown);
  },
};

const unflatten: LayerRule = {
  type: 'Unflatten',
  sig: [
    ['dim', REQUIRED],
    ['unflattened_size', REQUIRED],
  ],
  forward(f) {
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    const dim = f.cfg.int('dim');
    const sizes = f.cfg.raw('unflattened_size');
    if (dim === null || !Array.isArray(sizes) || !sizes.every((v) => typeof v === 'number'))
      return unknownTensor(`${f.label}: arguments could not be evaluated`);
    const d = normDim(dim, s.length);
    if (d === null) return unknownTensor(`${f.label}: dim out of range`);
    const sz = sizes as number[];
    const known = sz.filter((v) => v !== -1).reduce((a, b) => a * b, 1);
    const dimSize = s[d];
    let filled: D[] = sz;
    if (sz.includes(-1)) {
      if (typeof dimSize !== 'number') return unknownTensor(`${f.label}: -1 with a symbolic size`);
      filled = sz.map((v) => (v === -1 ? dimSize / known : v));
    } else if (knownEqual(dimSize, known) === false) {
      f.diag(
        'unflatten-size',
        'error',
        `${f.label}: unflattened_size ${shapeStr(sz)} multiplies to ${known}, but dimension ${dim} of the input ${shapeStr(s)} has size ${String(dimSize)}; PyTorch raises "unflatten: Provided sizes ... don't multiply up to the size of dim".`,
        'unflattened_size',
      );
      return unknownTensor('unflatten sizes do not match');
    }
    return { k: 'tensor', shape: [...s.slice(0, d), ...filled, ...s.slice(d + 1)] };
  },
};

function embeddingWeight(c: Cfg, name: string): number[] | null {
  const n = c.int('num_embeddings');
  const d = c.int('embedding_dim');
  return name === 'weight' && n !== null && d !== null ? [n, d] : null;
}

const embedding: LayerRule = {
  type: 'Embedding',
  sig: [
    ['num_embeddings', REQUIRED],
    ['embedding_dim', REQUIRED],
    ['padding_idx', null],
    ['max_norm', null],
    ['norm_type', 2.0],
    ['scale_grad_by_freq', false],
    ['sparse', false],
  ],
  params(c) {
    const n = c.int('num_embeddings');
    const d = c.int('embedding_dim');
    return n === null || d === null ? null : n * d;
  },
  paramShape: embeddingWeight,
  probe: () => ['B', 'L'],
  probeRankGuessed: true,
  forward(f) {
    const s = f.x.shape;
    const d = f.cfg.int('embedding_dim');
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    if (d === null) return unknownTensor(`${f.label}: embedding_dim could not be evaluated`);
    return { k: 'tensor', shape: [...s, d] };
  },
};

const embeddingBag: LayerRule = {
  type: 'EmbeddingBag',
  sig: [
    ['num_embeddings', REQUIRED],
    ['embedding_dim', REQUIRED],
    ['max_norm', null],
    ['norm_type', 2.0],
    ['scale_grad_by_freq', false],
    ['mode', 'mean'],
    ['sparse', false],
    ['_weight', null],
    ['include_last_offset', false],
    ['padding_idx', null],
  ],
  params(c) {
    const n = c.int('num_embeddings');
    const d = c.int('embedding_dim');
    return n === null || d === null ? null : n * d;
  },
  paramShape: embeddingWeight,
  forward(f) {
    const s = f.x.shape;
    const d = f.cfg.int('embedding_dim');
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    if (d === null) return unknownTensor(`${f.label}: embedding_dim could not be evaluated`);
    // 2-d input: one bag per row. 1-d input with offsets: one bag per offset.
    if (s.length === 2) return { k: 'tensor', shape: [s[0], d] };
    const offsets: Value | undefined = f.args[1] ?? f.kwargs.get('offsets');
    if (offsets && offsets.k === 'tensor' && offsets.shape && offsets.shape.length === 1) {
      const bags = f.cfg.bool('include_last_offset')
        ? typeof offsets.shape[0] === 'number'
          ? offsets.shape[0] - 1
          : null
        : offsets.shape[0];
      if (bags !== null) return { k: 'tensor', shape: [bags, d] };
    }
    return unknownTensor(`${f.label}: number of bags unknown`);
  },
};

export const linearRules: LayerRule[] = [
  linear,
  bilinear,
  identity,
  flat,
  unflatten,
  embedding,
  embeddingBag,
];

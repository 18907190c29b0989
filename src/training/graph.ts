// A network that is a graph, not a chain: the nodes graphTranslate.ts makes from the shape engine's
// flow graph, and their forward in tfjs. Every node means what it means in PyTorch on NCHW tensors, but
// values may be held channels-last (NHWC, what tfjs convolves): a run of convolutions, pooling, batch
// norm, activations, residual adds and channel concatenations stays NHWC, and a value is turned to
// PyTorch's order only where an op's meaning depends on the memory order (view, flatten, permute,
// indexing) — turning it around every convolution cost more than the convolution on small images.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import { toPlain, type Act, type Layout } from './layers';

/** Output `out` of node `node`. */
export interface GRef {
  node: number;
  out: number;
}

/** A size, `v + perBatch·B` for the batch size B of the run. */
export interface GSize {
  v: number;
  perBatch: number;
}

/** A constant operand or a tensor. */
export type GOperand = GRef | number;

/** An index item of `x[...]`, in PyTorch's meaning; bounds null where omitted. */
export type GIndex =
  | { t: 'int'; i: GSize }
  | { t: 'slice'; lo: GSize | null; hi: GSize | null; step: number }
  | { t: 'newaxis' }
  | { t: 'ellipsis' };

export type GNode =
  | { op: 'input'; index: number }
  /** spec.layers[layer] on one tensor; `extra`: its further inputs (a state, keys), null where left out. */
  | { op: 'layer'; layer: number; x: GRef; extra?: (GRef | null)[] }
  /** torch.zeros / ones (a shape) and zeros_like / ones_like (another tensor's shape). */
  | { op: 'fill'; shape: GSize[] | GRef; value: number }
  | { op: 'binary'; fn: 'add' | 'sub' | 'mul' | 'div'; a: GOperand; b: GOperand }
  | { op: 'neg'; x: GRef }
  | { op: 'cat' | 'stack'; xs: GRef[]; dim: number }
  /** Pieces of these sizes along dim (split and chunk). */
  | { op: 'split'; x: GRef; sizes: number[]; dim: number }
  | { op: 'index'; x: GRef; items: GIndex[] }
  | { op: 'reshape'; x: GRef; shape: GSize[] }
  | { op: 'flatten'; x: GRef; start: number; end: number }
  | { op: 'permute'; x: GRef; dims: number[] }
  | { op: 'transpose'; x: GRef; a: number; b: number }
  | { op: 'unsqueeze'; x: GRef; dim: number }
  /** dim null: every axis of size 1. */
  | { op: 'squeeze'; x: GRef; dim: number | null }
  /** dims null: every axis. */
  | { op: 'mean' | 'sum'; x: GRef; dims: number[] | null; keep: boolean }
  | { op: 'matmul'; a: GRef; b: GRef }
  | { op: 'softmax' | 'log_softmax'; x: GRef; dim: number }
  | { op: 'act'; fn: 'relu' | 'sigmoid' | 'tanh' | 'gelu' | 'silu'; x: GRef }
  | { op: 'identity'; x: GRef };

export interface GraphSpec {
  /** Indexed as the engine's flow graph; null for nodes the output does not depend on. */
  nodes: (GNode | null)[];
  output: GRef;
}

const axis = (d: number, rank: number): number => (d < 0 ? d + rank : d);
const size = (s: GSize, batch: number): number => s.v + s.perBatch * batch;

function index(tf: Tf, x: Tensor, items: GIndex[], batch: number): Tensor {
  const consumed = items.filter((i) => i.t === 'int' || i.t === 'slice').length;
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  const outShape: number[] = [];
  let d = 0;
  for (const it of items) {
    if (it.t === 'newaxis') {
      outShape.push(1);
      continue;
    }
    if (it.t === 'ellipsis') {
      for (let k = x.rank - consumed; k > 0; k--, d++) {
        begin.push(0);
        end.push(x.shape[d]);
        strides.push(1);
        outShape.push(x.shape[d]);
      }
      continue;
    }
    const n = x.shape[d];
    if (it.t === 'int') {
      const i = axis(size(it.i, batch), n);
      if (i < 0 || i >= n) throw new Error(`index ${size(it.i, batch)} out of range for size ${n}`);
      begin.push(i);
      end.push(i + 1);
      strides.push(1);
    } else {
      // Python's slice bounds: negative from the end, clamped to the axis.
      const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
      const lo = it.lo ? clamp(size(it.lo, batch)) : 0;
      const hi = Math.max(lo, it.hi ? clamp(size(it.hi, batch)) : n);
      begin.push(lo);
      end.push(hi);
      strides.push(it.step);
      outShape.push(Math.ceil((hi - lo) / it.step));
    }
    d++;
  }
  for (; d < x.rank; d++) {
    begin.push(0);
    end.push(x.shape[d]);
    strides.push(1);
    outShape.push(x.shape[d]);
  }
  let picked = tf.slice(
    x,
    begin,
    end.map((e, i) => e - begin[i]),
  );
  strides.forEach((s, ax) => {
    if (s > 1) picked = everyNth(tf, picked, ax, s);
  });
  return tf.reshape(picked, outShape);
}

/**
 * Every s-th element along `ax`, from the first: padded to a multiple of s, the axis split into
 * [n, s] and the first column kept. tfjs's stridedSlice has no gradient; pad, reshape and slice do.
 */
function everyNth(tf: Tf, x: Tensor, ax: number, s: number): Tensor {
  const len = x.shape[ax];
  const n = Math.ceil(len / s);
  const padded =
    n * s === len
      ? x
      : tf.pad(
          x,
          x.shape.map((_, i): [number, number] => [0, i === ax ? n * s - len : 0]),
        );
  const split = [...x.shape.slice(0, ax), n, s, ...x.shape.slice(ax + 1)];
  const first = tf.slice(
    tf.reshape(padded, split),
    split.map(() => 0),
    split.map((d, i) => (i === ax + 1 ? 1 : d)),
  );
  return tf.reshape(first, [...x.shape.slice(0, ax), n, ...x.shape.slice(ax + 1)]);
}

/** The pieces along `dim` PyTorch's chunk(n) makes: ⌈size/n⌉ each, the last what remains. */
export function chunkSizes(total: number, chunks: number): number[] {
  const each = Math.ceil(total / chunks);
  const out: number[] = [];
  for (let left = total; left > 0; left -= each) out.push(Math.min(each, left));
  return out;
}

/** A node that is a tensor operation (not a layer, not the input). */
export type OpNode = Exclude<GNode, { op: 'layer' | 'input' }>;

/**
 * Layer `layer` of the spec on an activation in either layout: every output, each with its layout.
 * `extra`: its further inputs (a state, keys) in PyTorch's layout, null where left out.
 */
export type LayerApply = (
  layer: number,
  x: Act,
  training: boolean,
  extra?: (Tensor | null)[],
) => Act[];

/** Where PyTorch's axis d of a rank-r tensor lies channels-last: batch first, channels last. */
const nhwcAxis = (d: number, r: number): number => (d === 0 ? 0 : d === 1 ? r - 1 : d - 1);

/**
 * The node to run on channels-last operands as they lie, and the layout of its result, when that
 * computes PyTorch's op: elementwise ops as they are, cat/split/softmax/mean/sum with their dims moved.
 * Null when the op depends on PyTorch's memory order (or an operand is in it): the caller turns the
 * operands to NCHW. `nhwcRank(r)` is r's rank when it is held channels-last, else null.
 */
export function channelsLastNode(
  n: OpNode,
  nhwcRank: (r: GRef) => number | null,
): { node: OpNode; layout: Layout } | null {
  const same = { node: n, layout: 'nhwc' as const };
  switch (n.op) {
    case 'act':
    case 'neg':
    case 'identity':
      return nhwcRank(n.x) === null ? null : same;
    case 'binary': {
      // Broadcasting lines up axes from the end, so both tensors must be channels-last of one rank.
      const ranks = [n.a, n.b].filter((o) => typeof o !== 'number').map((o) => nhwcRank(o));
      return ranks.every((r) => r !== null && r === ranks[0]) ? same : null;
    }
    case 'cat': {
      const r = nhwcRank(n.xs[0]);
      if (r === null || n.xs.some((x) => nhwcRank(x) !== r)) return null;
      return { node: { ...n, dim: nhwcAxis(axis(n.dim, r), r) }, layout: 'nhwc' };
    }
    case 'split':
    case 'softmax':
    case 'log_softmax': {
      const r = nhwcRank(n.x);
      if (r === null) return null;
      return { node: { ...n, dim: nhwcAxis(axis(n.dim, r), r) }, layout: 'nhwc' };
    }
    case 'mean':
    case 'sum': {
      const r = nhwcRank(n.x);
      if (r === null) return null;
      // Over every axis the order does not matter.
      if (n.dims === null) return { node: n, layout: 'plain' };
      const dims = n.dims.map((d) => axis(d, r));
      if (dims.includes(0)) return null;
      const moved = { ...n, dims: dims.map((d) => nhwcAxis(d, r)) };
      if (n.keep) return { node: moved, layout: 'nhwc' };
      // What remains is [B, spatial…] (channels gone) or [B, C]: both in PyTorch's order; else
      // [B, spatial…, C], still channels-last.
      const left = r - new Set(dims).size;
      return { node: moved, layout: dims.includes(1) || left <= 2 ? 'plain' : 'nhwc' };
    }
    default:
      return null;
  }
}

/** The graph's forward: `x` is the batch as fit gives it (NHWC when an image). */
export function runGraph(
  tf: Tf,
  g: GraphSpec,
  apply: LayerApply,
  x: Tensor,
  training: boolean,
): Tensor {
  const vals: Act[][] = [];
  const batch = x.shape[0];
  const act = (r: GRef): Act => {
    const a = vals[r.node]?.[r.out];
    if (!a) throw new Error(`graph node ${r.node} output ${r.out} is missing`);
    return a;
  };
  // Each channels-last value is turned to PyTorch's order at most once, however many ops read it.
  const plainOf = new Map<Act, Tensor>();
  const plain = (r: GRef): Tensor => {
    const a = act(r);
    if (a.layout === 'plain') return a.t;
    let t = plainOf.get(a);
    if (!t) {
      t = toPlain(tf, a).t;
      plainOf.set(a, t);
    }
    return t;
  };
  const raw = (r: GRef): Tensor => act(r).t;
  const nhwcRank = (r: GRef): number | null => {
    const a = act(r);
    return a.layout === 'nhwc' ? a.t.rank : null;
  };
  const input: Act = { t: x, layout: x.rank === 4 ? 'nhwc' : 'plain' };
  g.nodes.forEach((n, i) => {
    if (!n) return;
    if (n.op === 'input') vals[i] = [input];
    else if (n.op === 'layer')
      vals[i] = apply(
        n.layer,
        act(n.x),
        training,
        n.extra?.map((r) => (r ? plain(r) : null)),
      );
    else {
      const cl = channelsLastNode(n, nhwcRank);
      const get = cl ? raw : plain;
      const operand = (o: GOperand): Tensor | number => (typeof o === 'number' ? o : get(o));
      const out = [node(tf, cl ? cl.node : n, operand, get, batch)].flat();
      vals[i] = out.map((t) => ({ t, layout: cl ? cl.layout : 'plain' }));
    }
  });
  return plain(g.output);
}

function node(
  tf: Tf,
  n: OpNode,
  operand: (o: GOperand) => Tensor | number,
  get: (r: GRef) => Tensor,
  batch: number,
): Tensor | Tensor[] {
  switch (n.op) {
    case 'binary': {
      const a = operand(n.a);
      const b = operand(n.b);
      const f = { add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div }[n.fn];
      return f(typeof a === 'number' ? tf.scalar(a) : a, typeof b === 'number' ? tf.scalar(b) : b);
    }
    case 'neg':
      return tf.neg(get(n.x));
    case 'cat':
    case 'stack': {
      const xs = n.xs.map(get);
      const rank = xs[0].rank + (n.op === 'stack' ? 1 : 0);
      return n.op === 'cat' ? tf.concat(xs, axis(n.dim, rank)) : tf.stack(xs, axis(n.dim, rank));
    }
    case 'split': {
      const x = get(n.x);
      return tf.split(x, n.sizes, axis(n.dim, x.rank));
    }
    case 'index':
      return index(tf, get(n.x), n.items, batch);
    case 'reshape':
      return tf.reshape(
        get(n.x),
        n.shape.map((s) => size(s, batch)),
      );
    case 'flatten': {
      const x = get(n.x);
      const s = axis(n.start, x.rank);
      const e = axis(n.end, x.rank);
      if (x.rank === 0) return tf.reshape(x, [1]);
      const mid = x.shape.slice(s, e + 1).reduce((p, q) => p * q, 1);
      return tf.reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
    }
    case 'permute': {
      const x = get(n.x);
      return tf.transpose(
        x,
        n.dims.map((d) => axis(d, x.rank)),
      );
    }
    case 'transpose': {
      const x = get(n.x);
      const perm = x.shape.map((_, i) => i);
      const a = axis(n.a, x.rank);
      const b = axis(n.b, x.rank);
      [perm[a], perm[b]] = [perm[b], perm[a]];
      return tf.transpose(x, perm);
    }
    case 'unsqueeze': {
      const x = get(n.x);
      return tf.expandDims(x, axis(n.dim, x.rank + 1));
    }
    case 'squeeze': {
      const x = get(n.x);
      if (n.dim === null) return tf.squeeze(x);
      const d = axis(n.dim, x.rank);
      // PyTorch leaves an axis whose size is not 1 as it is.
      return x.shape[d] === 1 ? tf.squeeze(x, [d]) : x;
    }
    case 'mean':
    case 'sum': {
      const x = get(n.x);
      const dims = n.dims ? n.dims.map((d) => axis(d, x.rank)) : undefined;
      return n.op === 'mean' ? tf.mean(x, dims, n.keep) : tf.sum(x, dims, n.keep);
    }
    case 'matmul':
      return tf.matMul(get(n.a), get(n.b));
    case 'softmax':
    case 'log_softmax': {
      const x = get(n.x);
      const d = axis(n.dim, x.rank);
      // tfjs normalises over the last axis only: move dim there and back.
      const perm = x.shape.map((_, i) => i);
      [perm[d], perm[x.rank - 1]] = [perm[x.rank - 1], perm[d]];
      const moved = d === x.rank - 1 ? x : tf.transpose(x, perm);
      const y = n.op === 'softmax' ? tf.softmax(moved) : tf.logSoftmax(moved);
      return d === x.rank - 1 ? y : tf.transpose(y, perm);
    }
    case 'act': {
      const x = get(n.x);
      switch (n.fn) {
        case 'relu':
          return tf.relu(x);
        case 'sigmoid':
          return tf.sigmoid(x);
        case 'tanh':
          return tf.tanh(x);
        case 'silu':
          return tf.mul(x, tf.sigmoid(x));
        case 'gelu':
          return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
      }
      break;
    }
    case 'identity':
      return get(n.x);
    case 'fill':
      return tf.fill(
        Array.isArray(n.shape) ? n.shape.map((s) => size(s, batch)) : get(n.shape).shape,
        n.value,
      );
  }
  throw new Error(`graph: unknown node ${JSON.stringify(n)}`);
}

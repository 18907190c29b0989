// A network that is a graph, not a chain: the nodes graphTranslate.ts makes from the shape engine's
// flow graph, and their forward in tfjs. Every value between nodes is in PyTorch's layout (NCHW), so
// each op means what it means in PyTorch; the layers convert to NHWC inside where tfjs needs it.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import { toPlain } from './layers';

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
  const picked = strides.every((s) => s === 1)
    ? tf.slice(
        x,
        begin,
        end.map((e, i) => e - begin[i]),
      )
    : tf.stridedSlice(x, begin, end, strides);
  return tf.reshape(picked, outShape);
}

/** The pieces along `dim` PyTorch's chunk(n) makes: ⌈size/n⌉ each, the last what remains. */
export function chunkSizes(total: number, chunks: number): number[] {
  const each = Math.ceil(total / chunks);
  const out: number[] = [];
  for (let left = total; left > 0; left -= each) out.push(Math.min(each, left));
  return out;
}

/** Layer `layer` of the spec on a tensor in PyTorch's layout: every tensor it outputs. */
export type LayerApply = (
  layer: number,
  x: Tensor,
  training: boolean,
  extra?: (Tensor | null)[],
) => Tensor[];

/** The graph's forward: `x` is the batch as fit gives it (NHWC when an image). */
export function runGraph(
  tf: Tf,
  g: GraphSpec,
  apply: LayerApply,
  x: Tensor,
  training: boolean,
): Tensor {
  const vals: Tensor[][] = [];
  const batch = x.shape[0];
  const get = (r: GRef): Tensor => {
    const t = vals[r.node]?.[r.out];
    if (!t) throw new Error(`graph node ${r.node} output ${r.out} is missing`);
    return t;
  };
  const operand = (o: GOperand): Tensor | number => (typeof o === 'number' ? o : get(o));
  const input = toPlain(tf, { t: x, layout: x.rank === 4 ? 'nhwc' : 'plain' }).t;
  g.nodes.forEach((n, i) => {
    if (!n) return;
    vals[i] =
      n.op === 'layer'
        ? apply(
            n.layer,
            get(n.x),
            training,
            n.extra?.map((r) => (r ? get(r) : null)),
          )
        : [node(tf, n, input, operand, get, batch)].flat();
  });
  return get(g.output);
}

function node(
  tf: Tf,
  n: Exclude<GNode, { op: 'layer' }>,
  input: Tensor,
  operand: (o: GOperand) => Tensor | number,
  get: (r: GRef) => Tensor,
  batch: number,
): Tensor | Tensor[] {
  switch (n.op) {
    case 'input':
      return input;
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

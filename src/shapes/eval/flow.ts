// The forward as a graph of tensor operations, for training (AnalyzeOptions.flow). The interpreter
// calls the recorder at its few tensor-making points (a layer row, a torch function or tensor method,
// an operator, indexing); the recorder names every tensor it sees by the node that made it. A tensor
// it never saw made is an unknown operand, so whatever the engine does not follow can only make the
// graph refuse, never make it a different model.
import { isNum, type D, type Poly } from '../library/dims';
import type { FlowArg, FlowGraph, FlowNode, Shape } from '../types';
import { spend } from './budget';
import type { IndexItem } from './calls';
import { resultShape } from './semantics';
import type { TensorV, Value } from './values';

/** The symbol the batch dimension is traced as. */
export const BATCH_SYMBOL = 'batch';

interface Ref {
  node: number;
  out: number;
}

/** `d` as `v + perBatch·batch`, or null when it is anything else (another symbol, a floor). */
function linearInBatch(d: D): { v: number; perBatch: number } | null {
  if (isNum(d)) return { v: d, perBatch: 0 };
  let v = 0;
  let perBatch = 0;
  for (const t of (d as Poly).terms.values()) {
    if (t.atoms.length === 0) v += t.coef;
    else if (t.atoms.length === 1 && t.atoms[0].kind === 'sym' && t.atoms[0].name === BATCH_SYMBOL)
      perBatch += t.coef;
    else return null;
  }
  return { v, perBatch };
}

function numArg(d: D, float?: boolean): FlowArg {
  const l = linearInBatch(d);
  if (!l) return { k: 'unknown', why: 'a size the trace keeps symbolic' };
  const out: { k: 'num'; v: number; perBatch?: number; float?: boolean } = { k: 'num', v: l.v };
  if (l.perBatch !== 0) out.perBatch = l.perBatch;
  if (float) out.float = true;
  return out;
}

export class FlowRecorder {
  readonly nodes: FlowNode[] = [];
  readonly refusals: { line: number; why: string }[] = [];
  private readonly ids = new WeakMap<TensorV, Ref>();
  private readonly modules = new WeakMap<object, number>();
  private nextModule = 0;

  /** The node that made tensor `t`, if this recorder saw it made. */
  refOf(t: TensorV): Ref | undefined {
    return this.ids.get(t);
  }

  refuse(line: number, why: string): void {
    if (this.refusals.length < 20) this.refusals.push({ line, why });
  }

  arg(v: Value): FlowArg {
    switch (v.k) {
      case 'tensor': {
        const r = this.ids.get(v);
        if (r) return { k: 'tensor', node: r.node, out: r.out };
        return {
          k: 'unknown',
          why: 'a tensor made by something the trace does not follow (a parameter or buffer used directly, or an unsupported call)',
        };
      }
      case 'num':
        return numArg(v.v, v.float);
      case 'bool':
        return { k: 'bool', v: v.v };
      case 'str':
        return { k: 'str', v: v.v };
      case 'none':
        return { k: 'none' };
      case 'seq':
        spend(v.items.length);
        return { k: 'seq', items: v.items.map((x) => this.arg(x)) };
      case 'unknown':
        return { k: 'unknown', why: v.why };
      default:
        return { k: 'unknown', why: `a ${v.k} value` };
    }
  }

  private indexArg(i: IndexItem): FlowArg {
    if (i.t === 'ellipsis') return { k: 'ellipsis' };
    if (i.t === 'index') return this.arg(i.v);
    const bound = (d: D | null | undefined): FlowArg =>
      d === undefined
        ? { k: 'none' }
        : d === null
          ? { k: 'unknown', why: 'slice bound' }
          : numArg(d);
    return { k: 'slice', lo: bound(i.lo), hi: bound(i.hi), step: bound(i.step) };
  }

  /** Tensors of `v` in order (through tuples and lists). */
  private tensors(v: Value, out: TensorV[]): void {
    if (v.k === 'tensor') out.push(v);
    else if (v.k === 'seq') {
      spend(v.items.length);
      for (const x of v.items) this.tensors(x, out);
    }
  }

  /** `v` with every tensor replaced by a copy named as output k of `node`. */
  private fresh(v: Value, node: number, counter: { n: number }, shapes: Shape[]): Value {
    if (v.k === 'tensor') {
      const copy: TensorV = { ...v };
      this.ids.set(copy, { node, out: counter.n++ });
      shapes.push(v.shape ? resultShape(v.shape) : null);
      return copy;
    }
    if (v.k === 'seq') {
      spend(v.items.length);
      return { ...v, items: v.items.map((x) => this.fresh(x, node, counter, shapes)) };
    }
    return v;
  }

  private add(node: Omit<FlowNode, 'outputs'>, out: Value): Value {
    const id = this.nodes.length;
    spend(1);
    const outputs: Shape[] = [];
    const v = this.fresh(out, id, { n: 0 }, outputs);
    this.nodes.push({ ...node, outputs });
    return v;
  }

  private kwargs(kw: ReadonlyMap<string, Value>): Record<string, FlowArg> {
    const out: Record<string, FlowArg> = {};
    for (const [k, v] of kw) out[k] = this.arg(v);
    return out;
  }

  /** The model's forward argument `index`. */
  input(index: number, v: Value, line: number): Value {
    return this.add({ kind: 'input', op: 'input', line, args: [], kwargs: {}, index }, v);
  }

  /** A row of the trace's layers; `module` is the instance (one id per instance: shared weights). */
  layer(
    layerIndex: number,
    type: string,
    module: object | undefined,
    pos: readonly Value[],
    kw: ReadonlyMap<string, Value>,
    out: Value,
    line: number,
    inplace: boolean,
  ): Value {
    let mod: number | undefined;
    if (module) {
      mod = this.modules.get(module);
      if (mod === undefined) {
        mod = this.nextModule++;
        this.modules.set(module, mod);
      }
    }
    const node: Omit<FlowNode, 'outputs'> = {
      kind: 'layer',
      op: type,
      line,
      args: pos.map((x) => this.arg(x)),
      kwargs: this.kwargs(kw),
      layer: layerIndex,
    };
    if (mod !== undefined) node.module = mod;
    if (inplace) node.inplace = true;
    return this.add(node, out);
  }

  /**
   * A torch function, tensor method, operator or index that returned `out`. When the call itself
   * added the nodes its tensors come from (F.relu runs a layer), those stand; otherwise it is a node.
   */
  op(
    path: string,
    self: Value | null,
    pos: readonly Value[],
    kw: ReadonlyMap<string, Value>,
    index: readonly IndexItem[] | undefined,
    out: Value,
    line: number,
    nodesBefore: number,
  ): Value {
    const ts: TensorV[] = [];
    this.tensors(out, ts);
    if (ts.length === 0) return out;
    if (
      ts.every((t) => {
        const r = this.ids.get(t);
        return r !== undefined && r.node >= nodesBefore;
      })
    ) {
      // The row keeps the call as written: `torch.cat`'s row lists only the tensors, not `dim`.
      for (const t of ts) {
        const n = this.nodes[(this.ids.get(t) as Ref).node];
        n.call ??= {
          op: path,
          self: self ? this.arg(self) : undefined,
          args: index ? index.map((i) => this.indexArg(i)) : pos.map((x) => this.arg(x)),
          kwargs: this.kwargs(kw),
        };
      }
      return out;
    }
    const node: Omit<FlowNode, 'outputs'> = {
      kind: 'op',
      op: path,
      line,
      args: index ? index.map((i) => this.indexArg(i)) : pos.map((x) => this.arg(x)),
      kwargs: this.kwargs(kw),
    };
    if (self) node.self = this.arg(self);
    // `x.add_(y)` and the other in-place methods change x itself, which later uses of x would see.
    const name = path.slice(path.lastIndexOf('.') + 1);
    if (/[^_]_$/.test(name)) node.inplace = true;
    return this.add(node, out);
  }

  /** `x += y` and the like: the node that computed the new value writes into the old tensor. */
  markInplace(v: Value): void {
    if (v.k !== 'tensor') return;
    const r = this.ids.get(v);
    if (r) this.nodes[r.node].inplace = true;
  }

  graph(output: Value): FlowGraph {
    return { nodes: this.nodes, output: this.arg(output), refusals: this.refusals };
  }
}

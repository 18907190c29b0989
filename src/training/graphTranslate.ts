// Turns the shape engine's flow graph of a model (ModelResult.graph: every tensor operation of the
// forward with its operands) into a GraphSpec tfjs can run. Residual adds, concatenations, slicing
// and reshapes are nodes like the layers, so the net computes what the user's forward computes.
// Whatever cannot be reproduced exactly is refused with the construct, its line and why: a model
// trained differently from the user's code would be worse than none.
import type { Dim, FlowArg, FlowGraph, FlowNode, LayerResult, ModelResult } from '../shapes/types';
import type { GIndex, GNode, GOperand, GRef, GraphSpec, GSize } from './graph';
import { chunkSizes } from './graph';
import { encoderCopies } from './graphOps/encoderStack';
import { layerRule, opRule, type LayerNode } from './graphOps/rules';
import type { LayerSpec, NetSpec } from './spec';
import { layerSpec, SEQUENCE_LAYERS, TranslateError, typeKey } from './translate';

type TensorArg = FlowArg & { k: 'tensor' };

/** Tensor functions and methods by their short name ("torch.cat", "tensor.view", "Tensor.view" → "cat", "view"). */
function shortName(op: string): string {
  return op.replace(/^(torch\.nn\.functional\.|torch\.|tensor\.|Tensor\.|F\.)/, '');
}

function refs(a: FlowArg | undefined, out: TensorArg[]): void {
  if (!a) return;
  if (a.k === 'tensor') out.push(a);
  else if (a.k === 'seq') for (const x of a.items) refs(x, out);
  else if (a.k === 'slice') {
    refs(a.lo, out);
    refs(a.hi, out);
    refs(a.step, out);
  }
}

/** Every tensor operand of a node (its call's too, where it has one). */
function operands(n: FlowNode): TensorArg[] {
  const out: TensorArg[] = [];
  refs(n.self, out);
  for (const a of n.args) refs(a, out);
  for (const a of Object.values(n.kwargs)) refs(a, out);
  if (n.call) {
    refs(n.call.self, out);
    for (const a of n.call.args) refs(a, out);
    for (const a of Object.values(n.call.kwargs)) refs(a, out);
  }
  return out;
}

const same = (a: TensorArg, b: TensorArg): boolean => a.node === b.node && a.out === b.out;

/** The call a node stands for: method receiver first, then the arguments. */
interface Call {
  name: string;
  line: number;
  pos: FlowArg[];
  kw: Record<string, FlowArg>;
}

class Refuse {
  constructor(private readonly c: Call) {}
  fail(why: string): never {
    throw new TranslateError(
      `line ${this.c.line}: ${this.c.name}: ${why}; this model cannot be trained as written`,
      this.c.line,
    );
  }
}

function describe(a: FlowArg | undefined): string {
  if (!a) return 'missing';
  if (a.k === 'unknown') return `unknown (${a.why})`;
  return a.k === 'num' ? String(a.v) : a.k;
}

class Args extends Refuse {
  private readonly used = new Set<string>();
  constructor(private readonly call: Call) {
    super(call);
  }
  get(i: number, name: string): FlowArg | undefined {
    this.used.add(name);
    return this.call.pos[i] ?? this.call.kw[name];
  }
  tensor(i: number, name: string): GRef {
    const a = this.get(i, name);
    if (a?.k !== 'tensor')
      this.fail(`its ${name} is ${describe(a)}, not a tensor the trace follows`);
    return { node: a.node, out: a.out };
  }
  int(i: number, name: string, dflt?: number): number {
    const a = this.get(i, name);
    if ((a === undefined || a.k === 'none') && dflt !== undefined) return dflt;
    if (a?.k === 'num' && !a.perBatch && Number.isInteger(a.v) && !a.float) return a.v;
    if (a?.k === 'bool') return a.v ? 1 : 0;
    return this.fail(`its ${name} is ${describe(a)}, not a known integer`);
  }
  bool(i: number, name: string, dflt: boolean): boolean {
    const a = this.get(i, name);
    if (a === undefined) return dflt;
    if (a.k === 'bool') return a.v;
    return this.fail(`its ${name} is ${describe(a)}, not a known boolean`);
  }
  /** Integers given as one sequence or as the remaining positional arguments (view(a, b) or view((a, b))). */
  sizes(from: number, name: string): GSize[] {
    const first = this.get(from, name);
    const items =
      first?.k === 'seq'
        ? first.items
        : this.call.pos.length > from
          ? this.call.pos.slice(from)
          : first
            ? [first]
            : [];
    return items.map((a) => {
      if (a.k === 'num' && Number.isInteger(a.v) && !a.float)
        return { v: a.v, perBatch: a.perBatch ?? 0 };
      return this.fail(`its ${name} holds ${describe(a)}, not a known integer`);
    });
  }
  ints(from: number, name: string): number[] {
    return this.sizes(from, name).map((s) =>
      s.perBatch ? this.fail(`its ${name} depends on the batch size`) : s.v,
    );
  }
  /** Refuses keyword arguments nobody read (a mask, out=, dtype=). */
  done(extra: readonly string[] = []): void {
    for (const k of Object.keys(this.call.kw))
      if (!this.used.has(k) && !extra.includes(k))
        this.fail(`argument ${k}= is not supported here`);
  }
}

const ACTS: Record<string, 'relu' | 'sigmoid' | 'tanh' | 'gelu' | 'silu'> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  gelu: 'gelu',
  silu: 'silu',
};
/** Calls that only change the dtype, device or memory layout: the same values in this engine. */
const IDENTITIES = new Set(['contiguous', 'clone', 'float', 'to', 'cpu', 'cuda', 'type_as']);
/** Tensor operations recorded as rows of the layer table (torch.cat, Tensor.view, torch.flatten). */
const ROW_OPS = new Set([
  'cat',
  'concat',
  'stack',
  'view',
  'reshape',
  'flatten',
  'permute',
  'transpose',
  'unsqueeze',
  'squeeze',
  'mean',
  'sum',
  'matmul',
  'bmm',
  'split',
  'chunk',
  'contiguous',
  'softmax',
  'logsoftmax',
]);

function opNode(c: Call, shapeOf: (r: GRef) => (number | string)[] | null, outs: number): GNode {
  const a: Args = new Args(c);
  const name = shortName(c.name);
  if (ACTS[name]) {
    const x = a.tensor(0, 'input');
    a.done();
    return { op: 'act', fn: ACTS[name], x };
  }
  if (IDENTITIES.has(name)) {
    const x = a.tensor(0, 'input');
    for (let i = 1; i < c.pos.length; i++)
      if (c.pos[i].k === 'tensor') a.fail('it takes a second tensor');
    return { op: 'identity', x };
  }
  switch (name) {
    case '__binop__': {
      const sym = c.pos[2];
      const fn =
        sym?.k === 'str' ? { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' }[sym.v] : undefined;
      if (!fn)
        a.fail(
          `the operator ${sym?.k === 'str' ? sym.v : '?'} on tensors is not supported (+ − × ÷ are)`,
        );
      const operand = (i: number): GOperand => {
        const v = c.pos[i];
        if (v?.k === 'tensor') return { node: v.node, out: v.out };
        if (v?.k === 'num' && !v.perBatch) return v.v;
        return a.fail(`its operand ${i + 1} is ${describe(v)}`);
      };
      return { op: 'binary', fn: fn as 'add', a: operand(0), b: operand(1) };
    }
    case 'unary:-':
      return { op: 'neg', x: a.tensor(0, 'input') };
    case 'unary:+':
      return { op: 'identity', x: a.tensor(0, 'input') };
    case 'attr:T': {
      const x = a.tensor(0, 'input');
      const s = shapeOf(x);
      if (!s) return a.fail('its rank is unknown');
      return { op: 'permute', x, dims: s.map((_, i) => s.length - 1 - i) };
    }
    case 'attr:mT':
      return { op: 'transpose', x: a.tensor(0, 'input'), a: -2, b: -1 };
    case '__getitem__': {
      const x = a.tensor(0, 'input');
      const items = c.pos.slice(1).map((it): GIndex => {
        if (it.k === 'ellipsis') return { t: 'ellipsis' };
        if (it.k === 'none') return { t: 'newaxis' };
        if (it.k === 'num' && Number.isInteger(it.v) && !it.float)
          return { t: 'int', i: { v: it.v, perBatch: it.perBatch ?? 0 } };
        if (it.k === 'slice') {
          const bound = (b: FlowArg): GSize | null => {
            if (b.k === 'none') return null;
            if (b.k === 'num' && Number.isInteger(b.v))
              return { v: b.v, perBatch: b.perBatch ?? 0 };
            return a.fail(`a slice bound is ${describe(b)}`);
          };
          const step =
            it.step.k === 'none' ? 1 : it.step.k === 'num' && !it.step.perBatch ? it.step.v : 0;
          if (!Number.isInteger(step) || step < 1)
            a.fail('a slice step is not a known positive integer');
          return { t: 'slice', lo: bound(it.lo), hi: bound(it.hi), step };
        }
        return a.fail(
          `indexing with ${it.k === 'tensor' ? 'a tensor (advanced indexing)' : describe(it)} is not supported (integers, slices, None and ... are)`,
        );
      });
      return { op: 'index', x, items };
    }
    case 'view':
    case 'reshape': {
      const x = a.tensor(0, 'input');
      const shape = a.sizes(1, 'shape');
      a.done();
      return { op: 'reshape', x, shape };
    }
    case 'flatten': {
      const x = a.tensor(0, 'input');
      const start = a.int(1, 'start_dim', 0);
      const end = a.int(2, 'end_dim', -1);
      a.done();
      return { op: 'flatten', x, start, end };
    }
    case 'permute': {
      const x = a.tensor(0, 'input');
      const dims = a.ints(1, 'dims');
      a.done();
      return { op: 'permute', x, dims };
    }
    case 'transpose':
    case 'swapaxes': {
      const x = a.tensor(0, 'input');
      const d0 = a.int(1, 'dim0');
      const d1 = a.int(2, 'dim1');
      a.done();
      return { op: 'transpose', x, a: d0, b: d1 };
    }
    case 'unsqueeze': {
      const x = a.tensor(0, 'input');
      const dim = a.int(1, 'dim');
      a.done();
      return { op: 'unsqueeze', x, dim };
    }
    case 'squeeze': {
      const x = a.tensor(0, 'input');
      const d = a.get(1, 'dim');
      const dim = d === undefined || d.k === 'none' ? null : a.int(1, 'dim');
      a.done();
      return { op: 'squeeze', x, dim };
    }
    case 'mean':
    case 'sum': {
      const x = a.tensor(0, 'input');
      const d = a.get(1, 'dim');
      const dims =
        d === undefined || d.k === 'none'
          ? null
          : d.k === 'seq'
            ? a.ints(1, 'dim')
            : [a.int(1, 'dim')];
      const keep = a.bool(2, 'keepdim', false);
      a.done();
      return { op: name, x, dims, keep };
    }
    case 'matmul':
    case 'bmm':
    case 'mm': {
      const x = a.tensor(0, 'input');
      const y = a.tensor(1, 'other');
      a.done(['mat2']);
      const rx = shapeOf(x)?.length ?? 0;
      const ry = shapeOf(y)?.length ?? 0;
      if (rx < 2 || ry < 2 || rx !== ry)
        a.fail(`matmul of ranks ${rx} and ${ry} is not supported (equal ranks of 2 or more are)`);
      return { op: 'matmul', a: x, b: y };
    }
    case 'softmax':
    case 'log_softmax': {
      const x = a.tensor(0, 'input');
      const dim = a.int(1, 'dim');
      a.done();
      return { op: name, x, dim };
    }
    case 'cat':
    case 'concat':
    case 'stack': {
      const list = a.get(0, 'tensors');
      if (list?.k !== 'seq' || list.items.some((t) => t.k !== 'tensor'))
        return a.fail('its tensors are not a list of tensors the trace follows');
      const xs = list.items.map((t) => ({
        node: (t as TensorArg).node,
        out: (t as TensorArg).out,
      }));
      const dim = a.int(1, 'dim', 0);
      a.done();
      return { op: name === 'stack' ? 'stack' : 'cat', xs, dim };
    }
    case 'split':
    case 'chunk': {
      const x = a.tensor(0, 'input');
      const dim = a.int(2, 'dim', 0);
      const s = shapeOf(x);
      const total = s ? s[dim < 0 ? dim + s.length : dim] : undefined;
      if (typeof total !== 'number')
        return a.fail(`the size of dimension ${dim} is not a known number`);
      const spec = a.get(1, name === 'split' ? 'split_size_or_sections' : 'chunks');
      let sizes: number[];
      if (name === 'chunk') sizes = chunkSizes(total, a.int(1, 'chunks'));
      else if (spec?.k === 'seq') sizes = a.ints(1, 'split_size_or_sections');
      else {
        const each = a.int(1, 'split_size_or_sections');
        sizes = [];
        for (let left = total; left > 0; left -= each) sizes.push(Math.min(each, left));
      }
      a.done();
      if (sizes.length !== outs)
        a.fail(`it makes ${sizes.length} pieces but the trace saw ${outs}`);
      return { op: 'split', x, sizes, dim };
    }
    default:
      return opRule(name)?.(a) ?? a.fail('this tensor operation has no tfjs translation here');
  }
}

function checkInplace(g: FlowGraph, needed: Set<number>): void {
  g.nodes.forEach((n, i) => {
    if (!n.inplace) return;
    const t = n.kind === 'op' && n.self ? n.self : n.args[0];
    if (t?.k !== 'tensor') return;
    const later =
      (g.output.k === 'seq' || g.output.k === 'tensor') &&
      operands({ kind: 'op', op: '', line: 0, args: [g.output], kwargs: {}, outputs: [] }).some(
        (r) => same(r, t),
      );
    const reused = g.nodes.some(
      (m, j) => j > i && needed.has(j) && operands(m).some((r) => same(r, t)),
    );
    if (later || reused)
      throw new TranslateError(
        `line ${n.line}: ${n.op === 'tensor.__binop__' ? 'an augmented assignment (+= and the like)' : n.op} writes into a tensor that is used again afterwards; PyTorch's in-place write changes every use of it, which the translation does not reproduce — write \`y = x + ...\` instead`,
        n.line,
      );
  });
}

/** The model's flow graph as a NetSpec with a graph, or a TranslateError naming the first construct it cannot train. */
export function translateGraph(model: ModelResult): NetSpec {
  const g = model.graph;
  const where = `${model.name} (line ${model.line})`;
  if (!g) throw new TranslateError(`${where}: its forward was not traced as a graph`, model.line);
  const r = g.refusals[0];
  if (r)
    throw new TranslateError(
      `line ${r.line}: ${r.why}; the forward must compute the same operations for every input to be trained here`,
      r.line,
    );
  const first = model.input[0];
  if (model.input.length !== 1 || !first)
    throw new TranslateError(
      `${where}: its forward takes ${model.input.length} inputs; only single-input models can be trained`,
      model.line,
    );
  const dims = first.slice(1);
  if (!dims.every((d): d is number => typeof d === 'number'))
    throw new TranslateError(
      `${where}: its input shape (${first.join(', ')}) is not fully known; give numbers, e.g. '# input: (1, 1, 28, 28)'`,
      model.line,
    );
  if (g.output.k !== 'tensor')
    throw new TranslateError(
      g.output.k === 'unknown'
        ? `${where}: its output is unknown (${g.output.why})`
        : `${where}: its forward returns ${g.output.k === 'seq' ? 'several values' : 'no tensor'}; only single-output models can be trained`,
      model.line,
    );
  // The nodes the output depends on, found backwards (the nodes are in execution order).
  const needed = new Set<number>([g.output.node]);
  for (let i = g.nodes.length - 1; i >= 0; i--)
    if (needed.has(i)) for (const o of operands(g.nodes[i])) needed.add(o.node);
  checkInplace(g, needed);

  const layers: LayerSpec[] = [];
  const moduleNames = new Map<string, number>();
  const nodes: (GNode | null)[] = g.nodes.map(() => null);
  const shapeOf = (ref: GRef): (number | string)[] | null =>
    g.nodes[ref.node]?.outputs[ref.out] ?? null;
  for (let i = 0; i < g.nodes.length; i++) {
    if (!needed.has(i)) continue;
    const n = g.nodes[i];
    if (n.kind === 'input') {
      nodes[i] = { op: 'input', index: n.index ?? 0 };
      continue;
    }
    const call: Call = n.call
      ? {
          name: n.call.op,
          line: n.line,
          pos: n.call.self ? [n.call.self, ...n.call.args] : n.call.args,
          kw: n.call.kwargs,
        }
      : { name: n.op, line: n.line, pos: n.self ? [n.self, ...n.args] : n.args, kw: n.kwargs };
    if (n.kind === 'op' || (n.call && ROW_OPS.has(typeKey(shortName(n.call.op))))) {
      nodes[i] = opNode(call, shapeOf, n.outputs.length);
      continue;
    }
    const l: LayerResult | undefined = n.layer !== undefined ? model.layers[n.layer] : undefined;
    if (!l) throw new TranslateError(`line ${n.line}: ${n.op} is not in the layer table`, n.line);
    const rule = layerRule(typeKey(l.type));
    nodes[i] = rule
      ? ruleNode(
          rule(n, l, new Args({ name: l.type, line: n.line, pos: n.args, kw: n.kwargs })),
          n.module,
          layers,
          moduleNames,
        )
      : layerNode(n, l, layers, moduleNames);
  }
  encoderCopies(model, layers);
  const spec: NetSpec = {
    name: model.name,
    input: dims,
    layers,
    graph: { nodes, output: { node: g.output.node, out: g.output.out } } satisfies GraphSpec,
  };
  return spec;
}

const RECURRENT: Record<string, true> = { lstm: true, gru: true, rnn: true };

/** nn.RNN / LSTM / GRU from the engine's constructor arguments (recurrent.ts builds it). */
function recurrentSpec(l: LayerResult, input: Dim[], fail: (why: string) => never): LayerSpec {
  const c = l.config ?? {};
  const int = (k: string): number => {
    const v = c[k];
    return typeof v === 'number' && Number.isInteger(v)
      ? v
      : fail(`argument ${k} is not a known integer (${JSON.stringify(v)})`);
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const v = c[k];
    return v === undefined
      ? dflt
      : typeof v === 'boolean'
        ? v
        : v === 0 || v === 1
          ? v === 1
          : fail(`argument ${k} is not a known boolean`);
  };
  const key = typeKey(l.type);
  const nl = c.nonlinearity ?? 'tanh';
  if (key === 'rnn' && nl !== 'tanh' && nl !== 'relu')
    fail(`nonlinearity=${JSON.stringify(nl)} is not supported`);
  const numLayers = int('num_layers');
  const dropout = c.dropout ?? 0;
  // PyTorch drops out between stacked layers only: with one layer the argument does nothing.
  if (numLayers > 1 && dropout !== 0)
    fail(
      'dropout between stacked layers is not reproduced; set dropout=0 or stack the layers yourself',
    );
  if (c.proj_size !== undefined && c.proj_size !== 0) fail('proj_size is not supported');
  if (input.length !== 3)
    fail(`it receives a ${input.length}-D input; only batched (3-D) input is supported`);
  return {
    name: l.name,
    type: l.type,
    line: l.line,
    op: 'recurrent',
    mode: key === 'lstm' ? 'lstm' : key === 'gru' ? 'gru' : nl === 'relu' ? 'rnn_relu' : 'rnn_tanh',
    inputSize: int('input_size'),
    hiddenSize: int('hidden_size'),
    numLayers,
    bias: bool('bias', true),
    batchFirst: bool('batch_first', false),
    bidirectional: bool('bidirectional', false),
  };
}

function layerNode(
  n: FlowNode,
  l: LayerResult,
  layers: LayerSpec[],
  moduleNames: Map<string, number>,
): GNode {
  const fail: (why: string) => never = (why) => {
    throw new TranslateError(`${l.type} at line ${n.line}: ${why}`, n.line);
  };
  const key = typeKey(l.type);
  const seq = SEQUENCE_LAYERS[key];
  if (seq && !RECURRENT[key]) fail(`${seq} have no tfjs translation in graphs yet`);
  const x = n.args[0];
  if (x?.k !== 'tensor') fail(`its input is ${describe(x)}, not a tensor the trace follows`);
  if (n.module !== undefined) {
    // A module call passes the input alone: a mask or a state silently dropped would be another model.
    if (n.args.length > 1 || Object.keys(n.kwargs).length > 0)
      fail(
        'it is called with more than its input (a mask, a state or an option), which the translation does not reproduce',
      );
  } else if (n.args.slice(1).some((a) => a.k === 'tensor'))
    fail('a functional layer given weight tensors cannot be trained here; use the nn module');
  if (!l.input || !l.output)
    fail(
      `its ${l.input ? 'output' : 'input'} shape is unknown${l.unknownReason ? ` (${l.unknownReason})` : ''}`,
    );
  const spec = RECURRENT[key] ? recurrentSpec(l, l.input, fail) : layerSpec(l, l.input, l.output);
  if (!spec) return { op: 'identity', x: { node: x.node, out: x.out } };
  return {
    op: 'layer',
    layer: addLayer(spec, n.module, layers, moduleNames),
    x: { node: x.node, out: x.out },
  };
}

/** A layer of graphOps/ (rules.ts) as a node with all its inputs. */
function ruleNode(
  r: LayerNode,
  module: number | undefined,
  layers: LayerSpec[],
  moduleNames: Map<string, number>,
): GNode {
  const layer = addLayer(r.spec, module, layers, moduleNames);
  return { op: 'layer', layer, x: r.x, ...(r.extra?.length ? { extra: r.extra } : {}) };
}

/** Appends the spec and returns its index; one module, one name, one set of weights (net.ts shares steps by name). */
function addLayer(
  spec: LayerSpec,
  module: number | undefined,
  layers: LayerSpec[],
  moduleNames: Map<string, number>,
): number {
  if (module !== undefined) {
    const owner = moduleNames.get(spec.name);
    if (owner === undefined) moduleNames.set(spec.name, module);
    else if (owner !== module) spec.name = `${spec.name}#${module}`;
  }
  layers.push(spec);
  return layers.length - 1;
}

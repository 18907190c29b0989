// The op registry: every function and method the interpreter knows without a file defining it,
// keyed by the qualified name it is called under (builtins.len, torch.cat, torch.nn.functional.relu,
// tensor.view for x.view). Aliases are names of one entry. A name the registry does not list falls to
// its namespace's default below (math.* of an unknown value is unknown; torch.* of an unknown input
// passes it on), and otherwise is not understood: the interpreter makes the call unknown.
import type { CallArgs, IndexItem } from '../eval/calls';
import type { Evaluator } from '../eval/evaluator';
import { displayPath } from '../eval/names';
import { isSane, saneValue } from '../eval/semantics';
import type { Value } from '../eval/values';
import type { Span } from '../syntax/ast';
import { U, afterFirst } from './ops/args';
import { BUILTIN_OPS } from './ops/builtins';
import { type OpConfig, PREFIX, type RawCall, type TensorCall, type Via } from './ops/config';
import { CONTAINER_OPS, otherContainerMethod } from './ops/containers';
import { DATACLASS_OPS } from './ops/dataclasses';
import { withDtype } from './ops/dtypes';
import { FUNCTIONAL_NAMES, FUNCTIONAL_OPS } from './ops/functional';
import { GRID_OPS } from './ops/grid';
import { INDEX_OPS } from './ops/indexing';
import { JIT_OPS } from './ops/jit';
import { ITERTOOLS_OPS } from './ops/itertools';
import { MATH_OPS, otherMath } from './ops/math';
import { SPLIT_OPS } from './ops/split';
import { EINSUM_OPS } from './ops/einsum';
import { SPECTRAL_OPS } from './ops/spectral';
import { PACKED_OPS } from './ops/packed';
import { REPARAM_OPS } from './ops/reparam';
import { TORCH_OPS } from './ops/torch';
import { sameShapeOp, tensorOps } from './ops/tensor';
import { VALUE_OPS, withValues } from './ops/values';

export { tensorAttr } from './ops/tensor';

interface Binding {
  op: OpConfig;
  /** The name after its namespace (`relu` for torch.nn.functional.relu). */
  name: string;
  /** For a tensor op: how the call reaches its input. */
  via: Via | null;
}

const LABEL: Readonly<Record<Via, string>> = {
  method: 'Tensor.',
  torch: 'torch.',
  functional: 'F.',
};

/** Namespaces by their prefix, longest first, so torch.nn.functional.x is not read as torch.x. */
const NAMESPACES: readonly {
  prefix: string;
  via: Via | null;
  other?: (c: RawCall) => Value | undefined;
}[] = [
  { prefix: PREFIX.functional, via: 'functional', other: otherFunctional },
  { prefix: PREFIX.method, via: 'method' },
  { prefix: PREFIX.torch, via: 'torch', other: otherTorch },
  { prefix: 'builtins.', via: null },
  { prefix: 'dataclasses.', via: null },
  { prefix: 'math.', via: null, other: otherMath },
  { prefix: 'numpy.', via: null, other: otherMath },
  { prefix: 'itertools.', via: null },
  { prefix: 'seq.', via: null, other: otherContainerMethod },
  { prefix: 'dict.', via: null, other: otherContainerMethod },
  { prefix: 'str.', via: null, other: otherContainerMethod },
  { prefix: 'torchsummary.', via: null },
  { prefix: 'torchinfo.', via: null },
];

function namespaceOf(path: string): (typeof NAMESPACES)[number] | undefined {
  for (const ns of NAMESPACES) if (path.startsWith(ns.prefix)) return ns;
  return undefined;
}

function build(configs: readonly OpConfig[]): Map<string, Binding> {
  const map = new Map<string, Binding>();
  for (const op of configs)
    for (const path of op.names) {
      // Two entries under one name would make the winner depend on the order of this list.
      if (map.has(path)) throw new Error(`op registry: ${path} is registered twice`);
      const ns = namespaceOf(path);
      if (!ns) throw new Error(`op registry: ${path} is in no known namespace`);
      map.set(path, { op, name: path.slice(ns.prefix.length), via: ns.via });
    }
  return map;
}

const OPS = build([
  ...BUILTIN_OPS,
  ...MATH_OPS,
  ...CONTAINER_OPS,
  ...TORCH_OPS,
  ...SPLIT_OPS,
  ...EINSUM_OPS,
  ...PACKED_OPS,
  ...JIT_OPS,
  ...GRID_OPS,
  ...SPECTRAL_OPS,
  ...INDEX_OPS,
  ...REPARAM_OPS,
  ...DATACLASS_OPS,
  ...tensorOps(FUNCTIONAL_NAMES),
  ...FUNCTIONAL_OPS,
  ...VALUE_OPS,
  ...ITERTOOLS_OPS,
]);

/** The entry a qualified name resolves to; aliases resolve to the same object. */
export function opFor(path: string): OpConfig | undefined {
  return OPS.get(path)?.op;
}

export function callOp(
  it: Evaluator,
  path: string,
  self: Value | null,
  a: CallArgs,
  site: Span,
  index?: IndexItem[],
): Value | undefined {
  const r = withDtype(
    path,
    self,
    a,
    withValues(path, self, a, dispatch(it, path, self, a, site, index)),
  );
  if (r === undefined) return r;
  const v = isSane(r) ? r : saneValue(r, `${displayPath(path)}() gives an invalid size`);
  return it.trace ? it.inheritSources(v, self, a) : v;
}

function dispatch(
  it: Evaluator,
  path: string,
  self: Value | null,
  a: CallArgs,
  site: Span,
  index?: IndexItem[],
): Value | undefined {
  const b = OPS.get(path);
  if (!b) {
    const ns = namespaceOf(path);
    if (!ns?.other) return undefined;
    const name = path.slice(ns.prefix.length);
    return ns.other({ it, name, path, self, a, site, index });
  }
  const op = b.op;
  if (op.kind === 'raw') return op.call({ it, name: b.name, path, self, a, site, index });
  const label = LABEL[b.via ?? 'torch'] + b.name;
  switch (b.via) {
    case 'method':
      if (!self || self.k !== 'tensor') return undefined;
      return op.call({ it, name: b.name, x: self, a, site, label, via: 'method' });
    case 'functional':
      return op.call(functionalCall(it, b.name, a, site));
    default: {
      const x = a.pos[0];
      if (x && x.k === 'unknown') return x;
      if (!x || x.k !== 'tensor') return undefined;
      return op.call({ it, name: b.name, x, a: afterFirst(a), site, label, via: 'torch' });
    }
  }
}

/** torch.<name> the registry does not list: an unknown input stays unknown, as any torch op keeps it. */
function otherTorch({ a }: RawCall): Value | undefined {
  const x = a.pos[0];
  return x && x.k === 'unknown' ? x : undefined;
}

/** F.<name>_ is the in-place form of an activation: its input's shape. */
function otherFunctional({ it, name, a, site }: RawCall): Value | undefined {
  return name.endsWith('_') ? sameShapeOp(functionalCall(it, name, a, site)) : undefined;
}

/** An F.* call's input is its first argument (or `input=`); one that is not a tensor is unknown. */
function functionalCall(it: Evaluator, name: string, a: CallArgs, site: Span): TensorCall {
  const label = LABEL.functional + name;
  const x0 = a.pos[0] ?? a.kw.get('input');
  const x =
    x0 && x0.k === 'tensor' ? x0 : U(x0 && x0.k === 'unknown' ? x0.why : `${label}: input unknown`);
  return { it, name, x, a: afterFirst(a), site, label, via: 'functional' };
}

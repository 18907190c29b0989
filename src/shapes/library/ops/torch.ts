// torch.* functions that are not an operation on a tensor argument: creation (torch.zeros,
// torch.arange, torch.tensor), joins (torch.cat, torch.stack), and the calls whose result is no tensor.
import type { CallArgs } from '../../eval/calls';
import type { Evaluator } from '../../eval/evaluator';
import { iterate } from '../../eval/semantics';
import { type TensorV, type Value, unknown } from '../../eval/values';
import type { Span } from '../../syntax/ast';
import type { D } from '../dims';
import * as S from '../shapeops';
import { T, U, arg, fromShapeOr, intOf, record, sizeArgs, tup } from './args';
import type { OpConfig, RawCall } from './config';

function randnNew(c: RawCall): Value | undefined {
  const { a, name } = c;
  const size = a.kw.get('size');
  const s = sizeArgs(size ? [size] : a.pos);
  return s ? T(s) : U(`torch.${name}() with a size the analyser cannot evaluate`);
}

function fullNew(c: RawCall): Value | undefined {
  const { a } = c;
  const s = a.pos[0] ? sizeArgs([a.pos[0]]) : null;
  return s ? T(s) : U('torch.full() size unknown');
}

function randintNew(c: RawCall): Value | undefined {
  const { a } = c;
  const size = a.kw.get('size') ?? a.pos[a.pos.length - 1];
  const s = size && size.k === 'seq' ? sizeArgs([size]) : null;
  return s ? T(s) : U('torch.randint() size unknown');
}

function arangeNew(c: RawCall): Value | undefined {
  const { a } = c;
  const ints = a.pos.map(intOf);
  if (ints.some((x) => x === null) || ints.length === 0) return U('torch.arange() bounds unknown');
  const [start, end, step] =
    ints.length === 1
      ? [0, ints[0] as number, 1]
      : [ints[0] as number, ints[1] as number, (ints[2] ?? 1) as number];
  return T([Math.max(0, Math.ceil((end - start) / step))]);
}

function eyeNew({ a }: RawCall): Value | undefined {
  const r = intOf(a.pos[0]);
  const cols = a.pos[1] ? intOf(a.pos[1]) : r;
  return r !== null && cols !== null ? T([r, cols]) : U('torch.eye() size unknown');
}

function linspaceNew(c: RawCall): Value | undefined {
  const { a } = c;
  const steps = intOf(arg(a, 2, 'steps'));
  return steps !== null ? T([steps]) : U('steps unknown');
}

function tensorNew(c: RawCall): Value | undefined {
  const { a, name } = c;
  const v = a.pos[0];
  if (!v) return U('empty tensor');
  if (v.k === 'tensor') return v;
  if (
    (name === 'Tensor' || name === 'FloatTensor' || name === 'LongTensor') &&
    a.pos.every((x) => x.k === 'num')
  )
    return T(a.pos.map((x) => (x as { v: D }).v));
  const shape: D[] = [];
  let cur: Value = v;
  while (cur.k === 'seq') {
    shape.push(cur.items.length);
    if (cur.items.length === 0) break;
    cur = cur.items[0];
  }
  if (cur.k !== 'num' && cur.k !== 'bool' && !(cur.k === 'seq'))
    return U('tensor data the analyser cannot read');
  return T(shape);
}

function zeros_likeNew(c: RawCall): Value | undefined {
  const { a, name } = c;
  const x = a.pos[0];
  return x && x.k === 'tensor' ? x : U(`torch.${name}() of an unknown value`);
}

function joinOp(it: Evaluator, name: string, a: CallArgs, site: Span): Value {
  const list = arg(a, 0, 'tensors');
  const items = list ? iterate(list) : null;
  const dimV = arg(a, 1, 'dim');
  const dim = dimV ? intOf(dimV) : 0;
  if (!items) return U(`torch.${name}() of tensors the analyser cannot enumerate`);
  const shapes: D[][] = [];
  for (const v of items) {
    if (v.k !== 'tensor' || !v.shape)
      return record(
        it,
        'torch.' + name,
        U('x'),
        items,
        U(v.k === 'tensor' ? (v.why ?? 'shape unknown') : 'not a tensor'),
        site,
      );
    shapes.push(v.shape);
  }
  if (dim === null) return U('dim unknown');
  let r: S.ShapeOr;
  if (name === 'stack') r = S.stack(shapes, dim);
  else if (name === 'hstack') r = S.cat(shapes, shapes[0]?.length === 1 ? 0 : 1);
  else if (name === 'vstack')
    r = S.cat(
      shapes.map((s) => (s.length === 1 ? [1, ...s] : s)),
      0,
    );
  else r = S.cat(shapes, dim);
  const out = fromShapeOr(it, r, `torch.${name}`, site, 'cat-mismatch');
  return record(it, 'torch.' + name, items[0] as TensorV, items, out, site);
}

const joinCall = (c: RawCall): Value => joinOp(c.it, c.name, c.a, c.site);

/** `summary(model, (1, 28, 28))`: during discovery, the input the file gives the model. */
function summaryCall(c: RawCall): Value {
  const { it, a } = c;
  const m = a.pos[0];
  const size = arg(a, 1, 'input_size');
  if (it.discovering && m && m.k === 'module' && size) {
    const key = m.m.origin ?? m.m.cls?.name ?? '';
    const shapes = size.k === 'seq' && size.items.every((x) => x.k === 'seq') ? size.items : [size];
    const inputs = shapes.map((s) => (s.k === 'seq' ? sizeArgs([s]) : null));
    if (key) it.seenCalls.push({ key, inputs, viaSummary: true });
  }
  return unknown('summary()');
}

const torch = (names: string[]): string[] => names.map((x) => 'torch.' + x);

export const TORCH_OPS: OpConfig[] = [
  { kind: 'raw', names: torch(['randn', 'rand', 'zeros', 'ones', 'empty']), call: randnNew },
  { kind: 'raw', names: torch(['full']), call: fullNew },
  { kind: 'raw', names: torch(['randint']), call: randintNew },
  { kind: 'raw', names: torch(['arange']), call: arangeNew },
  { kind: 'raw', names: torch(['eye']), call: eyeNew },
  { kind: 'raw', names: torch(['linspace', 'logspace']), call: linspaceNew },
  {
    kind: 'raw',
    names: torch(['tensor', 'Tensor', 'FloatTensor', 'LongTensor', 'as_tensor', 'from_numpy']),
    call: tensorNew,
  },
  {
    kind: 'raw',
    names: torch(['zeros_like', 'ones_like', 'randn_like', 'rand_like', 'empty_like', 'full_like']),
    call: zeros_likeNew,
  },
  {
    kind: 'raw',
    names: torch(['cat', 'concat', 'concatenate', 'stack', 'hstack', 'vstack']),
    call: joinCall,
  },
  { kind: 'raw', names: ['torch.Size'], call: (c) => c.a.pos[0] ?? tup([]) },
  {
    kind: 'raw',
    names: torch(['no_grad', 'manual_seed', 'device', 'set_grad_enabled', 'inference_mode']),
    call: () => ({ k: 'none' }),
  },
  { kind: 'raw', names: ['torch.cuda.is_available'], call: () => ({ k: 'bool', v: false }) },
  { kind: 'raw', names: ['torchsummary.summary', 'torchinfo.summary'], call: summaryCall },
];

// Python's builtins as model files use them: the values they give, or unknown when the analyser
// cannot compute them. Each is an entry of the op registry under builtins.<name>.
import { MAX_ITERATIONS, allocate } from '../../eval/budget';
import { hasAttrKnown } from '../../eval/attrPresence';
import { iterate, numOf, truthy, valueEq } from '../../eval/semantics';
import { nnName } from '../../eval/names';
import { totalParams } from '../../eval/params';
import { type ClassInfo, type ModuleInst, type Value, unknown } from '../../eval/values';
import { layerIsA } from '../layers/bases';
import { type D, add, isNum } from '../dims';
import { arg, intOf, n, tup } from './args';
import type { OpConfig, RawCall } from './config';

function rangeFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const ints = p.map(intOf);
  if (ints.some((x) => x === null) || ints.length === 0)
    return unknown('range() with bounds the analyser cannot evaluate');
  const [start, stop, step] =
    ints.length === 1
      ? [0, ints[0] as number, 1]
      : [ints[0] as number, ints[1] as number, (ints[2] ?? 1) as number];
  if (step === 0) return unknown('range() step 0');
  // Its length first, so a long range costs nothing: it is unknown past MAX_ITERATIONS.
  const len = Math.max(0, Math.ceil((stop - start) / step));
  if (!(len <= MAX_ITERATIONS))
    return unknown(
      `range() of ${Number.isFinite(len) ? len.toLocaleString('en-US') : 'unbounded'} items is longer than the ${MAX_ITERATIONS.toLocaleString('en-US')} the analyser enumerates`,
    );
  const over = allocate(len, 'range()');
  if (over) return unknown(over);
  const items: Value[] = new Array<Value>(len);
  for (let k = 0; k < len; k++) items[k] = n(start + k * step);
  return { k: 'seq', kind: 'list', items };
}

function lenFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const v = p[0];
  if (!v) return unknown('len()');
  if (v.k === 'unknown') return v;
  if (v.k === 'seq') return n(v.items.length);
  if (v.k === 'dict') return n(v.keys.length);
  if (v.k === 'str') return n(v.v.length);
  if (v.k === 'module') return n(v.m.children.size);
  if (v.k === 'ext' && v.path === 'set()' && v.self?.k === 'seq') return n(v.self.items.length);
  if (v.k === 'tensor')
    return v.shape && v.shape.length
      ? n(v.shape[0])
      : unknown('len() of a tensor of unknown shape');
  return unknown('len() of an unknown value');
}

function listFn(c: RawCall): Value | undefined {
  const { a, name } = c;
  const p = a.pos;
  const kind = name === 'list' ? 'list' : 'tuple';
  if (!p[0]) return { k: 'seq', kind, items: [] };
  const items = iterate(p[0]);
  const over = items && allocate(items.length, `${name}()`);
  if (over) return unknown(over);
  return items
    ? { k: 'seq', kind, items: [...items] }
    : unknown(`${name}() of something the analyser cannot enumerate`);
}

function reversedFn(c: RawCall): Value | undefined {
  const { a, name } = c;
  const p = a.pos;
  const items = p[0] ? iterate(p[0]) : null;
  if (!items) return unknown(`${name}()`);
  const over = allocate(items.length, `${name}()`);
  if (over) return unknown(over);
  if (name === 'reversed') return { k: 'seq', kind: 'list', items: [...items].reverse() };
  const nums = items.map(intOf);
  if (nums.some((x) => x === null)) return unknown('sorted() of non-numbers');
  return {
    k: 'seq',
    kind: 'list',
    items: (nums as number[]).sort((x, y) => x - y).map((x) => n(x)),
  };
}

function enumerateFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const items = p[0] ? iterate(p[0]) : null;
  const start = intOf(arg(a, 1, 'start')) ?? 0;
  const over = items && allocate(3 * items.length, 'enumerate()');
  if (over) return unknown(over);
  return items
    ? { k: 'seq', kind: 'list', items: items.map((v, i) => tup([n(i + start), v])) }
    : unknown('enumerate() of something the analyser cannot enumerate');
}

function zipFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const lists = p.map(iterate);
  if (lists.some((l) => l === null))
    return unknown('zip() of something the analyser cannot enumerate');
  const len = lists.reduce((m, l) => Math.min(m, (l as Value[]).length), Infinity);
  const over = allocate((lists.length + 1) * (Number.isFinite(len) ? len : 0), 'zip()');
  if (over) return unknown(over);
  return {
    k: 'seq',
    kind: 'list',
    items: Array.from({ length: len }, (_, i) => tup(lists.map((l) => (l as Value[])[i]))),
  };
}

function intFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const v = p[0];
  if (!v) return n(0);
  if (v.k === 'num') return isNum(v.v) ? n(Math.trunc(v.v)) : { k: 'num', v: v.v };
  if (v.k === 'str' && /^\s*-?\d+\s*$/.test(v.v)) return n(parseInt(v.v, 10));
  if (v.k === 'bool') return n(v.v ? 1 : 0);
  return unknown('int() of an unknown value');
}

function floatFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const v = p[0];
  if (v && v.k === 'num' && isNum(v.v)) return { k: 'num', v: v.v, float: true };
  if (v && v.k === 'str' && !isNaN(Number(v.v))) return { k: 'num', v: Number(v.v), float: true };
  return unknown('float()');
}

function boolFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const t = p[0] ? truthy(p[0]) : false;
  return t === null ? unknown('bool()') : { k: 'bool', v: t };
}

function strFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  if (p[0]?.k === 'str') return p[0];
  if (p[0]?.k === 'num' && isNum(p[0].v)) return { k: 'str', v: String(p[0].v) };
  return unknown('str()');
}

function minFn(c: RawCall): Value | undefined {
  const { a, name } = c;
  const p = a.pos;
  const items = p.length === 1 ? iterate(p[0]) : p;
  if (!items) return unknown(`${name}()`);
  const nums = items.map((v) => numOf(v));
  if (nums.some((x) => x === null || !isNum(x))) {
    if (name === 'sum' && nums.every((x) => x !== null))
      return n((nums as D[]).reduce<D>((acc, x) => add(acc, x), 0));
    return unknown(`${name}() of unknown values`);
  }
  const ns = nums as number[];
  if (name === 'sum') return n(ns.reduce((x, y) => x + y, intOf(p[1]) ?? 0));
  if (ns.length === 0) return unknown(`${name}() of an empty sequence`);
  return n(name === 'min' ? Math.min(...ns) : Math.max(...ns));
}

function absFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const x = p[0] ? numOf(p[0]) : null;
  return x !== null && isNum(x) ? n(Math.abs(x)) : unknown('abs()');
}

function roundFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const x = p[0] ? numOf(p[0]) : null;
  if (x === null || !isNum(x)) return unknown('round()');
  // Python rounds half to even.
  const r = Math.round(x);
  return n(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r);
}

function divmodFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const x = p[0] ? intOf(p[0]) : null;
  const y = p[1] ? intOf(p[1]) : null;
  if (x === null || y === null || y === 0) return unknown('divmod()');
  return tup([n(Math.floor(x / y)), n(((x % y) + y) % y)]);
}

function powFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const x = p[0] ? intOf(p[0]) : null;
  const y = p[1] ? intOf(p[1]) : null;
  return x !== null && y !== null ? n(Math.pow(x, y)) : unknown('pow()');
}

function isinstanceFn(c: RawCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const v = p[0];
  const t = p[1];
  if (!v || !t) return unknown('isinstance()');
  const r = isInstance(v, t);
  return r === null
    ? unknown('isinstance() of a value the analyser cannot classify')
    : { k: 'bool', v: r };
}

function hasattrFn(c: RawCall): Value | undefined {
  const { it, a } = c;
  const p = a.pos;
  // True when the analyser knows the attribute (set in __init__, a method); otherwise it cannot
  // tell: nn.Module has many attributes of its own.
  const o = p[0];
  const nm = p[1];
  if (o && nm && nm.k === 'str' && (o.k === 'module' || o.k === 'obj')) {
    const known = hasAttrKnown(o, nm.v);
    if (known !== null) return { k: 'bool', v: known };
    const r = it.getAttr(o, nm.v);
    if (r.k !== 'unknown' && !(r.k === 'ext' && r.path.startsWith('module.')))
      return { k: 'bool', v: true };
  }
  return unknown('hasattr() of an attribute the analyser does not know');
}

/**
 * type(module), for `type(m) is nn.ReLU` (torchvision's _replace_relu): a torch layer's class as the
 * name it is reached by, a user module's class. Anything else is unknown.
 */
function typeFn(c: RawCall): Value | undefined {
  const v = c.a.pos[0];
  if (c.a.pos.length !== 1 || c.a.kw.size || !v || v.k !== 'module' || v.m.opaque)
    return unknown('type() of a value the analyser does not classify');
  const m = v.m;
  if (m.kind === 'user') return m.cls ? { k: 'class', cls: m.cls } : unknown('type()');
  const name = m.kind === 'leaf' ? m.type : m.kind;
  return {
    k: 'ext',
    path: QUANT_STUBS.has(name) ? `torch.ao.quantization.${name}` : `torch.nn.${name}`,
  };
}
const QUANT_STUBS = new Set(['QuantStub', 'DeQuantStub']);

/**
 * `set(items)` of constants: only its size is modelled (len()), since the order a set iterates in
 * is not the order of its items. Anything else about it is unknown.
 */
function setFn(c: RawCall): Value | undefined {
  const p = c.a.pos;
  const items = p.length === 0 ? [] : p.length === 1 ? iterate(p[0]) : null;
  if (!items || c.a.kw.size > 0) return unknown(`${c.name}()`);
  const distinct: Value[] = [];
  for (const x of items) {
    if (!(x.k === 'num' || x.k === 'str' || x.k === 'bool' || x.k === 'none'))
      return unknown(`${c.name}() of values the analyser cannot compare`);
    const seen = distinct.map((y) => valueEq(x, y));
    if (seen.includes(null)) return unknown(`${c.name}() of values the analyser cannot compare`);
    if (!seen.includes(true)) distinct.push(x);
  }
  return { k: 'ext', path: 'set()', self: { k: 'seq', kind: 'tuple', items: distinct } };
}

function unknownResultFn(c: RawCall): Value | undefined {
  const { name } = c;
  return unknown(`${name}()`);
}

/**
 * next(model.parameters()), which code uses to reach the model's device and dtype
 * (`weight.new_zeros(...)` for an LSTM's initial state): a parameter, whose shape is not needed there
 * and is left unknown. A module without parameters makes PyTorch raise StopIteration: unknown.
 */
function nextFn(c: RawCall): Value | undefined {
  const { it, a } = c;
  const v = a.pos[0];
  if (!v || v.k !== 'ext' || v.path !== 'parameters()' || v.self?.k !== 'module')
    return unknown('next()');
  const { total, known } = totalParams(v.self.m, it.newWalk());
  if (known > 0 || (total !== null && total > 0))
    return { k: 'tensor', shape: null, why: "a parameter's shape (next(model.parameters()))" };
  return unknown('next() of the parameters of a module that may have none');
}

function getattrFn(c: RawCall): Value | undefined {
  const { it, a } = c;
  const p = a.pos;
  const o = p[0];
  const nm = p[1];
  if (o && nm && nm.k === 'str') {
    // The default only where the attribute is known to be absent: an attribute whose value is
    // unknown, or one the analyser cannot rule out, is not the default.
    if (p[2] && hasAttrKnown(o, nm.v) === false) return p[2];
    const r = it.getAttr(o, nm.v);
    if (p[2] && r.k === 'unknown' && o.k === 'obj' && !o.attrs.has(nm.v)) return p[2];
    if (p[2] && r.k === 'ext' && r.path === 'module.' + nm.v)
      return unknown(`getattr() of '${nm.v}', which the analyser cannot tell is absent`);
    return r;
  }
  return unknown('getattr()');
}

function setattrFn(c: RawCall): Value | undefined {
  const { it, a } = c;
  const p = a.pos;
  const o = p[0];
  const nm = p[1];
  if (o && nm && nm.k === 'str' && p[2]) {
    if (o.k === 'module') it.setModuleAttr(o.m, nm.v, p[2]);
    else if (o.k === 'obj') o.attrs.set(nm.v, p[2]);
  } else if (o && o.k === 'module')
    o.m.openAttrs ??= 'setattr() with a name the analyser cannot read';
  return { k: 'none' };
}

function printFn(): Value | undefined {
  return { k: 'none' };
}

function dictFn(c: RawCall): Value | undefined {
  const { a, name } = c;
  const p = a.pos;
  const d: Value & { k: 'dict' } = { k: 'dict', keys: [], vals: [] };
  const src = p[0];
  if (src) {
    const items = src.k === 'dict' ? src.keys.map((k, i) => tup([k, src.vals[i]])) : iterate(src);
    if (!items) return unknown(`${name}() of unknown items`);
    const over = allocate(2 * items.length, `${name}()`);
    if (over) return unknown(over);
    for (const item of items)
      if (item.k === 'seq' && item.items.length === 2) {
        d.keys.push(item.items[0]);
        d.vals.push(item.items[1]);
      }
  }
  for (const [k, v] of a.kw) {
    d.keys.push({ k: 'str', v: k });
    d.vals.push(v);
  }
  return d;
}

function exceptionFn(): Value | undefined {
  return unknown('exception');
}

function superFn(): Value | undefined {
  return unknown('super() outside a method');
}

/** isinstance for the types model code tests: Tensor, Python builtins, nn.Module and the file's classes. */
/**
 * isinstance(m, nn.<name>): a torch layer by its class and the classes it derives from; a module of
 * a class written in Python by that class's bases, followed to torch's classes (a subclass of
 * nn.Conv2d is an nn.Conv2d). Null when a base is something the analyser does not know.
 */
function moduleIsA(m: ModuleInst, name: string): boolean | null {
  if (m.opaque) return null;
  if (m.kind !== 'user') return layerIsA(m.kind === 'leaf' ? m.type : m.kind, name);
  return m.cls ? classIsA(m.cls, name, 0) : null;
}

function classIsA(cls: ClassInfo, name: string, depth: number): boolean | null {
  if (depth > 50) return null;
  let unsure = false;
  for (const b of cls.bases) {
    const r =
      b.k === 'class'
        ? classIsA(b.cls, name, depth + 1)
        : b.k === 'ext' && nnName(b.path)
          ? layerIsA((nnName(b.path) as { short: string }).short, name)
          : null;
    if (r === true) return true;
    if (r === null) unsure = true;
  }
  return unsure ? null : false;
}

function isInstance(v: Value, t: Value): boolean | null {
  if (t.k === 'seq') {
    let any: boolean | null = false;
    for (const x of t.items) {
      const r = isInstance(v, x);
      if (r === true) return true;
      if (r === null) any = null;
    }
    return any;
  }
  if (v.k === 'unknown') return null;
  if (t.k === 'ext') {
    const kinds: Record<string, (x: Value) => boolean> = {
      'torch.Tensor': (x) => x.k === 'tensor',
      'builtins.list': (x) => x.k === 'seq' && x.kind === 'list',
      'builtins.tuple': (x) => x.k === 'seq' && x.kind === 'tuple',
      // bool is a subclass of int in Python: isinstance(True, int) is True.
      'builtins.int': (x) => (x.k === 'num' && !x.float) || x.k === 'bool',
      'builtins.float': (x) => x.k === 'num' && !!x.float,
      'builtins.str': (x) => x.k === 'str',
      'builtins.bool': (x) => x.k === 'bool',
      'builtins.dict': (x) => x.k === 'dict',
      'torch.nn.Module': (x) => x.k === 'module',
    };
    const f = kinds[t.path];
    if (f) return f(v);
    const callable = callableKind(v, t.path);
    if (callable !== undefined) return callable;
    const layer = /^torch\.nn\.(\w+)$/.exec(t.path);
    if (layer && v.k === 'module') return moduleIsA(v.m, layer[1]);
    // An object of a class whose bases are not all known may still be a module.
    if (layer && v.k === 'obj') return v.cls ? classIsA(v.cls, layer[1], 0) : null;
    if (layer) return v.k === 'ext' ? null : false;
    return null;
  }
  if (t.k === 'class') {
    const cls = v.k === 'module' ? v.m.cls : v.k === 'obj' ? v.cls : undefined;
    if (!cls)
      return v.k === 'tensor' || v.k === 'num' || v.k === 'str' || v.k === 'seq' ? false : null;
    const derives = (c: typeof cls): boolean =>
      c === t.cls || c.bases.some((b) => b.k === 'class' && derives(b.cls));
    return derives(cls);
  }
  return null;
}

/**
 * isinstance against the kinds of values library code sorts its layer arguments by (timm's
 * get_norm_layer asserts `isinstance(x, (type, str, types.FunctionType, functools.partial))`):
 * undefined for other types; null where the value's kind is not certain (a library name may be a
 * Python function or a builtin, a bound method is no FunctionType).
 */
function callableKind(v: Value, path: string): boolean | null | undefined {
  const layerClass = v.k === 'ext' && !!nnName(v.path)?.rule;
  const partial = v.k === 'ext' && v.path === 'functools.partial()';
  const plain = ['num', 'str', 'bool', 'none', 'seq', 'dict', 'tensor', 'module'].includes(v.k);
  const known = plain || layerClass || partial || v.k === 'class';
  switch (path) {
    case 'builtins.type':
      return v.k === 'class' || layerClass ? true : known || v.k === 'func' ? false : null;
    case 'functools.partial':
      return partial ? true : known || v.k === 'func' ? false : null;
    case 'types.FunctionType':
      if (v.k === 'func') return v.self ? null : true;
      return known ? false : null;
    case 'collections.abc.Iterable':
    case 'typing.Iterable':
      // torch's and timm's _ntuple: `isinstance(x, Iterable)` before repeating x. A module may be a
      // container (iterable); a class other than a module's may have an iterating metaclass (Enum).
      if (['seq', 'dict', 'str', 'tensor'].includes(v.k)) return true;
      if (['num', 'bool', 'none', 'func'].includes(v.k) || layerClass || partial) return false;
      return v.k === 'class' && v.cls.isModule ? false : null;
    default:
      return undefined;
  }
}

export const BUILTIN_OPS: OpConfig[] = [
  { kind: 'raw', names: ['builtins.range'], call: rangeFn },
  { kind: 'raw', names: ['builtins.len'], call: lenFn },
  { kind: 'raw', names: ['builtins.list', 'builtins.tuple'], call: listFn },
  { kind: 'raw', names: ['builtins.reversed', 'builtins.sorted'], call: reversedFn },
  { kind: 'raw', names: ['builtins.enumerate'], call: enumerateFn },
  { kind: 'raw', names: ['builtins.zip'], call: zipFn },
  { kind: 'raw', names: ['builtins.int'], call: intFn },
  { kind: 'raw', names: ['builtins.float'], call: floatFn },
  { kind: 'raw', names: ['builtins.bool'], call: boolFn },
  { kind: 'raw', names: ['builtins.str'], call: strFn },
  { kind: 'raw', names: ['builtins.min', 'builtins.max', 'builtins.sum'], call: minFn },
  { kind: 'raw', names: ['builtins.abs'], call: absFn },
  { kind: 'raw', names: ['builtins.round'], call: roundFn },
  { kind: 'raw', names: ['builtins.divmod'], call: divmodFn },
  { kind: 'raw', names: ['builtins.pow'], call: powFn },
  { kind: 'raw', names: ['builtins.isinstance'], call: isinstanceFn },
  { kind: 'raw', names: ['builtins.hasattr'], call: hasattrFn },
  { kind: 'raw', names: ['builtins.type'], call: typeFn },
  {
    kind: 'raw',
    names: [
      'builtins.iter',
      'builtins.map',
      'builtins.any',
      'builtins.all',
      'builtins.open',
      'builtins.format',
    ],
    call: unknownResultFn,
  },
  { kind: 'raw', names: ['builtins.next'], call: nextFn },
  { kind: 'raw', names: ['builtins.set', 'builtins.frozenset'], call: setFn },
  { kind: 'raw', names: ['builtins.getattr'], call: getattrFn },
  { kind: 'raw', names: ['builtins.setattr'], call: setattrFn },
  { kind: 'raw', names: ['builtins.print'], call: printFn },
  { kind: 'raw', names: ['builtins.dict', 'builtins.OrderedDict'], call: dictFn },
  {
    kind: 'raw',
    names: [
      'builtins.ValueError',
      'builtins.TypeError',
      'builtins.NotImplementedError',
      'builtins.Exception',
    ],
    call: exceptionFn,
  },
  { kind: 'raw', names: ['builtins.super'], call: superFn },
];

// Methods of Python lists, dicts and strings (seq.*, dict.*, str.*): the ones that build module
// lists and configs in __init__. A method the analyser does not model, or one called in a form it
// does not follow, is unknown (otherContainerMethod).
import { allocate } from '../../eval/budget';
import { iterate, valueEq } from '../../eval/semantics';
import { type Value, unknown } from '../../eval/values';
import { isNum } from '../dims';
import { intOf, tup } from './args';
import type { OpConfig, RawCall } from './config';

const NONE: Value = { k: 'none' };

export function otherContainerMethod({ path, self }: RawCall): Value | undefined {
  return self ? unknown(`${path}()`) : undefined;
}

function seqMethod(c: RawCall): Value | undefined {
  const { name, self, a } = c;
  if (!self || self.k !== 'seq') return otherContainerMethod(c);
  switch (name) {
    case 'append':
      if (!a.pos[0]) break;
      self.items.push(a.pos[0]);
      return NONE;
    case 'extend': {
      if (!a.pos[0]) break;
      const items = iterate(a.pos[0]);
      const over = items && allocate(items.length, 'list.extend()');
      // A loop rather than push(...items), whose argument list overflows the stack on long lists.
      if (items && !over) for (let i = 0; i < items.length; i++) self.items.push(items[i]);
      else self.items.push(unknown(over || 'extended with an unknown iterable'));
      return NONE;
    }
    case 'insert': {
      if (!a.pos[1]) break;
      const i = intOf(a.pos[0]);
      if (i !== null) self.items.splice(i < 0 ? self.items.length + i : i, 0, a.pos[1]);
      return NONE;
    }
    case 'pop': {
      const i = a.pos[0] ? intOf(a.pos[0]) : -1;
      if (i === null || self.items.length === 0) return unknown('pop()');
      return self.items.splice(i < 0 ? self.items.length + i : i, 1)[0] ?? unknown('pop()');
    }
    default:
      return unknown(`list.${name}()`);
  }
  return otherContainerMethod(c);
}

function dictView(c: RawCall): Value | undefined {
  const { name, self } = c;
  if (!self || self.k !== 'dict') return otherContainerMethod(c);
  const over = allocate((name === 'items' ? 3 : 1) * self.keys.length, `dict.${name}()`);
  if (over) return unknown(over);
  if (name === 'items')
    return { k: 'seq', kind: 'list', items: self.keys.map((k, i) => tup([k, self.vals[i]])) };
  return { k: 'seq', kind: 'list', items: name === 'keys' ? [...self.keys] : [...self.vals] };
}

function dictGet(c: RawCall): Value | undefined {
  const { self, a } = c;
  if (!self || self.k !== 'dict') return otherContainerMethod(c);
  const i = a.pos[0]
    ? self.keys.findIndex((k) => k.k === 'str' && a.pos[0].k === 'str' && k.v === a.pos[0].v)
    : -1;
  return i >= 0 ? self.vals[i] : (a.pos[1] ?? NONE);
}

function dictPop(c: RawCall): Value | undefined {
  const { name, self, a } = c;
  if (!self || self.k !== 'dict' || !a.pos[0]) return otherContainerMethod(c);
  const key = a.pos[0];
  let i = -1;
  for (let j = 0; j < self.keys.length; j++) {
    const eq = valueEq(self.keys[j], key);
    if (eq === null) return undefined;
    if (eq) i = j;
  }
  if (i >= 0) {
    const v = self.vals[i];
    if (name === 'pop') {
      self.keys.splice(i, 1);
      self.vals.splice(i, 1);
    }
    return v;
  }
  const dflt = a.pos[1] ?? (name === 'setdefault' ? NONE : undefined);
  if (!dflt) return unknown(`dict.pop() of a missing key raises KeyError`);
  if (name === 'setdefault') {
    self.keys.push(key);
    self.vals.push(dflt);
  }
  return dflt;
}

function dictUpdate(c: RawCall): Value | undefined {
  const { self, a } = c;
  if (!self || self.k !== 'dict') return otherContainerMethod(c);
  const d = a.pos[0];
  if (d && d.k !== 'dict') return undefined;
  const pairs: [Value, Value][] = d ? d.keys.map((k, i) => [k, d.vals[i]]) : [];
  for (const [k, v] of a.kw) pairs.push([{ k: 'str', v: k }, v]);
  for (const [k, v] of pairs) {
    const j = self.keys.findIndex((x) => valueEq(x, k) === true);
    if (j >= 0) self.vals[j] = v;
    else {
      self.keys.push(k);
      self.vals.push(v);
    }
  }
  return NONE;
}

function strFormat(c: RawCall): Value | undefined {
  const { self, a } = c;
  if (!self || self.k !== 'str') return otherContainerMethod(c);
  let i = 0;
  let ok = true;
  const v = self.v.replace(/\{([^{}]*)\}/g, (_m, key: string) => {
    const val = key === '' ? a.pos[i++] : /^\d+$/.test(key) ? a.pos[Number(key)] : a.kw.get(key);
    if (val && val.k === 'num' && isNum(val.v)) return String(val.v);
    if (val && val.k === 'str') return val.v;
    ok = false;
    return '';
  });
  const over = ok && allocate(v.length, 'str.format()');
  if (over) return unknown(over);
  return ok ? { k: 'str', v } : unknown('str.format()');
}

function strCase(c: RawCall): Value | undefined {
  const { name, self } = c;
  if (!self || self.k !== 'str') return otherContainerMethod(c);
  const over = allocate(self.v.length, `str.${name}()`);
  if (over) return unknown(over);
  return { k: 'str', v: name === 'lower' ? self.v.toLowerCase() : self.v.toUpperCase() };
}

// torchvision's builders branch on their architecture's name: `arch.startswith("efficientnet_b")`.
function strAffix(c: RawCall): Value | undefined {
  const { name, self, a } = c;
  if (!self || self.k !== 'str' || a.pos.length !== 1 || a.kw.size) return otherContainerMethod(c);
  const p = a.pos[0];
  const options = p.k === 'str' ? [p] : p.k === 'seq' && p.kind === 'tuple' ? p.items : [];
  const texts: string[] = [];
  for (const o of options) if (o.k === 'str') texts.push(o.v);
  if (!texts.length || texts.length !== options.length) return otherContainerMethod(c);
  const s = self.v;
  return {
    k: 'bool',
    v: texts.some((t) => (name === 'startswith' ? s.startsWith(t) : s.endsWith(t))),
  };
}

export const CONTAINER_OPS: OpConfig[] = [
  {
    kind: 'raw',
    names: ['append', 'extend', 'insert', 'pop', 'index', 'count'].map((m) => 'seq.' + m),
    call: seqMethod,
  },
  { kind: 'raw', names: ['dict.items', 'dict.keys', 'dict.values'], call: dictView },
  { kind: 'raw', names: ['dict.get'], call: dictGet },
  { kind: 'raw', names: ['dict.pop', 'dict.setdefault'], call: dictPop },
  { kind: 'raw', names: ['dict.update'], call: dictUpdate },
  { kind: 'raw', names: ['str.format'], call: strFormat },
  { kind: 'raw', names: ['str.lower', 'str.upper'], call: strCase },
  { kind: 'raw', names: ['str.startswith', 'str.endswith'], call: strAffix },
];

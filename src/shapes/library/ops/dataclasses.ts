// dataclasses.asdict(obj) of a `@dataclass` instance the interpreter generated the __init__ of
// (torchtext's `RobertaEncoder(**asdict(encoder_conf))`): its fields in order. Python copies nested
// dataclasses, lists and dicts recursively; such values are left unknown rather than copied here.
import { type Value, unknown } from '../../eval/values';
import type { OpConfig, RawCall } from './config';

function asdict(c: RawCall): Value | undefined {
  const o = c.a.pos[0];
  const why = 'dataclasses.asdict() of a value the analyser does not know as a dataclass';
  const fields = o && o.k === 'obj' ? o.cls?.dataclassFields : undefined;
  if (!o || o.k !== 'obj' || !fields || c.a.pos.length !== 1 || c.a.kw.size) return unknown(why);
  const keys: Value[] = [];
  const vals: Value[] = [];
  for (const f of fields) {
    const v = o.attrs.get(f);
    if (!v) return unknown(why);
    const plain =
      v.k === 'num' || v.k === 'str' || v.k === 'bool' || v.k === 'none' || v.k === 'unknown';
    keys.push({ k: 'str', v: f });
    vals.push(plain ? v : unknown(`dataclasses.asdict() copies the field '${f}' deeply`));
  }
  return { k: 'dict', keys, vals };
}

export const DATACLASS_OPS: readonly OpConfig[] = [
  { kind: 'raw', names: ['dataclasses.asdict'], call: asdict },
];

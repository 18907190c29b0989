// math.* and numpy.* on plain numbers (sizes computed in __init__: math.ceil(c / 2), np.prod(shape)).
import type { CallArgs } from '../../eval/calls';
import { iterate, numOf } from '../../eval/semantics';
import { type Value, unknown } from '../../eval/values';
import { type D, isNum, product } from '../dims';
import { n } from './args';
import type { OpConfig, RawCall } from './config';

const float = (v: number): Value => ({ k: 'num', v, float: true });

/** Functions of one known number; anything else they are given makes them unknown. */
const OF_NUMBER: Record<string, (x: number, a: CallArgs) => Value> = {
  sqrt: (x) => float(Math.sqrt(x)),
  floor: (x) => n(Math.floor(x)),
  ceil: (x) => n(Math.ceil(x)),
  log2: (x) => float(Math.log2(x)),
  log: (x) => float(Math.log(x)),
  exp: (x) => float(Math.exp(x)),
  pow: (x, a) => {
    const y = a.pos[1] ? numOf(a.pos[1]) : null;
    return y !== null && isNum(y) ? float(Math.pow(x, y)) : unknown('pow()');
  },
};

function ofNumber({ name, a }: RawCall): Value {
  const x = a.pos[0] ? numOf(a.pos[0]) : null;
  if (x === null || !isNum(x)) return unknown(`math.${name}() of an unknown value`);
  return OF_NUMBER[name](x, a);
}

function prod({ a }: RawCall): Value {
  const items = a.pos[0] ? iterate(a.pos[0]) : null;
  const nums = items?.map(numOf);
  if (!nums || nums.some((v) => v === null)) return unknown('prod() of unknown values');
  return n(product(nums as D[]));
}

/** What the namespace's other functions give: unknown, saying which. */
export function otherMath({ name, a }: RawCall): Value {
  const x = a.pos[0] ? numOf(a.pos[0]) : null;
  if (x === null || !isNum(x)) return unknown(`math.${name}() of an unknown value`);
  return unknown(`math.${name}()`);
}

const both = (names: string[]): string[] => names.flatMap((x) => ['math.' + x, 'numpy.' + x]);

export const MATH_OPS: OpConfig[] = [
  { kind: 'raw', names: both(Object.keys(OF_NUMBER)), call: ofNumber },
  { kind: 'raw', names: both(['prod']), call: prod },
  { kind: 'raw', names: both(['pi']), call: () => float(Math.PI) },
];

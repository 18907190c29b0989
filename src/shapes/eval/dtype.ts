// The element types of tensors, and PyTorch's rules for the type of an operation's result. A tensor's
// dtype matters to shapes where indexing depends on it: an integer index tensor selects rows
// (`table[index]` has `index.shape + table.shape[1:]`), a boolean one is a mask whose result size
// depends on its values. Only the real (non-complex) types are modelled; anything else is unknown.
import type { Value } from './values';

export type DType =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64';

/** torch.get_default_dtype(), which the analysed file cannot change (set_default_dtype is not followed). */
export const DEFAULT_FLOAT: DType = 'float32';

/** torch's names for each dtype, aliases included (`torch.long` is `torch.int64`). */
const NAMES: Readonly<Record<string, DType>> = {
  bool: 'bool',
  uint8: 'uint8',
  int8: 'int8',
  int16: 'int16',
  short: 'int16',
  int32: 'int32',
  int: 'int32',
  int64: 'int64',
  long: 'int64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
};

/** The dtype a value such as `torch.long` names; null for anything else (a string, an unknown value). */
export function dtypeOfValue(v: Value | undefined): DType | null {
  if (!v || v.k !== 'ext' || v.self || !v.path.startsWith('torch.')) return null;
  return NAMES[v.path.slice('torch.'.length)] ?? null;
}

/** The dtype the name of a conversion method gives (`x.long()`, `x.half()`), null for other names. */
export function dtypeOfMethod(name: string): DType | null {
  if (name === 'char') return 'int8';
  if (name === 'byte') return 'uint8';
  if (name === 'int' || name === 'short' || name === 'long' || name === 'bool') return NAMES[name];
  if (name === 'float' || name === 'double' || name === 'half' || name === 'bfloat16')
    return NAMES[name];
  return null;
}

export const isFloating = (d: DType): boolean => d.startsWith('float') || d === 'bfloat16';

const BITS: Readonly<Record<DType, number>> = {
  bool: 1,
  uint8: 8,
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  float16: 16,
  bfloat16: 16,
  float32: 32,
  float64: 64,
};

/** torch.promote_types for the real dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  const fa = isFloating(a);
  const fb = isFloating(b);
  if (fa !== fb) return fa ? a : b;
  if (fa) {
    // float16 and bfloat16 hold different ranges; neither holds the other, float32 holds both.
    if (BITS[a] === BITS[b]) return 'float32';
    return BITS[a] > BITS[b] ? a : b;
  }
  // Integers: uint8 with a signed type needs a wider signed one.
  if (a === 'uint8' || b === 'uint8') {
    const signed = a === 'uint8' ? b : a;
    return signed === 'int8' ? 'int16' : signed;
  }
  return BITS[a] > BITS[b] ? a : b;
}

/** One operand of a type-promoting operation, by the tier torch ranks it in. */
export interface Operand {
  dtype: DType | undefined;
  /** A tensor with dimensions, a zero-dimensional tensor, or a Python number (a wrapped scalar). */
  tier: 'dim' | 'zero' | 'scalar';
}

/** The operand a value is for type promotion, or null when it cannot be one (a string, a list). */
export function operandOf(v: Value): Operand | null {
  switch (v.k) {
    case 'tensor':
      if (!v.shape) return { dtype: undefined, tier: 'dim' };
      return { dtype: v.dtype, tier: v.shape.length === 0 ? 'zero' : 'dim' };
    case 'bool':
      return { dtype: 'bool', tier: 'scalar' };
    case 'num':
      // A Python float's category is floating, which torch makes the default dtype.
      return { dtype: v.float ? DEFAULT_FLOAT : 'int64', tier: 'scalar' };
    default:
      return null;
  }
}

/**
 * torch.result_type over the operands: dimensioned tensors decide, a zero-dimensional tensor or a
 * Python number counts only when it is of a higher category (bool < integral < floating). Undefined
 * when any operand's dtype is unknown.
 */
export function resultType(ops: readonly Operand[]): DType | undefined {
  const tiers: Record<Operand['tier'], DType | undefined> = {
    dim: undefined,
    zero: undefined,
    scalar: undefined,
  };
  for (const o of ops) {
    if (!o.dtype) return undefined;
    const cur = tiers[o.tier];
    tiers[o.tier] = cur ? promoteTypes(cur, o.dtype) : o.dtype;
  }
  return combine(tiers.dim, combine(tiers.zero, tiers.scalar));
}

/** torch's combine_categories: the lower tier matters only when of a higher category. */
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (!higher) return lower;
  if (isFloating(higher) || !lower) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

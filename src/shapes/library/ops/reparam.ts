// torch.nn.utils.weight_norm / spectral_norm (and their remove_*): the same module, called as before,
// with its weight held as other parameters. weight_norm replaces `weight` by `weight_v` (the same
// shape) and `weight_g` (size 1 on every axis but `dim`; one number when dim is None), so the count
// grows by weight_g; spectral_norm keeps the count (`weight_orig`, its u and v being buffers).
import type { ModuleInst, TensorV, Value } from '../../eval/values';
import { isNum } from '../dims';
import { arg } from './args';
import type { OpConfig, RawCall } from './config';

/** Leaves whose own parameter got weight_g this way: by name, weight_g's size (for remove_weight_norm). */
const normed = new WeakMap<ModuleInst, Map<string, number>>();

function paramName(c: RawCall): string | null {
  const v = arg(c.a, 1, 'name');
  if (v === undefined) return 'weight';
  return v.k === 'str' ? v.v : null;
}

/** weight_g's shape for a weight of `shape`, or null when `dim` is not an axis the call allows. */
function gShape(shape: number[], dimV: Value | undefined): number[] | null {
  let d = 0;
  if (dimV !== undefined && dimV.k !== 'none') {
    if (dimV.k !== 'num' || dimV.float || !isNum(dimV.v) || !Number.isInteger(dimV.v)) return null;
    d = dimV.v;
  } else if (dimV !== undefined) d = -1;
  // weight_norm turns dim=None into -1, which torch.norm_except_dim reads as "no axis": one number.
  if (d === -1) return [];
  const i = d < 0 ? d + shape.length : d;
  if (i < 0 || i >= shape.length) return null;
  return shape.map((s, j) => (j === i ? s : 1));
}

/** A new nn.Parameter: its own identity, so the count takes it once (see eval/params.ts). */
function freshParam(shape: number[]): TensorV {
  return { k: 'tensor', shape, param: true, pid: {} } as TensorV;
}

function weightNorm(c: RawCall): Value | undefined {
  const mv = arg(c.a, 0, 'module');
  if (!mv || mv.k === 'unknown') return mv;
  if (mv.k !== 'module') return undefined;
  const m = mv.m;
  const name = paramName(c);
  const w = name === null ? undefined : c.it.getAttr(mv, name);
  const shape =
    w && w.k === 'tensor' && w.shape && w.shape.every(isNum) ? (w.shape as number[]) : null;
  const gs = shape ? gShape(shape, arg(c.a, 2, 'dim')) : null;
  if (name === null || shape === null || gs === null) {
    // Called as before, but which parameters it now holds is not known.
    m.ownParams = null;
    return mv;
  }
  const g = gs.reduce((p, s) => p * s, 1);
  const held = m.paramAttrs?.get(name);
  if (held && held.k === 'tensor') {
    // A Parameter attribute (or a weight tied to another layer's): it stays where else it is held,
    // and this module holds weight_g and weight_v instead.
    c.it.setModuleAttr(m, name, { k: 'tensor', shape });
    c.it.setModuleAttr(m, `${name}_g`, freshParam(gs));
    c.it.setModuleAttr(m, `${name}_v`, freshParam(shape));
  } else if (normed.get(m)?.has(name)) {
    // PyTorch raises: two weight_norm hooks on one parameter.
    m.ownParams = null;
  } else if (m.kind === 'leaf' && (w as { paramOf?: ModuleInst }).paramOf === m) {
    // The layer's own weight, counted by its rule: weight_v is that count, weight_g comes on top.
    if (m.ownParams !== null) m.ownParams += g;
    let byName = normed.get(m);
    if (!byName) normed.set(m, (byName = new Map()));
    byName.set(name, g);
  } else m.ownParams = null;
  return mv;
}

function removeWeightNorm(c: RawCall): Value | undefined {
  const mv = arg(c.a, 0, 'module');
  if (!mv || mv.k === 'unknown') return mv;
  if (mv.k !== 'module') return undefined;
  const m = mv.m;
  const name = paramName(c);
  const g = name === null ? undefined : normed.get(m)?.get(name);
  if (name !== null && g !== undefined) {
    normed.get(m)?.delete(name);
    if (m.ownParams !== null) m.ownParams -= g;
    return mv;
  }
  const v = name === null ? undefined : m.paramAttrs?.get(`${name}_v`);
  if (name !== null && v && v.k === 'tensor' && v.shape && m.paramAttrs?.has(`${name}_g`)) {
    m.paramAttrs.delete(`${name}_g`);
    m.paramAttrs.delete(`${name}_v`);
    c.it.setModuleAttr(m, name, freshParam(v.shape as number[]));
    return mv;
  }
  m.ownParams = null;
  return mv;
}

/** spectral_norm keeps the module's parameter count: `weight` becomes `weight_orig`, u and v are buffers. */
function sameModule(c: RawCall): Value | undefined {
  const mv = arg(c.a, 0, 'module');
  if (!mv || mv.k === 'unknown') return mv;
  return mv.k === 'module' ? mv : undefined;
}

const utils = (names: string[]): string[] => names.map((x) => 'torch.nn.utils.' + x);

export const REPARAM_OPS: OpConfig[] = [
  // `from torch.nn.utils.weight_norm import weight_norm` names the function by its module's path.
  { kind: 'raw', names: utils(['weight_norm', 'weight_norm.weight_norm']), call: weightNorm },
  {
    kind: 'raw',
    names: utils(['remove_weight_norm', 'weight_norm.remove_weight_norm']),
    call: removeWeightNorm,
  },
  {
    kind: 'raw',
    names: utils([
      'spectral_norm',
      'spectral_norm.spectral_norm',
      'remove_spectral_norm',
      'spectral_norm.remove_spectral_norm',
    ]),
    call: sameModule,
  },
];

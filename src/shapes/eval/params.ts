// Counting parameters as sum(p.numel() for p in model.parameters()) does: model.parameters()
// deduplicates by tensor, so a module registered under two names, a weight tied to another layer's
// (`self.head.weight = self.embedding.weight`) and a Parameter held by two attributes count once.
// A leaf layer's own weights are counted by its rule (ownParams); every other parameter a module holds
// (nn.Parameter attributes, ParameterList/ParameterDict items, tied weights) is in its paramAttrs,
// counted here by identity.
import { numel } from '../library/layers/util';
import type { ParamTensor } from './modules';
import type { ModuleInst, Value } from './values';

/** A ParameterList or ParameterDict: a list or dict whose items are the module's parameters. */
export type ParamContainer = Value & { k: 'seq' | 'dict'; paramContainer: true };

export function isParamContainer(v: Value): v is ParamContainer {
  return (v as Partial<ParamContainer>).paramContainer === true;
}

/** A tensor that is a parameter: made by nn.Parameter, or a layer's own weight read as `layer.weight`. */
export function isParam(v: Value): v is ParamTensor {
  return v.k === 'tensor' && ((v as ParamTensor).param === true || !!(v as ParamTensor).paramOf);
}

const leafTokens = new WeakMap<ModuleInst, Map<string, object>>();

/** What makes two parameter values the same tensor. */
function paramId(p: ParamTensor): object {
  if (p.pid) return p.pid;
  if (p.paramOf && p.paramName) {
    let byName = leafTokens.get(p.paramOf);
    if (!byName) leafTokens.set(p.paramOf, (byName = new Map()));
    let t = byName.get(p.paramName);
    if (!t) byName.set(p.paramName, (t = {}));
    return t;
  }
  return p;
}

function paramsIn(v: Value): Value[] {
  if (isParamContainer(v)) return v.k === 'seq' ? v.items : v.vals;
  return [v];
}

/**
 * The model's parameter total, or null with the known part when any of it is unknown. Walked after the
 * trace (not from the names taken before it), since forward may add modules (`self.fc = nn.Linear(...)`
 * on first call).
 */
export function totalParams(
  root: ModuleInst,
  walkId: number,
): { total: number | null; known: number } {
  let known = 0;
  let complete = true;
  const holders: ModuleInst[] = [];
  const walk = (m: ModuleInst): void => {
    if (m.walk === walkId) return;
    m.walk = walkId;
    const own = m.ownParams === null ? null : m.ownParams - (m.sharedParams ?? 0);
    // A count PyTorch could never have (a layer it refuses to build) is unknown, never printed.
    if (own === null || own < 0 || !Number.isInteger(own)) complete = false;
    else known += own;
    if (m.paramAttrs?.size) holders.push(m);
    for (const ch of m.children.values()) walk(ch);
  };
  walk(root);
  const counted = new Set<object>();
  for (const m of holders)
    for (const v of (m.paramAttrs as Map<string, Value>).values())
      for (const p of paramsIn(v)) {
        if (p.k === 'none') continue;
        if (!isParam(p)) {
          complete = false;
          continue;
        }
        // A layer's own weight, still its own, is in that layer's ownParams already.
        const owner = p.paramOf;
        if (owner && p.paramName && owner.walk === walkId && !owner.paramAttrs?.has(p.paramName))
          continue;
        const id = paramId(p);
        if (counted.has(id)) continue;
        counted.add(id);
        const n = numel(p.shape);
        if (n === null) complete = false;
        else known += n;
      }
  return { total: complete ? known : null, known };
}

/** The held parameters of a deep copy: new tensors (copy.deepcopy makes new Parameters), same shapes. */
export function cloneParams(attrs: Map<string, Value>): Map<string, Value> {
  const fresh = (x: Value): Value =>
    isParam(x) && (x as ParamTensor).pid ? ({ ...x, pid: {} } as ParamTensor) : x;
  const out = new Map<string, Value>();
  for (const [k, v] of attrs) {
    if (isParamContainer(v))
      out.set(
        k,
        v.k === 'seq'
          ? { ...v, items: v.items.map(fresh) }
          : { ...v, keys: [...v.keys], vals: v.vals.map(fresh) },
      );
    else out.set(k, fresh(v));
  }
  return out;
}

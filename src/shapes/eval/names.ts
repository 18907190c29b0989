// torch.nn names: what a path such as `torch.nn.modules.conv.Conv2d` names, and how it is shown.
import { LAYERS } from '../library/layers';
import type { LayerRule } from '../library/layers/rule';
import type { ClassInfo, Value } from './values';

/** A torch.nn name: its short form, and the layer rule of that name if there is one. */
export interface NnName {
  short: string;
  rule: LayerRule | undefined;
}
export const nnNames = new Map<string, NnName | null>();

/**
 * Eager-mode quantization's modules, which live outside torch.nn (and only there: `nn.QuantStub` is
 * an AttributeError). FloatFunctional is also reached as `torch.nn.quantized.FloatFunctional`.
 */
const QUANT =
  /^torch\.(?:ao\.)?quantization\.(?:stubs\.)?(QuantStub|DeQuantStub|QuantWrapper)$|^torch\.(?:ao\.)?nn\.quantized\.(?:modules\.(?:functional_modules\.)?)?(FloatFunctional)$/;
const QUANT_ONLY = new Set(['QuantStub', 'DeQuantStub', 'QuantWrapper', 'FloatFunctional']);

/**
 * nn.Conv2d → 'Conv2d' with its rule; memoised with the rule, since every call of an imported name
 * asks and a layer call then needs no second lookup.
 */
export function nnName(path: string): NnName | null {
  let r = nnNames.get(path);
  if (r === undefined) {
    const m = /^torch\.nn\.(?:modules\.[a-z_]+\.|parameter\.(?=Parameter$))?([A-Za-z0-9_]+)$/.exec(
      path,
    );
    const q = m ? null : QUANT.exec(path);
    const short = m && !QUANT_ONLY.has(m[1]) ? m[1] : q ? (q[1] ?? q[2]) : null;
    r = short ? { short, rule: LAYERS.get(short) } : null;
    if (nnNames.size < 10_000) nnNames.set(path, r);
  }
  return r;
}

/** nn.Conv2d → 'Conv2d'. */
export function layerName(path: string): string | null {
  const r = nnName(path);
  return r ? r.short : null;
}

export function isModuleBase(v: Value): boolean {
  if (v.k === 'class') return v.cls.isModule;
  if (v.k === 'ext') {
    const n = layerName(v.path);
    return (
      n !== null &&
      (n === 'Module' ||
        n === 'Sequential' ||
        n === 'ModuleList' ||
        n === 'ModuleDict' ||
        LAYERS.has(n))
    );
  }
  return false;
}

/** The torch.nn container a user class ultimately derives from, if any. */
export function torchBase(cls: ClassInfo): string | null {
  for (const b of cls.bases) {
    if (b.k === 'ext') {
      const n = layerName(b.path);
      if (n) return n;
    }
    if (b.k === 'class') {
      const r = torchBase(b.cls);
      if (r) return r;
    }
  }
  return null;
}

export function displayPath(path: string): string {
  return path
    .replace(/^torch\.nn\.functional\./, 'F.')
    .replace(/^torch\.nn\./, 'nn.')
    .replace(/^builtins\./, '')
    .replace(/^tensor\./, 'Tensor.');
}

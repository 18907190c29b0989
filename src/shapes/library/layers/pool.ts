// Max/Avg/LP/adaptive pooling and MaxUnpool (torch/nn/modules/pooling.py; sizes from ATen Pool.h).
import type { TensorV, Value } from '../../eval/values';
import { type D, isNum } from '../dims';
import {
  type SizeResult,
  avgPoolOut,
  axisNames,
  ceilModeOut,
  convOut,
  unpoolOut,
} from '../formulas';
import { sizeList } from './conv';
import { type Cfg, type Fwd, type LayerRule, REQUIRED, repeat, unknownTensor } from './rule';
import { shapeStr } from './util';

/** Spatial layout check shared by pools: (N, C, *spatial) or (C, *spatial). */
function spatial(f: Fwd, n: number, op: string): { shape: D[]; lead: number } | null {
  const shape = f.x.shape;
  if (!shape) return null;
  if (shape.length !== n + 1 && shape.length !== n + 2) {
    f.diag(
      'input-rank',
      'error',
      `${f.label} expects a ${n + 1}D or ${n + 2}D input, but gets ${shapeStr(shape)}; PyTorch raises an error in ${op}.`,
    );
    return null;
  }
  return { shape, lead: shape.length - n };
}

function normalizeStride(c: Cfg, n: number): void {
  c.expand('kernel_size', n);
  const st = c.raw('stride');
  if (st === null || st === undefined || (Array.isArray(st) && st.length === 0)) {
    if (!c.unknownArgs.has('kernel_size')) c.values.stride = c.values.kernel_size;
  } else c.expand('stride', n);
  c.expand('padding', n);
}

function poolForward(f: Fwd, n: number, kind: 'max' | 'avg' | 'lp'): Value {
  const c = f.cfg;
  const k = c.ints('kernel_size', n);
  const st = c.ints('stride', n);
  const pd = kind === 'lp' ? repeat(0, n) : c.ints('padding', n);
  const dl = kind === 'max' ? c.ints('dilation', n) : repeat(1, n);
  const ceil = c.bool('ceil_mode');
  const sp = spatial(f, n, `${kind}_pool${n}d`);
  if (!f.x.shape) return unknownTensor(f.x.why ?? 'input shape unknown');
  if (!sp) return unknownTensor(`input to ${f.label} has the wrong rank`);
  if (!k || !st || !pd || !dl || ceil === null)
    return unknownTensor(`${f.label}: a constructor argument could not be evaluated`);
  for (let i = 0; i < n; i++) {
    const limit = kind === 'max' ? ((k[i] - 1) * dl[i] + 1) / 2 : k[i] / 2;
    if (pd[i] > limit) {
      f.diag(
        'pool-padding',
        'error',
        `${f.label}: padding ${pd[i]} is more than half the kernel (${k[i]}); PyTorch raises "pad should be at most half of effective kernel size". Use padding ≤ ${Math.floor(limit)}.`,
        'padding',
        Math.floor(limit),
      );
      return unknownTensor(`${f.label}: padding over half the kernel is an error`);
    }
  }
  // The input's copy with the spatial sizes overwritten: built at its final size, where pushing onto
  // a slice would reallocate it.
  const out = sp.shape.slice();
  const names = axisNames(n);
  for (let i = 0; i < n; i++) {
    const I = sp.shape[sp.lead + i];
    let r: SizeResult;
    if (kind === 'max')
      r = ceil
        ? ceilModeOut(names[i], I, k[i], st[i], pd[i], dl[i])
        : convOut(names[i], I, k[i], st[i], pd[i], dl[i]);
    else r = avgPoolOut(names[i], I, k[i], st[i], pd[i], ceil);
    f.addFormula(r.formula);
    if (r.out === null)
      return unknownTensor(
        `${f.label}: output size depends on the input in a way the analyser cannot tell`,
      );
    if (isNum(r.out) && r.out <= 0) {
      f.diag(
        'spatial-too-small',
        'error',
        `${f.label}: the input ${shapeStr(sp.shape)} is too small for kernel ${k[i]}; the output ${names[i]} would be ${r.out}. PyTorch raises "Output size is too small".`,
        'kernel_size',
      );
      return unknownTensor(`${f.label}: output size ≤ 0`);
    }
    out[sp.lead + i] = r.out;
  }
  const t: TensorV = { k: 'tensor', shape: out };
  if (kind === 'max' && c.bool('return_indices'))
    return { k: 'seq', kind: 'tuple', items: [t, { k: 'tensor', shape: out }] };
  return t;
}

function maxPool(n: number): LayerRule {
  return {
    type: `MaxPool${n}d`,
    sig: [
      ['kernel_size', REQUIRED],
      ['stride', null],
      ['padding', 0],
      ['dilation', 1],
      ['return_indices', false],
      ['ceil_mode', false],
    ],
    normalize(c) {
      normalizeStride(c, n);
      c.expand('dilation', n);
    },
    forward: (f) => poolForward(f, n, 'max'),
    probe: () => ['B', 'C', ...axisNames(n)],
  };
}

function avgPool(n: number): LayerRule {
  const sig: [string, ConfigDefault][] = [
    ['kernel_size', REQUIRED],
    ['stride', null],
    ['padding', 0],
    ['ceil_mode', false],
    ['count_include_pad', true],
  ];
  if (n > 1) sig.push(['divisor_override', null]);
  return {
    type: `AvgPool${n}d`,
    sig,
    normalize: (c) => normalizeStride(c, n),
    forward: (f) => poolForward(f, n, 'avg'),
    probe: () => ['B', 'C', ...axisNames(n)],
  };
}

type ConfigDefault = LayerRule['sig'][number][1];

function lpPool(n: number): LayerRule {
  return {
    type: `LPPool${n}d`,
    sig: [
      ['norm_type', REQUIRED],
      ['kernel_size', REQUIRED],
      ['stride', null],
      ['ceil_mode', false],
    ],
    normalize: (c) => normalizeStride(c, n),
    forward: (f) => poolForward(f, n, 'lp'),
  };
}

function adaptive(n: number, kind: 'Avg' | 'Max'): LayerRule {
  const sig: [string, ConfigDefault][] = [['output_size', REQUIRED]];
  if (kind === 'Max') sig.push(['return_indices', false]);
  return {
    type: `Adaptive${kind}Pool${n}d`,
    sig,
    normalize(c) {
      const v = c.raw('output_size');
      if (typeof v === 'number') c.values.output_size = Array(n).fill(v) as number[];
    },
    probe: () => ['B', 'C', ...axisNames(n)],
    forward(f) {
      const sp = spatial(f, n, `adaptive_${kind.toLowerCase()}_pool${n}d`);
      if (!f.x.shape) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (!sp) return unknownTensor(`input to ${f.label} has the wrong rank`);
      const os = f.cfg.raw('output_size');
      const arr = Array.isArray(os)
        ? os
        : typeof os === 'number'
          ? (Array(n).fill(os) as number[])
          : null;
      if (!arr || arr.length !== n)
        return unknownTensor(`${f.label}: output_size could not be evaluated`);
      // Built at its final size, as in poolForward.
      const out = sp.shape.slice();
      const names = axisNames(n);
      for (let i = 0; i < n; i++) {
        const v = arr[i];
        if (typeof v === 'number') out[sp.lead + i] = v;
        else if (v !== null) return unknownTensor(`${f.label}: output_size could not be evaluated`);
        f.formula(
          names[i],
          'O = output_size',
          `${String(v ?? 'None → I')} = ${String(out[sp.lead + i])}`,
        );
      }
      const t: TensorV = { k: 'tensor', shape: out };
      if (kind === 'Max' && f.cfg.bool('return_indices'))
        return { k: 'seq', kind: 'tuple', items: [t, { k: 'tensor', shape: out }] };
      return t;
    },
  };
}

function maxUnpool(n: number): LayerRule {
  return {
    type: `MaxUnpool${n}d`,
    sig: [
      ['kernel_size', REQUIRED],
      ['stride', null],
      ['padding', 0],
    ],
    normalize: (c) => normalizeStride(c, n),
    forward(f) {
      const c = f.cfg;
      const k = c.ints('kernel_size', n);
      const st = c.ints('stride', n);
      const pd = c.ints('padding', n);
      const sp = spatial(f, n, `max_unpool${n}d`);
      if (!f.x.shape) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (!sp) return unknownTensor(`input to ${f.label} has the wrong rank`);
      if (!k || !st || !pd)
        return unknownTensor(`${f.label}: a constructor argument could not be evaluated`);
      const os = f.kwargs.get('output_size') ?? f.args[2];
      const explicit = os ? sizeList(os, n) : null;
      const out = sp.shape.slice();
      const names = axisNames(n);
      for (let i = 0; i < n; i++) {
        const r = unpoolOut(names[i], sp.shape[sp.lead + i], k[i], st[i], pd[i]);
        f.addFormula(r.formula);
        out[sp.lead + i] = explicit ? explicit[i] : (r.out as D);
      }
      return { k: 'tensor', shape: out };
    },
  };
}

export const poolRules: LayerRule[] = [1, 2, 3]
  .flatMap((n) => [maxPool(n), avgPool(n), adaptive(n, 'Avg'), adaptive(n, 'Max'), maxUnpool(n)])
  .concat([lpPool(1), lpPool(2), lpPool(3)]);

// Conv1d/2d/3d and ConvTranspose1d/2d/3d (torch/nn/modules/conv.py).
import type { Value } from '../../eval/values';
import { type D, isNum, knownEqual } from '../dims';
import { axisNames, convOut, convTransposeOut } from '../formulas';
import { type Cfg, type Fwd, type LayerRule, REQUIRED, repeat, unknownTensor } from './rule';
import { numel, shapeStr } from './util';

function convParams(c: Cfg, n: number, transposed: boolean): number | null {
  const cin = c.int('in_channels');
  const cout = c.int('out_channels');
  const g = c.int('groups');
  const k = c.ints('kernel_size', n);
  const bias = c.bool('bias');
  if (cin === null || cout === null || g === null || !k || bias === null) return null;
  const w = transposed ? (cin * cout) / g : (cout * cin) / g;
  return w * k.reduce((a, b) => a * b, 1) + (bias ? cout : 0);
}

/** weight (out, in / groups, *kernel), transposed (in, out / groups, *kernel), and bias (out). */
function convParamShape(c: Cfg, n: number, transposed: boolean, name: string): number[] | null {
  const cin = c.int('in_channels');
  const cout = c.int('out_channels');
  const g = c.int('groups');
  const k = c.ints('kernel_size', n);
  if (cin === null || cout === null || g === null || g <= 0 || !k) return null;
  if (name === 'bias') return c.bool('bias') === true ? [cout] : null;
  if (name !== 'weight') return null;
  const [a, b] = transposed ? [cin, cout] : [cout, cin];
  return Number.isInteger(b / g) ? [a, b / g, ...k] : null;
}

/** Checks the input rank and channel count PyTorch checks, returning the batch-less-aware layout. */
export function checkChannels(
  f: Fwd,
  n: number,
  opName: string,
  cin: number | null,
  groups: number | null,
  what = 'in_channels',
): { shape: D[]; chAxis: number } | null {
  const shape = f.x.shape;
  if (!shape) return null;
  if (shape.length !== n + 1 && shape.length !== n + 2) {
    f.diag(
      'input-rank',
      'error',
      `${f.label} expects a ${n + 1}D (unbatched) or ${n + 2}D (batched) input, but gets ${shapeStr(shape)}; PyTorch raises "Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${opName}".`,
    );
    return null;
  }
  const chAxis = shape.length - n - 1;
  const ch = shape[chAxis];
  if (cin !== null && knownEqual(ch, cin) === false) {
    f.diag(
      'conv-in-channels',
      'error',
      `${f.label}: ${what}=${cin} but the input ${shapeStr(shape)} has ${String(ch)} channels; PyTorch raises "expected input to have ${cin} channels, but got ${String(ch)} channels instead". Set ${what} to ${String(ch)}.`,
      what,
      typeof ch === 'number' ? ch : undefined,
    );
  }
  return { shape, chAxis };
}

// The arguments normalize() turns into per-axis lists (constants: every layer built runs it).
const CONV_TUPLES: readonly string[] = ['kernel_size', 'stride', 'dilation'];
const CONV_T_TUPLES: readonly string[] = [
  'kernel_size',
  'stride',
  'padding',
  'output_padding',
  'dilation',
];

function convRule(n: 1 | 2 | 3): LayerRule {
  const type = `Conv${n}d`;
  return {
    type,
    sig: [
      ['in_channels', REQUIRED],
      ['out_channels', REQUIRED],
      ['kernel_size', REQUIRED],
      ['stride', 1],
      ['padding', 0],
      ['dilation', 1],
      ['groups', 1],
      ['bias', true],
      ['padding_mode', 'zeros'],
    ],
    normalize(c) {
      for (let i = 0; i < CONV_TUPLES.length; i++) c.expand(CONV_TUPLES[i], n);
      if (typeof c.raw('padding') !== 'string') c.expand('padding', n);
    },
    params: (c) => convParams(c, n, false),
    paramShape: (c, name) => convParamShape(c, n, false, name),
    check(c) {
      // torch/nn/modules/conv.py, _ConvNd.__init__: "padding='same' is not supported for strided convolutions".
      const st = c.ints('stride', n);
      if (c.raw('padding') !== 'same' || !st || st.every((v) => v === 1)) return null;
      const k = c.ints('kernel_size', n);
      const dl = c.ints('dilation', n);
      return {
        code: 'padding-same-stride',
        severity: 'error',
        message: `${type}: padding='same' is not supported for strided convolutions (stride=${st.join(', ')}); PyTorch raises ValueError when the layer is built. Use stride=1 or an explicit padding.`,
        arg: 'padding',
        fixValue: Math.floor(((dl?.[0] ?? 1) * ((k?.[0] ?? 1) - 1)) / 2),
        why: `padding='same' with stride > 1 is an error in PyTorch`,
      };
    },
    probe(c) {
      const cin = c.int('in_channels');
      return cin === null ? null : ['B', cin, ...axisNames(n)];
    },
    forward(f) {
      const c = f.cfg;
      const k = c.ints('kernel_size', n);
      const st = c.ints('stride', n);
      const dl = c.ints('dilation', n);
      const pad = c.raw('padding');
      const cin = c.int('in_channels');
      const cout = c.int('out_channels');
      // groups given but not evaluated: no check and no count from a guessed 1.
      const g = c.int('groups');
      if (cin !== null && g !== null && cin % g !== 0)
        f.diag(
          'conv-groups',
          'error',
          `${f.label}: in_channels (${cin}) must be divisible by groups (${g}); PyTorch raises "in_channels must be divisible by groups".`,
          'groups',
        );
      if (cout !== null && g !== null && cout % g !== 0)
        f.diag(
          'conv-groups',
          'error',
          `${f.label}: out_channels (${cout}) must be divisible by groups (${g}); PyTorch raises "out_channels must be divisible by groups".`,
          'groups',
        );
      let padN: number[] | null = null;
      let same = false;
      if (pad === 'same') {
        // Strided 'same' never gets here: check() marks the layer invalid when it is built.
        same = true;
      } else if (pad === 'valid') padN = repeat(0, n);
      else padN = c.ints('padding', n);
      const checked = checkChannels(f, n, `conv${n}d`, cin, g);
      if (!f.x.shape) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (!checked) return unknownTensor(`input to ${f.label} has the wrong rank`);
      if (!k || !st || !dl || (!same && !padN) || cout === null) {
        return unknownTensor(
          `${f.label}: constructor argument ${c.missing(['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation']) ?? ''} could not be evaluated`,
        );
      }
      const { shape, chAxis } = checked;
      // The input's copy, overwritten from the channel axis on (checkChannels made its rank chAxis + 1 + n):
      // built at its final size, where pushing onto a slice would reallocate it.
      const out: D[] = shape.slice();
      out[chAxis] = cout;
      const names = axisNames(n);
      for (let i = 0; i < n; i++) {
        const I = shape[chAxis + 1 + i];
        if (same) {
          f.formula(names[i], "padding='same': O = I", `${String(I)}`);
          continue;
        }
        const r = convOut(names[i], I, k[i], st[i], (padN as number[])[i], dl[i]);
        f.addFormula(r.formula);
        if (r.out === null) return unknownTensor(`${f.label}: output size not computable`);
        const padded = typeof I === 'number' ? I + 2 * (padN as number[])[i] : null;
        if (isNum(r.out) && r.out <= 0) {
          f.diag(
            'spatial-too-small',
            'error',
            `${f.label}: the input's ${names[i]} is ${String(I)}${padded !== null ? ` (padded ${padded})` : ''}, smaller than the effective kernel ${dl[i] * (k[i] - 1) + 1}; PyTorch raises "Kernel size can't be greater than actual input size".`,
            'kernel_size',
          );
          return unknownTensor(`${f.label}: input smaller than the kernel`);
        }
        out[chAxis + 1 + i] = r.out;
      }
      const outN = numel(out);
      if (cin !== null && g !== null && outN !== null)
        f.setMacs(outN * (cin / g) * k.reduce((a, b) => a * b, 1));
      return { k: 'tensor', shape: out };
    },
  };
}

function convTransposeRule(n: 1 | 2 | 3): LayerRule {
  const type = `ConvTranspose${n}d`;
  return {
    type,
    sig: [
      ['in_channels', REQUIRED],
      ['out_channels', REQUIRED],
      ['kernel_size', REQUIRED],
      ['stride', 1],
      ['padding', 0],
      ['output_padding', 0],
      ['groups', 1],
      ['bias', true],
      ['dilation', 1],
      ['padding_mode', 'zeros'],
    ],
    normalize(c) {
      for (let i = 0; i < CONV_T_TUPLES.length; i++) c.expand(CONV_T_TUPLES[i], n);
    },
    params: (c) => convParams(c, n, true),
    paramShape: (c, name) => convParamShape(c, n, true, name),
    probe(c) {
      const cin = c.int('in_channels');
      return cin === null ? null : ['B', cin, ...axisNames(n)];
    },
    forward(f) {
      const c = f.cfg;
      const k = c.ints('kernel_size', n);
      const st = c.ints('stride', n);
      const dl = c.ints('dilation', n);
      const pd = c.ints('padding', n);
      const op = c.ints('output_padding', n);
      const cin = c.int('in_channels');
      const cout = c.int('out_channels');
      // groups given but not evaluated: no check and no count from a guessed 1.
      const g = c.int('groups');
      if (op && st && dl && op.some((o, i) => o >= st[i] && o >= dl[i])) {
        f.diag(
          'output-padding',
          'error',
          `${f.label}: output_padding must be smaller than either stride or dilation; PyTorch raises "output padding must be smaller than either stride or dilation".`,
          'output_padding',
          0,
        );
      }
      const checked = checkChannels(f, n, `conv_transpose${n}d`, cin, g);
      if (!f.x.shape) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (!checked) return unknownTensor(`input to ${f.label} has the wrong rank`);
      if (!k || !st || !dl || !pd || !op || cout === null)
        return unknownTensor(`${f.label}: a constructor argument could not be evaluated`);
      const { shape, chAxis } = checked;
      // Built at its final size, as in convRule.
      const out: D[] = shape.slice();
      out[chAxis] = cout;
      const names = axisNames(n);
      const outSize = f.kwargs.get('output_size') ?? f.args[1];
      const explicit = outSize ? sizeList(outSize, n) : null;
      for (let i = 0; i < n; i++) {
        const r = convTransposeOut(
          names[i],
          shape[chAxis + 1 + i],
          k[i],
          st[i],
          pd[i],
          dl[i],
          op[i],
        );
        f.addFormula(r.formula);
        if (explicit) out[chAxis + 1 + i] = explicit[i];
        else if (r.out === null) return unknownTensor(`${f.label}: output size not computable`);
        else out[chAxis + 1 + i] = r.out;
      }
      const inN = numel(shape);
      if (inN !== null && g !== null) f.setMacs(inN * (cout / g) * k.reduce((a, b) => a * b, 1));
      return { k: 'tensor', shape: out };
    },
  };
}

/** `output_size=` given to a transposed conv or unpool: the trailing n entries. */
export function sizeList(v: Value, n: number): D[] | null {
  if (v.k === 'seq') {
    const items = v.items.map((e) => (e.k === 'num' && !e.float ? e.v : null));
    if (items.some((e) => e === null) || items.length < n) return null;
    return (items as D[]).slice(items.length - n);
  }
  return null;
}

export const convRules: LayerRule[] = [
  convRule(1),
  convRule(2),
  convRule(3),
  convTransposeRule(1),
  convTransposeRule(2),
  convTransposeRule(3),
];

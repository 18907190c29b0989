// torch.nn.functional: the functions that are a layer rule applied once (F.max_pool2d is a
// MaxPool2d built from the call's arguments and called on its input), and those with a rule of their
// own. The shape-preserving ones (F.relu) are the tensor entries of tensor.ts under their F. name.
import { noArgs } from '../../eval/calls';
import type { Value } from '../../eval/values';
import { add } from '../dims';
import { LAYERS } from '../layers';
import * as S from '../shapeops';
import { T, U, arg, fromShapeOr, intList, intOf, matmulMacs, record } from './args';
import { type OpConfig, type TensorCall, tensorNames } from './config';
import { CONV_FUNCTIONAL } from './convFunctional';

/** F.* functions that are layer rules applied once (arguments after the input bind like the constructor's). */
const FUNCTIONAL_RULES: Record<string, string> = {
  max_pool1d: 'MaxPool1d',
  max_pool2d: 'MaxPool2d',
  max_pool3d: 'MaxPool3d',
  avg_pool1d: 'AvgPool1d',
  avg_pool2d: 'AvgPool2d',
  avg_pool3d: 'AvgPool3d',
  adaptive_avg_pool1d: 'AdaptiveAvgPool1d',
  adaptive_avg_pool2d: 'AdaptiveAvgPool2d',
  adaptive_avg_pool3d: 'AdaptiveAvgPool3d',
  adaptive_max_pool1d: 'AdaptiveMaxPool1d',
  adaptive_max_pool2d: 'AdaptiveMaxPool2d',
  adaptive_max_pool3d: 'AdaptiveMaxPool3d',
  lp_pool1d: 'LPPool1d',
  lp_pool2d: 'LPPool2d',
  pixel_shuffle: 'PixelShuffle',
  pixel_unshuffle: 'PixelUnshuffle',
  glu: 'GLU',
  max_unpool1d: 'MaxUnpool1d',
  max_unpool2d: 'MaxUnpool2d',
  max_unpool3d: 'MaxUnpool3d',
};

function layerRuleF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label, name } = c;
  const rule = LAYERS.get(FUNCTIONAL_RULES[name]);
  if (!rule) return undefined;
  const mv = it.buildLeaf(rule, a, site);
  if (mv.k !== 'module') return undefined;
  // The forward call gets the input and whatever the signature does not take (most calls: the input alone).
  const pos = a.pos.length > rule.sig.length ? [x, ...a.pos.slice(rule.sig.length)] : [x];
  const kw = a.kw.size
    ? new Map([...a.kw].filter(([k]) => !rule.sig.some((sg) => sg[0] === k)))
    : undefined;
  return it.applyLeaf(mv.m, noArgs(pos, kw), site, label);
}

function interpolateF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const rule = LAYERS.get('Upsample');
  if (!rule) return undefined;
  const mv = it.buildLeaf(rule, a, site);
  if (mv.k !== 'module') return undefined;
  return it.applyLeaf(mv.m, noArgs([x]), site, label);
}

function padF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const pads = intList(arg(a, 0, 'pad'));
  if (!x.shape) return record(it, label, x, [x], U(x.why ?? 'shape unknown'), site);
  if (!pads) return record(it, label, x, [x], U('pad sizes unknown'), site);
  const out = [...x.shape];
  for (let i = 0; i * 2 < pads.length; i++) {
    const d = out.length - 1 - i;
    if (d < 0) break;
    out[d] = add(out[d], pads[2 * i] + (pads[2 * i + 1] ?? 0));
  }
  return record(it, label, x, [x], T(out), site);
}

function linearF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const w = arg(a, 0, 'weight');
  if (!x.shape || !w || w.k !== 'tensor' || !w.shape || w.shape.length !== 2)
    return record(it, label, x, [x], U('F.linear weight shape unknown'), site);
  const out = fromShapeOr(
    it,
    S.matmul(x.shape, [w.shape[1], w.shape[0]]),
    label,
    site,
    'linear-in-features',
  );
  return record(it, label, x, [x], out, site, true, undefined, matmulMacs(x.shape, out));
}

function one_hotF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const k = intOf(arg(a, 0, 'num_classes'));
  if (!x.shape || k === null || k < 0)
    return record(it, label, x, [x], U('one_hot classes unknown'), site);
  return record(it, label, x, [x], T([...x.shape, k]), site);
}

function embeddingF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const w = arg(a, 0, 'weight');
  if (!x.shape || !w || w.k !== 'tensor' || !w.shape)
    return record(it, label, x, [x], U('embedding weight unknown'), site);
  return record(it, label, x, [x], T([...x.shape, w.shape[w.shape.length - 1]]), site);
}

/**
 * F.scaled_dot_product_attention(q, k, v): q (…, L, E), k (…, S, E), v (…, S, Ev) give (…, L, Ev),
 * the leading dimensions broadcast. Multiply-adds: QKᵀ (…·L·S·E) and the weighted sum of v (…·L·S·Ev).
 */
function sdpaF(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const k = arg(a, 0, 'key');
  const v = arg(a, 1, 'value');
  const q = x.shape;
  const inputs: Value[] = [x, ...(k ? [k] : []), ...(v ? [v] : [])];
  if (!q || !k || k.k !== 'tensor' || !k.shape || !v || v.k !== 'tensor' || !v.shape)
    return record(it, label, x, inputs, U(x.why ?? 'attention input shape unknown'), site);
  const kt = k.shape.length >= 2 ? S.transpose(k.shape, -2, -1) : null;
  if (!kt || !('shape' in kt))
    return record(it, label, x, inputs, U(`${label}: key needs at least 2 dimensions`), site);
  const scores = fromShapeOr(it, S.matmul(q, kt.shape), label, site, 'matmul-mismatch');
  if (!scores.shape) return record(it, label, x, inputs, scores, site);
  const out = fromShapeOr(it, S.matmul(scores.shape, v.shape), label, site, 'matmul-mismatch');
  const m1 = matmulMacs(q, scores);
  const m2 = matmulMacs(scores.shape, out);
  const macs = m1 === null || m2 === null ? null : m1 + m2;
  return record(it, label, x, inputs, out, site, true, undefined, macs);
}

/** A loss is one number whatever the batch (reduction='mean', the default). */
const lossF = (): Value => T([]);

const FUNCTIONAL_FNS: [string[], (c: TensorCall) => Value | undefined][] = [
  [Object.keys(FUNCTIONAL_RULES), layerRuleF],
  [['interpolate', 'upsample', 'upsample_nearest', 'upsample_bilinear'], interpolateF],
  [['pad'], padF],
  [['linear'], linearF],
  [['one_hot'], one_hotF],
  [['embedding'], embeddingF],
  [['scaled_dot_product_attention'], sdpaF],
  [['cross_entropy', 'nll_loss', 'mse_loss', 'binary_cross_entropy', 'l1_loss'], lossF],
];

export const FUNCTIONAL_NAMES: readonly string[] = FUNCTIONAL_FNS.flatMap(([ns]) => ns);

export const FUNCTIONAL_OPS: OpConfig[] = [
  ...FUNCTIONAL_FNS.map(([ns, call]): OpConfig => ({
    kind: 'tensor',
    names: tensorNames(ns, ['functional']),
    call,
  })),
  // torch.conv2d is the same function as F.conv2d.
  ...CONV_FUNCTIONAL.map(([ns, call]): OpConfig => ({
    kind: 'tensor',
    names: tensorNames(ns, ['functional', 'torch']),
    call,
  })),
];

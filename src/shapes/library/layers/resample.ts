// Upsample, PixelShuffle/Unshuffle, ChannelShuffle and the padding layers.
import type { Value } from '../../eval/values';
import type { ConfigValue } from '../../types';
import { type D, add, exactDiv, mul } from '../dims';
import { axisNames, scaleOut } from '../formulas';
import { type Fwd, type LayerRule, REQUIRED, unknownTensor } from './rule';
import { shapeStr } from './util';

/** Shared by nn.Upsample and F.interpolate: size wins over scale_factor. null is None, undefined unknown. */
export function upsample(
  f: Fwd,
  size: ConfigValue | undefined,
  scale: ConfigValue | undefined,
): Value {
  const s = f.x.shape;
  if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
  const n = s.length - 2;
  if (n < 1 || n > 3) {
    f.diag(
      'input-rank',
      'error',
      `${f.label} expects a 3-D, 4-D or 5-D input (N, C, *spatial), but gets ${shapeStr(s)}.`,
    );
    return unknownTensor('upsample input rank');
  }
  const names = axisNames(n);
  // undefined: an argument given but not evaluated (`size=x.shape[-2:]` with symbolic sizes), which
  // may be anything but None, so it is no ground for the "neither given" error.
  if (size === undefined) return unknownTensor(`${f.label}: size could not be evaluated`);
  if (size !== null) {
    const arr = Array.isArray(size) ? size : Array(n).fill(size);
    if (arr.length !== n || !arr.every((v) => typeof v === 'number'))
      return unknownTensor(`${f.label}: size could not be evaluated`);
    return { k: 'tensor', shape: [...s.slice(0, 2), ...(arr as number[])] };
  }
  if (scale === undefined) return unknownTensor(`${f.label}: scale_factor could not be evaluated`);
  if (scale === null) {
    f.diag('upsample-args', 'error', `${f.label}: either size or scale_factor should be defined.`);
    return unknownTensor('upsample without size or scale_factor');
  }
  const sc = Array.isArray(scale) ? scale : Array(n).fill(scale);
  if (sc.length !== n || !sc.every((v) => typeof v === 'number'))
    return unknownTensor(`${f.label}: scale_factor could not be evaluated`);
  // The input's copy with the spatial sizes overwritten, built at its final size.
  const out: D[] = s.slice();
  for (let i = 0; i < n; i++) {
    const r = scaleOut(names[i], s[2 + i], sc[i] as number);
    f.addFormula(r.formula);
    if (r.out === null) return unknownTensor(`${f.label}: non-integer scale of a symbolic size`);
    out[2 + i] = r.out;
  }
  return { k: 'tensor', shape: out };
}

const upsampleRule: LayerRule = {
  type: 'Upsample',
  sig: [
    ['size', null],
    ['scale_factor', null],
    ['mode', 'nearest'],
    ['align_corners', null],
    ['recompute_scale_factor', null],
  ],
  forward: (f) => upsample(f, f.cfg.raw('size'), f.cfg.raw('scale_factor')),
};

const upsamplingNearest: LayerRule = {
  type: 'UpsamplingNearest2d',
  sig: [
    ['size', null],
    ['scale_factor', null],
  ],
  forward: (f) => upsample(f, f.cfg.raw('size'), f.cfg.raw('scale_factor')),
};
const upsamplingBilinear: LayerRule = {
  type: 'UpsamplingBilinear2d',
  sig: [
    ['size', null],
    ['scale_factor', null],
  ],
  forward: (f) => upsample(f, f.cfg.raw('size'), f.cfg.raw('scale_factor')),
};

export function pixelShuffle(f: Fwd, r: number | null, inverse: boolean): Value {
  const s = f.x.shape;
  if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
  if (r === null) return unknownTensor(`${f.label}: factor could not be evaluated`);
  if (s.length < 3) return unknownTensor(`${f.label}: input needs at least 3 dimensions`);
  const [c, h, w] = s.slice(-3);
  const lead = s.slice(0, -3);
  if (!inverse) {
    const cc = exactDiv(c, r * r);
    if (cc === null) {
      f.diag(
        'pixel-shuffle',
        'error',
        `${f.label}: the channel count ${String(c)} is not divisible by upscale_factor² = ${r * r}; PyTorch raises "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor".`,
      );
      return unknownTensor('pixel shuffle channels');
    }
    return { k: 'tensor', shape: [...lead, cc, mul(h, r), mul(w, r)] };
  }
  const hh = exactDiv(h, r);
  const ww = exactDiv(w, r);
  if (hh === null || ww === null) {
    f.diag(
      'pixel-shuffle',
      'error',
      `${f.label}: height and width must be divisible by downscale_factor ${r}.`,
    );
    return unknownTensor('pixel unshuffle size');
  }
  return { k: 'tensor', shape: [...lead, mul(c, r * r), hh, ww] };
}

const pixelShuffleRule: LayerRule = {
  type: 'PixelShuffle',
  sig: [['upscale_factor', REQUIRED]],
  forward: (f) => pixelShuffle(f, f.cfg.int('upscale_factor'), false),
};
const pixelUnshuffleRule: LayerRule = {
  type: 'PixelUnshuffle',
  sig: [['downscale_factor', REQUIRED]],
  forward: (f) => pixelShuffle(f, f.cfg.int('downscale_factor'), true),
};
const channelShuffle: LayerRule = {
  type: 'ChannelShuffle',
  sig: [['groups', REQUIRED]],
  forward: (f) => f.x,
};

/** F.pad semantics: pairs of (left, right) from the last dimension backwards. */
export function pad(f: Fwd, pads: number[] | null, nSpatial: number | null): Value {
  const s = f.x.shape;
  if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
  if (!pads) return unknownTensor(`${f.label}: padding could not be evaluated`);
  if (nSpatial !== null && s.length !== nSpatial + 1 && s.length !== nSpatial + 2) {
    f.diag(
      'input-rank',
      'error',
      `${f.label} expects a ${nSpatial + 1}D or ${nSpatial + 2}D input, but gets ${shapeStr(s)}.`,
    );
    return unknownTensor('padding input rank');
  }
  const out = [...s];
  for (let i = 0; i * 2 < pads.length; i++) {
    const d = s.length - 1 - i;
    if (d < 0) return unknownTensor('padding longer than the input rank');
    out[d] = add(out[d], pads[2 * i] + (pads[2 * i + 1] ?? 0));
  }
  return { k: 'tensor', shape: out };
}

function padRule(type: string, n: number, withValue: boolean): LayerRule {
  const sig: [string, ConfigValue | typeof REQUIRED][] = [['padding', REQUIRED]];
  if (withValue) sig.push(['value', type.startsWith('Zero') ? 0 : REQUIRED]);
  return {
    type,
    sig: type.startsWith('Zero') ? [['padding', REQUIRED]] : sig,
    normalize(c) {
      const v = c.raw('padding');
      if (typeof v === 'number') c.values.padding = Array(2 * n).fill(v) as number[];
    },
    forward(f) {
      const v = f.cfg.raw('padding');
      const pads =
        Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null;
      return pad(f, pads, n);
    },
  };
}

const padRules: LayerRule[] = [1, 2, 3].flatMap((n) => [
  padRule(`ConstantPad${n}d`, n, true),
  padRule(`ReflectionPad${n}d`, n, false),
  padRule(`ReplicationPad${n}d`, n, false),
  padRule(`CircularPad${n}d`, n, false),
  ...(n === 2 || n === 1 || n === 3 ? [padRule(`ZeroPad${n}d`, n, false)] : []),
]);

export const resampleRules: LayerRule[] = [
  upsampleRule,
  upsamplingNearest,
  upsamplingBilinear,
  pixelShuffleRule,
  pixelUnshuffleRule,
  channelShuffle,
  ...padRules,
];

// BatchNorm, LayerNorm, GroupNorm, InstanceNorm, LocalResponseNorm (torch/nn/modules/*norm*.py).
import type { Value } from '../../eval/values';
import { knownEqual } from '../dims';
import { type Fwd, type LayerRule, REQUIRED, unknownTensor } from './rule';
import { shapeStr } from './util';

function channelCheck(f: Fwd, ranks: number[], arg: string, code: string): Value | null {
  const s = f.x.shape;
  if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
  if (!ranks.includes(s.length)) {
    f.diag(
      'input-rank',
      'error',
      `${f.label} expects a ${ranks.join('D or ')}D input, but gets ${shapeStr(s)}; PyTorch raises "expected ${ranks.join('D or ')}D input (got ${s.length}D input)".`,
    );
    return unknownTensor(`input to ${f.label} has the wrong rank`);
  }
  const want = f.cfg.int(arg);
  const ch = s[1];
  if (want !== null && knownEqual(ch, want) === false) {
    f.diag(
      code,
      'error',
      `${f.label}: ${arg}=${want} but the input ${shapeStr(s)} has ${String(ch)} channels; PyTorch raises "running_mean should contain ${String(ch)} elements not ${want}". Set ${arg} to ${String(ch)}.`,
      arg,
      typeof ch === 'number' ? ch : undefined,
    );
  }
  return null;
}

function batchNorm(n: number): LayerRule {
  return {
    type: `BatchNorm${n}d`,
    sig: [
      ['num_features', REQUIRED],
      ['eps', 1e-5],
      ['momentum', 0.1],
      ['affine', true],
      ['track_running_stats', true],
    ],
    params: (c) =>
      c.int('num_features') === null || c.bool('affine') === null
        ? null
        : c.bool('affine')
          ? 2 * (c.int('num_features') as number)
          : 0,
    probe: (c) =>
      c.int('num_features') === null
        ? null
        : n === 1
          ? ['B', c.int('num_features') as number]
          : ['B', c.int('num_features') as number, ...(n === 2 ? ['H', 'W'] : ['D', 'H', 'W'])],
    // BatchNorm1d takes (N, C) and (N, C, L) alike.
    ...(n === 1 ? { probeRankGuessed: true as const } : {}),
    forward(f) {
      const bad = channelCheck(f, n === 1 ? [2, 3] : [n + 2], 'num_features', 'batchnorm-features');
      return bad ?? f.x;
    },
  };
}

function instanceNorm(n: number): LayerRule {
  return {
    type: `InstanceNorm${n}d`,
    sig: [
      ['num_features', REQUIRED],
      ['eps', 1e-5],
      ['momentum', 0.1],
      ['affine', false],
      ['track_running_stats', false],
    ],
    params: (c) =>
      c.int('num_features') === null
        ? null
        : c.bool('affine')
          ? 2 * (c.int('num_features') as number)
          : 0,
    forward(f) {
      const s = f.x.shape;
      if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (s.length !== n + 1 && s.length !== n + 2) {
        f.diag(
          'input-rank',
          'error',
          `${f.label} expects a ${n + 1}D or ${n + 2}D input, but gets ${shapeStr(s)}.`,
        );
        return unknownTensor(`input to ${f.label} has the wrong rank`);
      }
      const ch = s[s.length - n - 1];
      const want = f.cfg.int('num_features');
      // Without affine or running stats PyTorch only warns on a mismatch.
      if (
        want !== null &&
        knownEqual(ch, want) === false &&
        (f.cfg.bool('affine') || f.cfg.bool('track_running_stats'))
      ) {
        f.diag(
          'batchnorm-features',
          'error',
          `${f.label}: num_features=${want} but the input ${shapeStr(s)} has ${String(ch)} channels. Set num_features to ${String(ch)}.`,
          'num_features',
          typeof ch === 'number' ? ch : undefined,
        );
      }
      return f.x;
    },
  };
}

const layerNorm: LayerRule = {
  type: 'LayerNorm',
  sig: [
    ['normalized_shape', REQUIRED],
    ['eps', 1e-5],
    ['elementwise_affine', true],
  ],
  normalize(c) {
    const v = c.raw('normalized_shape');
    if (typeof v === 'number') c.values.normalized_shape = [v];
  },
  params(c) {
    const v = c.raw('normalized_shape');
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) return null;
    const p = (v as number[]).reduce((a, b) => a * b, 1);
    const affine = c.bool('elementwise_affine');
    return affine === null ? null : affine ? 2 * p : 0;
  },
  probe: (c) => {
    const v = c.raw('normalized_shape');
    return Array.isArray(v) && v.every((x) => typeof x === 'number')
      ? ['B', ...(v as number[])]
      : null;
  },
  probeRankGuessed: true,
  forward(f) {
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    const v = f.cfg.raw('normalized_shape');
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
      const ns = v as number[];
      const tail = s.slice(s.length - ns.length);
      if (tail.length !== ns.length || tail.some((d, i) => knownEqual(d, ns[i]) === false)) {
        const fixV = tail.length === 1 && typeof tail[0] === 'number' ? tail[0] : undefined;
        f.diag(
          'layernorm-shape',
          'error',
          `${f.label}: normalized_shape ${shapeStr(ns)} does not match the last dimensions of the input ${shapeStr(s)}; PyTorch raises "Given normalized_shape=${shapeStr(ns)}, expected input with shape [*, ${ns.join(', ')}]".`,
          'normalized_shape',
          fixV,
        );
      }
    }
    return f.x;
  },
};

const groupNorm: LayerRule = {
  type: 'GroupNorm',
  sig: [
    ['num_groups', REQUIRED],
    ['num_channels', REQUIRED],
    ['eps', 1e-5],
    ['affine', true],
  ],
  params: (c) =>
    c.int('num_channels') === null
      ? null
      : c.bool('affine')
        ? 2 * (c.int('num_channels') as number)
        : 0,
  forward(f) {
    const g = f.cfg.int('num_groups');
    const cch = f.cfg.int('num_channels');
    if (g !== null && cch !== null && cch % g !== 0)
      f.diag(
        'groupnorm-groups',
        'error',
        `${f.label}: num_channels (${cch}) must be divisible by num_groups (${g}); PyTorch raises "num_channels must be divisible by num_groups".`,
        'num_groups',
      );
    const s = f.x.shape;
    if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
    if (s.length < 2) return unknownTensor(`${f.label} needs a batched input`);
    if (cch !== null && knownEqual(s[1], cch) === false) {
      f.diag(
        'groupnorm-channels',
        'error',
        `${f.label}: num_channels=${cch} but the input ${shapeStr(s)} has ${String(s[1])} channels. Set num_channels to ${String(s[1])}.`,
        'num_channels',
        typeof s[1] === 'number' ? s[1] : undefined,
      );
    }
    return f.x;
  },
};

const lrn: LayerRule = {
  type: 'LocalResponseNorm',
  sig: [
    ['size', REQUIRED],
    ['alpha', 1e-4],
    ['beta', 0.75],
    ['k', 1.0],
  ],
  forward: (f) => f.x,
};

export const normRules: LayerRule[] = [1, 2, 3]
  .flatMap((n) => [batchNorm(n), instanceNorm(n)])
  .concat([layerNorm, groupNorm, lrn]);

// Shape-preserving layers: activations, dropout, softmax; and GLU, which halves a dimension.
import { exactDiv } from '../dims';
import { type Default, type LayerRule, normDim, unknownTensor } from './rule';

const same = (
  type: string,
  sig: [string, Default][] = [],
  params?: LayerRule['params'],
): LayerRule => ({ type, sig, params, forward: (f) => f.x });

const inplace: [string, Default] = ['inplace', false];

export const activationRules: LayerRule[] = [
  same('ReLU', [inplace]),
  same('ReLU6', [inplace]),
  same('LeakyReLU', [['negative_slope', 0.01], inplace]),
  same(
    'PReLU',
    [
      ['num_parameters', 1],
      ['init', 0.25],
    ],
    (c) => c.int('num_parameters'),
  ),
  same('RReLU', [['lower', 1 / 8], ['upper', 1 / 3], inplace]),
  same('ELU', [['alpha', 1.0], inplace]),
  same('CELU', [['alpha', 1.0], inplace]),
  same('SELU', [inplace]),
  same('GELU', [['approximate', 'none']]),
  same('SiLU', [inplace]),
  same('Mish', [inplace]),
  same('Sigmoid'),
  same('Tanh'),
  same('LogSigmoid'),
  same('Softplus', [
    ['beta', 1],
    ['threshold', 20],
  ]),
  same('Softsign'),
  same('Softshrink', [['lambd', 0.5]]),
  same('Hardshrink', [['lambd', 0.5]]),
  same('Tanhshrink'),
  same('Hardtanh', [['min_val', -1.0], ['max_val', 1.0], inplace]),
  same('Hardswish', [inplace]),
  same('Hardsigmoid', [inplace]),
  same('Threshold', [['threshold', 0], ['value', 0], inplace]),
  // torch.ao.quantization's stubs are the identity until a model is converted, which a forward
  // never does; their qconfig argument changes nothing the analyser shows.
  { ...same('QuantStub'), doc: 'torch.ao.quantization.QuantStub' },
  { ...same('DeQuantStub'), doc: 'torch.ao.quantization.DeQuantStub' },
  same('Softmax', [['dim', null]]),
  same('LogSoftmax', [['dim', null]]),
  same('Softmin', [['dim', null]]),
  same('Softmax2d'),
  same('Dropout', [['p', 0.5], inplace]),
  same('Dropout1d', [['p', 0.5], inplace]),
  same('Dropout2d', [['p', 0.5], inplace]),
  same('Dropout3d', [['p', 0.5], inplace]),
  same('AlphaDropout', [['p', 0.5], inplace]),
  same('FeatureAlphaDropout', [['p', 0.5], inplace]),
  {
    type: 'GLU',
    sig: [['dim', -1]],
    forward(f) {
      const s = f.x.shape;
      if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
      const dim = f.cfg.int('dim');
      if (dim === null) return unknownTensor(`${f.label}: dim could not be evaluated`);
      const d = normDim(dim, s.length);
      if (d === null) return unknownTensor(`${f.label}: dim out of range`);
      const half = exactDiv(s[d], 2);
      if (half === null) {
        f.diag(
          'glu-odd',
          'error',
          `${f.label}: GLU halves dimension ${d}, which has odd size ${String(s[d])}; PyTorch raises "Halving dimension must be even".`,
        );
        return unknownTensor('GLU on an odd dimension');
      }
      const out = [...s];
      out[d] = half;
      return { k: 'tensor', shape: out };
    },
  },
];

// RNN, LSTM, GRU (torch/nn/modules/rnn.py). Outputs are tuples: (output, h_n) or (output, (h_n, c_n)).
import type { TensorV, Value } from '../../eval/values';
import { type D, knownEqual } from '../dims';
import { makePacked, packedParts } from '../packedSequence';
import { type Cfg, type Default, type Fwd, type LayerRule, REQUIRED, unknownTensor } from './rule';
import { shapeStr } from './util';

function rnnParams(c: Cfg, gates: number): number | null {
  const inp = c.int('input_size');
  const h = c.int('hidden_size');
  const layers = c.int('num_layers');
  const bias = c.bool('bias');
  const bi = c.bool('bidirectional');
  // proj_size exists on LSTM only; elsewhere its absence is 0, but an unevaluated one is unknown.
  const proj = c.has('proj_size') || c.missing(['proj_size']) ? c.int('proj_size') : 0;
  if (
    inp === null ||
    h === null ||
    layers === null ||
    bias === null ||
    bi === null ||
    proj === null
  )
    return null;
  const dirs = bi ? 2 : 1;
  const hOut = proj > 0 ? proj : h;
  let total = 0;
  for (let l = 0; l < layers; l++) {
    const in_l = l === 0 ? inp : dirs * hOut;
    const per =
      gates * h * in_l + gates * h * hOut + (bias ? 2 * gates * h : 0) + (proj > 0 ? proj * h : 0);
    total += per * dirs;
  }
  return total;
}

function rnnRule(type: 'RNN' | 'LSTM' | 'GRU'): LayerRule {
  const gates = type === 'LSTM' ? 4 : type === 'GRU' ? 3 : 1;
  const sig: [string, Default][] = [
    ['input_size', REQUIRED],
    ['hidden_size', REQUIRED],
    ['num_layers', 1],
  ];
  // RNN takes nonlinearity as its fourth positional argument (rnn.py pops it from args).
  if (type === 'RNN') sig.push(['nonlinearity', 'tanh']);
  sig.push(['bias', true], ['batch_first', false], ['dropout', 0.0], ['bidirectional', false]);
  if (type === 'LSTM') sig.push(['proj_size', 0]);
  return {
    type,
    sig,
    params: (c) => rnnParams(c, gates),
    probe: (c) => {
      const i = c.int('input_size');
      if (i === null) return null;
      return c.bool('batch_first') ? ['B', 'L', i] : ['L', 'B', i];
    },
    forward(f) {
      const c = f.cfg;
      const s = f.x.shape;
      const h = c.int('hidden_size');
      const layers = c.int('num_layers');
      const inp = c.int('input_size');
      const bi = c.bool('bidirectional');
      const dirs = bi ? 2 : 1;
      const proj = c.has('proj_size') || c.missing(['proj_size']) ? c.int('proj_size') : 0;
      const packed = packedParts(f.args[0]);
      if (packed) return packedForward(f, type, packed, { h, layers, inp, dirs, proj, bi });
      if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (h === null || layers === null || bi === null || proj === null)
        return unknownTensor(
          `${f.label}: hidden_size/num_layers/bidirectional/proj_size could not be evaluated`,
        );
      if (s.length !== 2 && s.length !== 3) {
        f.diag(
          'input-rank',
          'error',
          `${f.label} expects a 2-D (unbatched) or 3-D input, but gets ${shapeStr(s)}; PyTorch raises "input must have 3 dimensions".`,
        );
        return unknownTensor(`input to ${f.label} has the wrong rank`);
      }
      const last = s[s.length - 1];
      if (inp !== null && knownEqual(last, inp) === false) {
        f.diag(
          'rnn-input-size',
          'error',
          `${f.label}: input_size=${inp} but the input ${shapeStr(s)} has ${String(last)} features; PyTorch raises "input.size(-1) must be equal to input_size. Expected ${inp}, got ${String(last)}". Set input_size to ${String(last)}.`,
          'input_size',
          typeof last === 'number' ? last : undefined,
        );
      }
      const hOut = proj > 0 ? proj : h;
      const out: D[] = [...s.slice(0, -1), dirs * hOut];
      const batched = s.length === 3;
      const N = batched ? (c.bool('batch_first') ? s[0] : s[1]) : null;
      const hn: TensorV = {
        k: 'tensor',
        shape: N === null ? [dirs * layers, hOut] : [dirs * layers, N, hOut],
      };
      const res: Value[] = [{ k: 'tensor', shape: out }];
      if (type === 'LSTM') {
        const cn: TensorV = {
          k: 'tensor',
          shape: N === null ? [dirs * layers, h] : [dirs * layers, N, h],
        };
        res.push({ k: 'seq', kind: 'tuple', items: [hn, cn] });
      } else res.push(hn);
      return { k: 'seq', kind: 'tuple', items: res };
    },
  };
}

/**
 * A PackedSequence in: the layer runs over its data rows (sum of the lengths, features) and gives a
 * PackedSequence of the same batch sizes, and states for every sequence of the batch.
 */
function packedForward(
  f: Fwd,
  type: 'RNN' | 'LSTM' | 'GRU',
  p: NonNullable<ReturnType<typeof packedParts>>,
  k: {
    h: number | null;
    layers: number | null;
    inp: number | null;
    dirs: number;
    proj: number | null;
    bi: boolean | null;
  },
): Value {
  const s = p.data.shape;
  const { h, layers, inp, dirs, proj, bi } = k;
  if (!s || s.length !== 2) return unknownTensor('packed data of an unknown or unexpected shape');
  if (h === null || layers === null || bi === null || proj === null)
    return unknownTensor(
      `${f.label}: hidden_size/num_layers/bidirectional/proj_size could not be evaluated`,
    );
  if (inp !== null && knownEqual(s[1], inp) === false)
    return unknownTensor(`${f.label}: the packed data's features differ from input_size`);
  const hOut = proj > 0 ? proj : h;
  const data: TensorV = { k: 'tensor', shape: [s[0], dirs * hOut] };
  const out = makePacked(data, p.batchSizes, p.sorted, p.unsorted, p.batch);
  const hn: TensorV = { k: 'tensor', shape: [dirs * layers, p.batch, hOut] };
  const state: Value =
    type === 'LSTM'
      ? {
          k: 'seq',
          kind: 'tuple',
          items: [hn, { k: 'tensor', shape: [dirs * layers, p.batch, h] }],
        }
      : hn;
  return { k: 'seq', kind: 'tuple', items: [out, state] };
}

/** One time step: LSTMCell gives (h', c'), GRUCell and RNNCell h', each (N, hidden_size) or (hidden_size,). */
function cellRule(type: 'RNNCell' | 'LSTMCell' | 'GRUCell'): LayerRule {
  const gates = type === 'LSTMCell' ? 4 : type === 'GRUCell' ? 3 : 1;
  const sig: [string, Default][] = [
    ['input_size', REQUIRED],
    ['hidden_size', REQUIRED],
    ['bias', true],
  ];
  if (type === 'RNNCell') sig.push(['nonlinearity', 'tanh']);
  return {
    type,
    sig,
    params: (c) => {
      const i = c.int('input_size');
      const h = c.int('hidden_size');
      const bias = c.bool('bias');
      if (i === null || h === null || bias === null) return null;
      return gates * h * (i + h) + (bias ? 2 * gates * h : 0);
    },
    probe: (c) => {
      const i = c.int('input_size');
      return i === null ? null : ['B', i];
    },
    forward(f) {
      const c = f.cfg;
      const s = f.x.shape;
      const h = c.int('hidden_size');
      const inp = c.int('input_size');
      if (!s) return unknownTensor(f.x.why ?? 'input shape unknown');
      if (h === null) return unknownTensor(`${f.label}: hidden_size could not be evaluated`);
      if (s.length !== 1 && s.length !== 2) {
        f.diag(
          'input-rank',
          'error',
          `${f.label} expects a 1-D or 2-D input, but gets ${shapeStr(s)}; PyTorch raises "${type}: Expected input to be 1-D or 2-D".`,
        );
        return unknownTensor(`input to ${f.label} has the wrong rank`);
      }
      const last = s[s.length - 1];
      if (inp !== null && knownEqual(last, inp) === false) {
        f.diag(
          'rnn-input-size',
          'error',
          `${f.label}: input_size=${inp} but the input ${shapeStr(s)} has ${String(last)} features; PyTorch raises "input has inconsistent input_size". Set input_size to ${String(last)}.`,
          'input_size',
          typeof last === 'number' ? last : undefined,
        );
      }
      const out: TensorV = { k: 'tensor', shape: [...s.slice(0, -1), h] };
      if (type !== 'LSTMCell') return out;
      return {
        k: 'seq',
        kind: 'tuple',
        items: [out, { k: 'tensor', shape: [...s.slice(0, -1), h] }],
      };
    },
  };
}

export const recurrentRules: LayerRule[] = [
  rnnRule('RNN'),
  rnnRule('LSTM'),
  rnnRule('GRU'),
  cellRule('RNNCell'),
  cellRule('LSTMCell'),
  cellRule('GRUCell'),
];

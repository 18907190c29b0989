// Short-time Fourier transforms and the complex views around them (torchaudio's HDemucs takes its
// spectrogram with torch.stft and gives it back with torch.istft). Shapes as PyTorch 1.13 gives
// them; a size PyTorch would reject is unknown, never a guess. The engine tracks no dtype and, as in
// every layer rule, takes a tensor for real unless this module made it complex: stft's `onesided`
// default (true for a real input) is read that way, while a left-out `return_complex` (whose
// default differs by dtype and warns in 1.13) stays unknown.
import type { CallArgs } from '../../eval/calls';
import type { Value } from '../../eval/values';
import { type D, isNum } from '../dims';
import { T, U, arg, intOf } from './args';
import type { OpConfig, RawCall, TensorCall } from './config';
import { tensorNames } from './config';

/** The complex tensors made here (stft, view_as_complex), for stft's `onesided` default. */
const COMPLEX = new WeakSet<object>();

function complexT(shape: D[]): Value {
  const t = T(shape);
  COMPLEX.add(t);
  return t;
}

/** A keyword or positional boolean argument: true/false, null when unknown, `absent` when left out. */
function boolArg<A extends boolean | undefined = undefined>(
  a: CallArgs,
  i: number,
  name: string,
  absent?: A,
): boolean | null | A {
  const v = arg(a, i, name);
  // None is the default only of the options whose default is None (onesided, return_complex).
  if (v === undefined || (v.k === 'none' && absent === undefined)) return absent as A;
  return v.k === 'bool' ? v.v : null;
}

/** An optional int argument: its value, undefined when absent or None, null when unknown. */
function optInt(a: CallArgs, i: number, name: string): number | null | undefined {
  const v = arg(a, i, name);
  if (v === undefined || v.k === 'none') return undefined;
  return intOf(v);
}

/** n_fft, hop_length and win_length, with PyTorch's defaults (hop n_fft // 4, window n_fft). */
function frameArgs(a: CallArgs, what: string): { nfft: number; hop: number } | string {
  const nfft = intOf(arg(a, 0, 'n_fft'));
  const hop = optInt(a, 1, 'hop_length');
  const win = optInt(a, 2, 'win_length');
  if (nfft === null || hop === null || win === null) return `${what} arguments unknown`;
  const h = hop ?? Math.floor(nfft / 4);
  if (nfft < 1 || h < 1 || (win !== undefined && (win < 1 || win > nfft)))
    return `${what}: n_fft, hop_length and win_length out of range (PyTorch raises)`;
  return { nfft, hop: h };
}

/**
 * stft(input (L) or (B, L), n_fft, hop_length, win_length, window, center=True, pad_mode,
 * normalized, onesided, return_complex) → (B?, n_fft // 2 + 1 or n_fft, frames), with a trailing 2
 * when return_complex is False.
 */
function stft(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return U(x.why ?? 'torch.stft() input unknown');
  if (s.length !== 1 && s.length !== 2) return U('torch.stft() takes a 1-d or 2-d input');
  const f = frameArgs(a, 'torch.stft()');
  if (typeof f === 'string') return U(f);
  const center = boolArg(a, 4, 'center', true);
  const given = boolArg(a, 7, 'onesided');
  const onesided = given === undefined ? !COMPLEX.has(x) : given;
  const complex = boolArg(a, 8, 'return_complex');
  if (center === null || onesided === null) return U('torch.stft() arguments unknown');
  if (complex == null)
    return U('torch.stft() without return_complex: its size depends on the dtype');
  const L = s[s.length - 1];
  if (!isNum(L)) return U('torch.stft() length unknown');
  const pad = center ? Math.floor(f.nfft / 2) : 0;
  // Reflect padding needs more samples than it pads; the frames need one window.
  if ((center && L <= pad) || L + 2 * pad < f.nfft)
    return U('torch.stft() input shorter than its window (PyTorch raises)');
  const frames = Math.floor((L + 2 * pad - f.nfft) / f.hop) + 1;
  const freqs = onesided ? Math.floor(f.nfft / 2) + 1 : f.nfft;
  const out: D[] = [...s.slice(0, -1), freqs, frames];
  return complex ? complexT(out) : T([...out, 2]);
}

/**
 * istft(input (F, frames) or (B, F, frames), n_fft, hop_length, win_length, window, center=True,
 * normalized, onesided, length) → (B?, length), or (B?, n_fft + hop·(frames − 1) − 2·(n_fft // 2))
 * with center and no length.
 */
function istft(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return U(x.why ?? 'torch.istft() input unknown');
  if (s.length !== 2 && s.length !== 3) return U('torch.istft() takes a 2-d or 3-d complex input');
  const f = frameArgs(a, 'torch.istft()');
  if (typeof f === 'string') return U(f);
  const center = boolArg(a, 4, 'center', true);
  const onesided = boolArg(a, 6, 'onesided');
  const length = optInt(a, 7, 'length');
  const complex = boolArg(a, 8, 'return_complex');
  if (center === null || onesided === null || length === null || complex === null || complex)
    return U('torch.istft() arguments unknown');
  const [F, frames] = s.slice(-2);
  if (!isNum(F) || !isNum(frames)) return U('torch.istft() sizes unknown');
  // onesided left out follows the input: n_fft // 2 + 1 bins is one-sided, n_fft bins is not.
  const oneBins = Math.floor(f.nfft / 2) + 1;
  const expect = onesided === false ? [f.nfft] : onesided ? [oneBins] : [oneBins, f.nfft];
  if (!expect.includes(F))
    return U('torch.istft() frequency bins do not match n_fft (PyTorch raises)');
  const full = f.nfft + f.hop * (frames - 1) - (center ? 2 * Math.floor(f.nfft / 2) : 0);
  const len = length ?? full;
  if (len < 1) return U('torch.istft() gives no samples (PyTorch raises)');
  return T([...s.slice(0, -2), len]);
}

/** view_as_real adds the trailing (real, imaginary) pair of 2. */
function viewAsReal(c: TensorCall): Value | undefined {
  const s = c.x.shape;
  return s ? T([...s, 2]) : U(c.x.why ?? 'torch.view_as_real() input unknown');
}

/** view_as_complex takes a last dimension of 2 (PyTorch raises on any other). */
function viewAsComplex(c: TensorCall): Value | undefined {
  const s = c.x.shape;
  if (!s) return U(c.x.why ?? 'torch.view_as_complex() input unknown');
  if (s.length === 0 || s[s.length - 1] !== 2)
    return U('torch.view_as_complex() needs a last dimension of 2');
  return complexT(s.slice(0, -1));
}

/** hann_window(n) and its kin: a 1-d tensor of n. */
function windowNew(c: RawCall): Value | undefined {
  const nw = intOf(arg(c.a, 0, 'window_length'));
  return nw !== null && nw >= 0 ? T([nw]) : U(`torch.${c.name}() length unknown`);
}

export const SPECTRAL_OPS: readonly OpConfig[] = [
  { kind: 'tensor', names: tensorNames(['stft'], ['torch', 'method']), call: stft },
  { kind: 'tensor', names: tensorNames(['istft'], ['torch', 'method']), call: istft },
  { kind: 'tensor', names: tensorNames(['view_as_real'], ['torch']), call: viewAsReal },
  { kind: 'tensor', names: tensorNames(['view_as_complex'], ['torch']), call: viewAsComplex },
  {
    kind: 'raw',
    names: [
      'hann_window',
      'hamming_window',
      'blackman_window',
      'bartlett_window',
      'kaiser_window',
    ].map((w) => 'torch.' + w),
    call: windowNew,
  },
];
